// The run lifecycle's own pieces (run-setup.ts, run-summary.ts): stages from the shape's
// segments, the plan checks before anything starts, and the summary built from the local sink.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ResolvedPlan } from '../../../src/core/plan';
import { RunConfigError } from '../../../src/runner/prompt-source';
import { RunResources, setUpRun, stagesOf } from '../../../src/runner/run-setup';
import { buildSummary, minimalSummary, type SummaryInputs } from '../../../src/runner/run-summary';
import { StatsSink } from '../../../src/runner/stats-sink';
import { makePlan } from './support/plan-fixture';

test('stages: one per stage index, spanning all of its segments, in index order', () => {
  const plan = makePlan({ segments: [{ stage: 'a', from: 1, ms: 1000 }, { stage: 'b', from: 2, ms: 500 }, { stage: 'c', from: 3, ms: 500 }] });
  // Two segments of one stage (a ramp written as up, then down).
  plan.load.segments[2].stage = 'b';
  plan.load.segments[2].stageIndex = 1;
  assert.deepEqual(stagesOf(plan.load), [
    { name: 'a', index: 0, startMs: 0, endMs: 1000 },
    { name: 'b', index: 1, startMs: 1000, endMs: 2000 },
  ]);
});

test('setup checks the plan before starting anything', async () => {
  const plan = makePlan({});
  const cases: Array<[ResolvedPlan, string]> = [
    [{ ...plan, providers: [] }, 'providers: the plan has no provider'],
    [{ ...plan, workload: { ...plan.workload, mix: [] } }, 'workload.mix: the plan has no request mix'],
    [{ ...plan, load: { ...plan.load, durationMs: 0 } }, 'load.stages: the plan has no stage to run'],
  ];
  for (const [broken, message] of cases) {
    const res = new RunResources();
    await assert.rejects(setUpRun(res, { plan: broken, options: { plan: broken, onEvent: () => undefined }, stillStarting: () => true, now: () => 0, log: () => undefined }), (e: unknown) => e instanceof RunConfigError && e.message === message);
    assert.equal(res.providers.length, 0);
  }
});

function inputs(stats: StatsSink, plan: ReturnType<typeof makePlan>, over: Partial<SummaryInputs> = {}): SummaryInputs {
  return {
    runId: 'r1',
    plan,
    startedAt: new Date('2026-12-01T10:00:00Z'),
    durationMs: 2000,
    endReason: 'completed',
    endMessage: undefined,
    stats,
    stages: stagesOf(plan.load),
    thresholdStates: [{ id: 't0', source: 'errors.rate < 10%', metric: 'errors.rate', pass: null, value: null, firstBreach: null }],
    path: null,
    peakTarget: 10,
    peakAchieved: 9,
    ...over,
  };
}

test('the summary reads the whole run and each stage; aborted requests are left out of rates; the thresholds are judged on the whole run', () => {
  const plan = makePlan({
    segments: [{ stage: 'a', from: 5, ms: 1000 }, { stage: 'b', from: 10, ms: 1000 }],
    thresholds: [{ id: 't0', source: 'errors.rate < 10%', metric: 'errors.rate', op: '<', value: 0.1, abortOnFail: false }],
  });
  const stats = new StatsSink(2);
  for (let i = 0; i < 4; i++) stats.requestSent(0);
  for (let i = 0; i < 6; i++) stats.requestSent(1);
  stats.requestEnded(0, 'ok');
  stats.requestEnded(0, 'server_error');
  stats.requestEnded(1, 'ok');
  stats.requestEnded(1, 'aborted');
  stats.requestTokens(0, 100, 0, 10, 0.5, true, false);
  stats.requestTokens(1, 100, 50, 10, 0.25, false, true);
  stats.ttft(0, 100);
  stats.mergeWindowLatency();
  const s = buildSummary(inputs(stats, plan));
  assert.deepEqual(s.requests, { total: 4, sent: 10, dropped: 0, attempts: 0, rate: 5, unfinished: 1 });
  assert.equal(s.cost.total, 0.75);
  assert.equal(s.cost.perRequest, 0.25, '3 judged requests: the aborted one says nothing about the target');
  assert.deepEqual(s.tokens, { input: 200, cachedInput: 50, output: 20, perSecond: 10, method: 'mixed' });
  assert.equal(s.cacheHitRate, 0.5);
  assert.equal(s.ttft.count, 1);
  assert.deepEqual(s.stages.map((st) => [st.name, st.requests, st.achievedRate, st.ttft.count, st.costPerRequest]), [
    ['a', 2, 4, 1, 0.25],
    ['b', 2, 6, 0, 0.25],
  ]);
  assert.equal(s.thresholds[0].pass, false);
  assert.ok(Math.abs(s.thresholds[0].value! - 1 / 3) < 1e-6);
  assert.equal(s.verdict.pass, false);
  assert.equal(s.metrics['requests.total'], 4);
  // When the full summary cannot be built: every field, no measurements.
  const m = minimalSummary(inputs(stats, plan, { endMessage: 'engine failure: x' }));
  assert.equal(m.endReason, 'error');
  assert.equal(m.verdict.headline, 'ERROR — engine failure: x');
  assert.equal(m.requests.sent, 10);
});
