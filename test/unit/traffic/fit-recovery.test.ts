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
