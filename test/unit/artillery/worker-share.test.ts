// A worker's share of the load: users split into whole numbers, open rates divided, uniform
// arrivals interleaved — checked on the plan and on real runs against a scripted server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharePlan, unshareableReason, usersForWorker } from '../../../src/core/worker-share';
import { makePlan } from '../runner/support/plan-fixture';
import { runPlan } from '../runner/support/collect-run';
import { jsonCompletion, startScriptedServer, streamTokens } from '../runner/support/scripted-server';

test('users split into whole numbers that add up exactly, the remainder on the lowest indexes', () => {
  for (let workers = 1; workers <= 7; workers++) {
    for (let total = 0; total <= 40; total++) {
      const shares = Array.from({ length: workers }, (_, index) => usersForWorker(total, { workers, index }));
      assert.equal(shares.reduce((a, b) => a + b, 0), total, `${total} over ${workers}`);
      assert.ok(Math.max(...shares) - Math.min(...shares) <= 1);
      assert.deepEqual([...shares].sort((a, b) => b - a), shares, 'remainder first');
    }
  }
});

test('an open plan runs at 1/N of the rate with its own seed, cap and budget; closed plans carry the share', () => {
  const open = makePlan({ baseUrl: 'http://127.0.0.1:1', arrival: 'uniform', segments: [{ from: 9, ms: 1000 }, { from: 3, to: 12, ms: 1000 }], maxInFlight: 10 });
  open.budget = { maxCostUsd: 6, onExceed: 'abort' };
  const w = sharePlan(open, { workers: 3, index: 2 }, 77);
  assert.equal(w.seed, 77);
  assert.deepEqual(w.load.segments.map((s) => [s.from, s.to]), [[3, 3], [1, 4]]);
  assert.equal(w.load.maxInFlight, 4);
  assert.equal(w.budget?.maxCostUsd, 2);
  assert.deepEqual(open.load.segments.map((s) => s.from), [9, 3], 'the original plan is left alone');
  const closed = sharePlan(makePlan({ baseUrl: 'http://127.0.0.1:1', model: 'closed', segments: [{ from: 5, ms: 1000 }] }), { workers: 2, index: 1 }, 1);
  assert.deepEqual(closed.load.share, { workers: 2, index: 1 });
  assert.equal(closed.load.segments[0].from, 5, 'users stay whole: the scheduler takes its share');
});

test('plans that cannot be split say why', () => {
  const plan = makePlan({ baseUrl: 'http://127.0.0.1:1' });
  assert.equal(unshareableReason(plan), null);
  plan.breakingPoint = { fromRate: 1, toRate: 5, stepRate: 1, holdMs: 1000 };
  assert.match(unshareableReason(plan) ?? '', /breakingPoint/);
});

test('two workers at 1/2 of a uniform 20/s each send half of the planned arrivals', async () => {
  const server = await startScriptedServer((req, res) => jsonCompletion(res));
  try {
    const plan = makePlan({ baseUrl: server.url, arrival: 'uniform', mix: [{ stream: false }], segments: [{ from: 20, ms: 1000 }] });
    const runs = await Promise.all([0, 1].map((index) => runPlan(sharePlan(plan, { workers: 2, index }, 5 + index))));
    assert.deepEqual(runs.map((r) => r.summary.requests.sent), [10, 10]);
  } finally {
    await server.close();
  }
});

test('closed model: 5 users over 2 workers run as 3 and 2 concurrent users', async () => {
  let open = 0;
  let peak = 0;
  const server = await startScriptedServer((req, res) => {
    open++;
    peak = Math.max(peak, open);
    res.on('close', () => open--);
    streamTokens(res, 3, 50, 20);
  });
  try {
    const plan = makePlan({ baseUrl: server.url, model: 'closed', segments: [{ from: 5, ms: 600 }] });
    const peaks: number[] = [];
    for (const index of [0, 1]) {
      peak = 0;
      await runPlan(sharePlan(plan, { workers: 2, index }, 9));
      peaks.push(peak);
    }
    assert.deepEqual(peaks, [3, 2]);
  } finally {
    await server.close();
  }
});
