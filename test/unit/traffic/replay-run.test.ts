// Replay against the embedded mock: shared Mooncake hash_ids show as prefix-cache hits at the
// trace's shared-prefix share; routes pick their mix entries; rate: 2x and loops keep the
// shape; a breach names the trace time and the recorded rate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeScenario } from '../../../src/core/analyze-scenario';
import { PrefixShare } from '../../../src/core/trace-prefix-share';
import { MooncakeTraceReader } from '../../../src/core/trace-mooncake';
import { runPlan } from '../runner/support/collect-run';
import { Rng } from './trace-gen';

function planFor(dir: string, yaml: string) {
  const { plan, problems } = analyzeScenario(yaml);
  assert.deepEqual(problems.filter((p) => p.severity === 'error'), []);
  assert.ok(plan);
  return plan;
}

/** A Mooncake trace: a few shared system prompts (2-6 blocks), conversations that come back with
 * their history as a longer shared prefix, and fresh user turns. */
function mooncakeTrace(rng: Rng, requests: number, gapMs: number): string[] {
  const lines: string[] = [];
  let nextId = 1000;
  const systems = [0, 1, 2].map((s) => Array.from({ length: 2 + s * 2 }, (_, k) => s * 100 + k));
  const conversations: number[][] = [];
  for (let i = 0; i < requests; i++) {
    let ids: number[];
    if (conversations.length && rng.next() < 0.3) {
      const c = conversations[Math.floor(rng.next() * conversations.length)];
      ids = [...c, nextId++];
      c.push(ids[ids.length - 1]);
    } else {
      ids = [...systems[Math.floor(rng.next() * systems.length)], ...Array.from({ length: 1 + Math.floor(rng.next() * 3) }, () => nextId++)];
      conversations.push([...ids]);
    }
    const input = (ids.length - 1) * 512 + 1 + Math.floor(rng.next() * 511);
    lines.push(JSON.stringify({ timestamp: i * gapMs, input_length: input, output_length: 8 + Math.floor(rng.next() * 8), hash_ids: ids }));
  }
  return lines;
}

test('a Mooncake trace with shared hash_ids shows its shared-prefix share as prefix-cache hits on the mock', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-replay-'));
  const lines = mooncakeTrace(new Rng(5), 300, 20);
  writeFileSync(join(dir, 'trace.jsonl'), lines.join('\n') + '\n');
  const reader = new MooncakeTraceReader({ format: 'mooncake' });
  const share = new PrefixShare(512);
  lines.forEach((l, i) => reader.readLine(l, i + 1).forEach((r) => share.add(r)));
  const plan = planFor(dir, `
name: mooncake replay
providers: [{ id: mock, type: mock, profile: instant }]
workload: { mix: [{ name: requests }] }
load: { model: replay, trace: { file: trace.jsonl } }
`);
  const { summary } = await runPlan(plan, { baseDir: dir });
  assert.equal(summary.requests.sent, 300);
  assert.equal(summary.outcomes.ok, 300);
  const expected = share.share!;
  const measured = summary.cacheHitRate!;
  console.log(`shared-prefix share of the trace ${(expected * 100).toFixed(1)}%, mock prefix-cache hit rate ${(measured * 100).toFixed(1)}%`);
  assert.ok(expected > 0.3 && expected < 0.9, `the trace shares a fair part of its tokens: ${expected}`);
  assert.ok(Math.abs(measured - expected) <= 0.05, `hit rate ${measured} within 5 points of ${expected}`);
  // Input tokens are the recorded ones, exactly.
  const recorded = lines.reduce((n, l) => n + (JSON.parse(l) as { input_length: number }).input_length, 0);
  assert.equal(summary.tokens.input, recorded);
});

