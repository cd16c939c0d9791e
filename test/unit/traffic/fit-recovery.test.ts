// Fit recovers known parameters: a trace made with two routes at 70/30, log-normal sizes and a
// 10x burst at a known time fits to a scenario whose weights, medians, p95s and burst match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeScenario } from '../../../src/core/analyze-scenario';
import type { PlanMixEntry } from '../../../src/core/plan';
import { fitTraceFile } from '../../../src/runner/trace-fit-file';
import { Rng, poissonArrivals, requestLog, type RouteSpec } from './trace-gen';

const ROUTES: RouteSpec[] = [
  { name: 'chat', weight: 70, prompt: { median: 400, p95: 1500 }, output: { median: 150, p95: 600 } },
  { name: 'search', weight: 30, prompt: { median: 2000, p95: 6000 }, output: { median: 60, p95: 200 } },
];
const SPAN_MS = 20 * 60_000;
const BASE_RATE = 5;
const BURST = { atMs: 8 * 60_000, forMs: 2 * 60_000, factor: 10 };

function within(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance * expected, `${what}: ${actual} is not within ${tolerance * 100}% of ${expected}`);
}

test('fit recovers route weights, size medians and p95s, and a 10x burst', async () => {
  const rng = new Rng(17);
  const rateAt = (ms: number) => (ms >= BURST.atMs && ms < BURST.atMs + BURST.forMs ? BASE_RATE * BURST.factor : BASE_RATE);
  const arrivals = poissonArrivals(rng, SPAN_MS, rateAt, BASE_RATE * BURST.factor);
  const dir = mkdtempSync(join(tmpdir(), 'stampede-fit-'));
  const file = join(dir, 'requests.jsonl');
  writeFileSync(file, requestLog(rng, arrivals, ROUTES, Date.UTC(2025, 2, 1, 9)).join('\n') + '\n');

  const { text, fit } = await fitTraceFile({ name: file });
  assert.doesNotMatch(text, /secret prompt text/, 'prompt text is never copied');
  const { plan, problems } = analyzeScenario(text);
  assert.deepEqual(problems.filter((p) => p.severity === 'error'), []);
  assert.ok(plan);

  // Weights within 2 points.
  for (const route of ROUTES) {
    const entry: PlanMixEntry | undefined = plan.workload.mix.find((e) => e.name === route.name);
    assert.ok(entry, `a mix entry for ${route.name}`);
    assert.ok(Math.abs(entry.share * 100 - route.weight) <= 2, `${route.name} weight ${entry.share * 100} vs ${route.weight}`);
    // Medians and p95s within 10 %, as written in the scenario.
    assert.equal(entry.promptTokens.kind, 'lognormal');
    if (entry.promptTokens.kind !== 'lognormal') return;
    within(entry.promptTokens.median, route.prompt.median, 0.1, `${route.name} prompt median`);
    within(entry.promptTokens.p95, route.prompt.p95, 0.1, `${route.name} prompt p95`);
    const out = entry.maxTokensDist;
    assert.ok(out && out.kind === 'lognormal', `${route.name} output sizes as a distribution`);
    if (out.kind !== 'lognormal') return;
    within(out.median, route.output.median, 0.1, `${route.name} output median`);
    within(out.p95, route.output.p95, 0.1, `${route.name} output p95`);
  }

  // The burst: one stage named as a burst, within one bucket of its time and at ~10x.
  const bucketMs = fit.bucketMs;
  const segments = plan.load.segments;
  const scale = plan.load.timeScale;
  const bursts = segments.filter((s) => /^burst/.test(s.stage));
  assert.equal(bursts.length, 1, `one burst found: ${segments.map((s) => `${s.stage}@${s.startMs * scale}`).join(', ')}`);
  const burst = bursts[0];
  assert.ok(Math.abs(burst.startMs * scale - BURST.atMs) <= bucketMs, `burst starts at ${burst.startMs * scale} ms, true ${BURST.atMs} (bucket ${bucketMs} ms)`);
  assert.ok(Math.abs((burst.endMs - burst.startMs) * scale - BURST.forMs) <= bucketMs, `burst lasts ${(burst.endMs - burst.startMs) * scale} ms, true ${BURST.forMs}`);
  const factor = burst.from / plan.load.baseline;
  assert.ok(Math.abs(factor - BURST.factor) <= 1, `burst factor ${factor}, true ${BURST.factor}`);
  assert.match(text, /# Bursts .*:\n#   burst 1: at 2025-03-01 09:0[78]/);
  console.log(`fit: weights ${plan.workload.mix.map((e) => `${e.name} ${(e.share * 100).toFixed(1)}%`).join(', ')}; burst at ${burst.startMs * scale / 1000}s x${factor.toFixed(2)} (bucket ${bucketMs / 1000}s)`);
});

test('a trace over three days fits to a daily wave (trough, peak and their hours) with its burst found against the wave', async () => {
  const HOUR = 3_600_000;
  const DAY = 24 * HOUR;
  // Trough 3/min at 04:00 UTC, peak 12/min at 16:00 UTC; on day 2 a 10x hour at 10:00.
  const wave = { trough: 0.05, peak: 0.2, troughHour: 4 };
  const burst = { atMs: DAY + 10 * HOUR, forMs: HOUR, factor: 10 };
  const level = (ms: number) => wave.trough + ((wave.peak - wave.trough) * (1 - Math.cos((2 * Math.PI * (ms - wave.troughHour * HOUR)) / DAY))) / 2;
  const rateAt = (ms: number) => level(ms) * (ms >= burst.atMs && ms < burst.atMs + burst.forMs ? burst.factor : 1);
  const rng = new Rng(3);
  const arrivals = poissonArrivals(rng, 3 * DAY, rateAt, wave.peak * burst.factor);
  const dir = mkdtempSync(join(tmpdir(), 'stampede-fit-'));
  const file = join(dir, 'three-days.jsonl');
  writeFileSync(file, requestLog(rng, arrivals, [ROUTES[0]], Date.UTC(2025, 2, 3)).join('\n') + '\n');

  const { text, fit } = await fitTraceFile({ name: file });
  const d = fit.diurnal;
  assert.ok(d, 'a daily wave');
  const hoursApart = (a: number, b: number) => Math.min(Math.abs(a - b), 24 - Math.abs(a - b));
  assert.ok(hoursApart(d.troughHour, 4) <= 0.5 && hoursApart(d.peakHour, 16) <= 0.5, `trough at ${d.troughHour} h, peak at ${d.peakHour} h`);
  within(d.troughRate, wave.trough, 0.1, 'trough rate');
  within(d.peakRate, wave.peak, 0.1, 'peak rate');
  const header = /# Daily wave: trough ([\d.]+)\/m at (\d\d):(\d\d) UTC, peak ([\d.]+)\/m at (\d\d):(\d\d) UTC; the stages start at the first trough/.exec(text);
  assert.ok(header, 'the header describes the wave');
  within(Number(header[1]), 3, 0.1, 'trough in the header');
  within(Number(header[4]), 12, 0.1, 'peak in the header');
  assert.ok(hoursApart(Number(header[2]) + Number(header[3]) / 60, 4) <= 0.5 && hoursApart(Number(header[5]) + Number(header[6]) / 60, 16) <= 0.5, header[0]);

  const { plan, problems } = analyzeScenario(text);
  assert.deepEqual(problems.filter((p) => p.severity === 'error'), []);
  assert.ok(plan);
  const scale = plan.load.timeScale;
  const segments = plan.load.segments;
  // Days 1 and 3 are the language's diurnal wave: a day's period, trough to 4x at the peak.
  const waves = segments.filter((s) => s.shape === 'sine');
  assert.deepEqual(waves.map((s) => s.stage), ['day 1', 'day 3']);
  for (const w of waves) {
    assert.equal((w.periodMs ?? 0) * scale, DAY);
    within(w.to / w.from, wave.peak / wave.trough, 0.15, `${w.stage} peak over trough`);
  }
  // Day 2 follows the wave in ramps, with the burst between them, found against the wave.
  const day2 = segments.filter((s) => s.shape !== 'sine');
  assert.ok(day2.filter((s) => s.shape === 'linear').length >= 10, day2.map((s) => s.stage).join(', '));
  const bursts = segments.filter((s) => /^burst/.test(s.stage));
  assert.equal(bursts.length, 1);
  // The scenario starts at the trace's first trough: its time 0 is 04:00 on day 1.
  const traceMs = (runMs: number) => runMs * scale + d.shiftMs;
  assert.ok(Math.abs(traceMs(bursts[0].startMs) - burst.atMs) <= fit.bucketMs, `burst at ${traceMs(bursts[0].startMs) / HOUR} h (bucket ${fit.bucketMs / HOUR} h)`);
  assert.equal(d.bursts.length, 1);
  assert.ok(Math.abs(d.bursts[0].factor - burst.factor) <= 1, `burst factor ${d.bursts[0].factor} against the wave`);
  console.log(`diurnal fit: trough ${(d.troughRate * 60).toFixed(2)}/m at ${d.troughHour.toFixed(2)} h, peak ${(d.peakRate * 60).toFixed(2)}/m at ${d.peakHour.toFixed(2)} h, burst x${d.bursts[0].factor.toFixed(2)}`);
});

test('a short burst in the middle of a trace is found (a single cut either side of it gains too little to pass)', async () => {
  // 5x for 5 s in the middle of 40 s at 4/s, and 10x for a minute in the middle of an hour at 2/s:
  // the best single cut splits neither trace, only the two cuts around the burst do.
  const cases = [
    { spanMs: 40_000, rate: 4, atMs: 20_000, forMs: 5_000, factor: 5, seed: 3 },
    { spanMs: 3_600_000, rate: 2, atMs: 1_800_000, forMs: 60_000, factor: 10, seed: 8 },
  ];
  for (const c of cases) {
    const rng = new Rng(c.seed);
    const rateAt = (ms: number) => (ms >= c.atMs && ms < c.atMs + c.forMs ? c.rate * c.factor : c.rate);
    const arrivals = poissonArrivals(rng, c.spanMs, rateAt, c.rate * c.factor);
    const dir = mkdtempSync(join(tmpdir(), 'stampede-fit-'));
    const file = join(dir, 'short-burst.jsonl');
    writeFileSync(file, requestLog(rng, arrivals, [ROUTES[0]], Date.UTC(2025, 2, 1, 9)).join('\n') + '\n');
    const { text, fit } = await fitTraceFile({ name: file });
    assert.equal(fit.bursts.length, 1, `one burst in ${c.spanMs / 1000}s: ${fit.stages.map((s) => `${s.name}@${s.startMs}`).join(', ')}`);
    const b = fit.bursts[0];
    assert.ok(Math.abs(b.startMs - c.atMs) <= fit.bucketMs, `burst at ${b.startMs} ms, true ${c.atMs} (bucket ${fit.bucketMs} ms)`);
    assert.ok(Math.abs(b.durationMs - c.forMs) <= fit.bucketMs, `burst lasts ${b.durationMs} ms, true ${c.forMs}`);
    within(b.factor, c.factor, 0.2, 'burst factor');
    assert.match(text, /#   burst 1: at 2025-03-01 09:/);
  }
});