test('replay: routes go to their mix entries with recorded sizes; rate 2x doubles them; a breach names the trace time and recorded rate', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-replay-'));
  const rows = ['ts,route,in,out'];
  for (let i = 0; i < 60; i++) rows.push(`${1_740_000_000 + i * 0.05},${i % 3 === 0 ? 'search' : 'chat'},${100 + i},${5 + (i % 4)}`);
  writeFileSync(join(dir, 'log.csv'), rows.join('\n') + '\n');
  const plan = planFor(dir, `
name: csv replay
providers: [{ id: mock, type: mock, profile: instant }]
workload: { mix: [{ name: chat }, { name: search, stream: false }] }
load:
  model: replay
  rate: 2x
  loops: 2
  trace: { file: log.csv, columns: { time: ts, route: route, promptTokens: in, outputTokens: out } }
thresholds:
  - requests.total < 10
`);
  const { summary, ticks } = await runPlan(plan, { baseDir: dir });
  assert.equal(summary.requests.sent, 240, '60 recorded x 2 copies x 2 passes');
  const inputs = rows.slice(1).reduce((n, r) => n + Number(r.split(',')[2]), 0);
  assert.equal(summary.tokens.input, inputs * 4);
  assert.equal(summary.tokens.output, rows.slice(1).reduce((n, r) => n + Number(r.split(',')[3]), 0) * 4);
  assert.ok(summary.stages.length >= 2 && summary.stages[0].name.startsWith('pass 1'), summary.stages.map((s) => s.name).join(', '));
  const b = summary.verdict.firstBreach;
  assert.ok(b?.trace, 'the breach carries the trace position');
  assert.match(summary.verdict.headline, /trace \d+s \(2025-02-19 \d\d:\d\d:\d\d UTC\), recorded 20\/s/);
  assert.ok(ticks.some((p) => p.trace && p.trace.recordedRate > 0));
  // The trace's clock and its offset name the same moment (the tick's end: 09:00:02, not 09:00:01.999).
  for (const p of ticks) {
    if (!p.trace?.at) continue;
    const apart = Date.parse(p.trace.at) - 1_740_000_000_000 - p.trace.offsetS * 1000;
    assert.ok(Math.abs(apart) <= 50 && p.trace.at.endsWith('0Z'), `tick ${p.t}: ${p.trace.at} vs trace ${p.trace.offsetS}s`);
  }
});

test('replay at timeScale 3: each second of the run targets the mean recorded rate of the 3 trace seconds it plays, not the last one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-replay-'));
  const perSecond = [10, 10, 10, 10, 40, 10, 40, 40, 40, 10, 10, 10];
  const times: number[] = [];
  perSecond.forEach((n, s) => {
    for (let k = 0; k < n; k++) times.push(s * 1000 + (k * 1000) / n);
  });
  writeFileSync(join(dir, 'log.jsonl'), times.map((t) => JSON.stringify({ t, in: 20, out: 2 })).join('\n') + '\n');
  const plan = planFor(dir, `
name: compressed replay
providers: [{ id: mock, type: mock, profile: instant }]
workload: { mix: [{ name: requests }] }
load: { model: replay, timeScale: 3, trace: { file: log.jsonl, timeUnit: ms, columns: { time: t, promptTokens: in, outputTokens: out } } }
`);
  const { summary, ticks } = await runPlan(plan, { baseDir: dir });
  assert.equal(summary.requests.sent, times.length);
  const shaped = ticks.filter((p) => p.trace).slice(0, 4);
  // (The last bucket is cut short by the pass's end, one mean gap after the last arrival: 5 % slack.)
  const near = (actual: number[], expected: number[]) => actual.length === expected.length && actual.every((a, i) => Math.abs(a - expected[i]) <= 0.05 * expected[i]);
  const recorded = shaped.map((p) => p.trace!.recordedRate);
  assert.ok(near(recorded, [10, 20, 40, 10]), `recorded rate over each tick's 3 trace seconds: ${recorded.join(', ')}`);
  const target = shaped.map((p) => p.targetLevel);
  assert.ok(near(target, [30, 60, 120, 30]), `the target line, the recorded rate at timeScale 3: ${target.join(', ')}`);
});
