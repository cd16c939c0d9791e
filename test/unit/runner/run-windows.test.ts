// The local sink and the windows on their own (stats-sink.ts, run-windows.ts): samples land in
// this second's window, the run and the stage; a tick turns the window into a point, keeps it in
// the trailing ring for live thresholds and starts a fresh one; the budget stops the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunEvent, TickPoint } from '../../../src/protocol/run-events';
import { RunResources, stagesOf } from '../../../src/runner/run-setup';
import { LAT_E2E, LAT_ITL, LAT_TPOT, LAT_TTFT } from '../../../src/runner/run-stats';
import { RunWindows } from '../../../src/runner/run-windows';
import { StatsSink } from '../../../src/runner/stats-sink';
import { makePlan } from './support/plan-fixture';
import { fakeRun } from './support/fake-run';

test('the local sink counts each sample into this second, the whole run and the request\'s stage', () => {
  const sink = new StatsSink(2);
  sink.requestSent(1);
  sink.attemptSent(1);
  sink.attemptSent(1);
  sink.arrivalsDropped(0, 3);
  sink.ttft(1, 120);
  sink.itl(20);
  sink.outputArrived(1);
  sink.attemptEnded(1, 0, 'rate_limited');
  sink.attemptEnded(1, 1, 'ok');
  sink.requestEnded(1, 'ok');
  sink.requestLatency(1, 300, 310, -1);
  sink.requestTokens(1, 100, 40, 7, 0.25, true, true);
  for (const s of [sink.window, sink.whole, sink.stages[1]]) {
    assert.equal(s.sent, 1);
    assert.equal(s.attempts, 2);
    assert.equal(s.dropped, 0 + (s === sink.stages[1] ? 0 : 3));
    assert.equal(s.finished, 1);
    assert.equal(s.outcomeCounts().ok, 1);
    assert.deepEqual([s.inputTokens, s.cachedTokens, s.outputTokens, s.cacheKnownInput, s.usageRequests, s.cost], [100, 40, 7, 100, 1, 0.25]);
    assert.equal(s.path.providerAttempts(0) + s.path.providerAttempts(1), 2);
  }
  assert.equal(sink.stages[0].dropped, 3);
  assert.equal(sink.stages[0].sent, 0);
  // Latencies: the window (and ttft/e2e the stage); the whole run gets them at the tick's merge.
  assert.equal(sink.window.latency[LAT_TTFT]!.totalCount, 1);
  assert.equal(sink.stages[1].latency[LAT_TTFT]!.totalCount, 1);
  assert.equal(sink.stages[1].latency[LAT_E2E]!.totalCount, 1);
  assert.equal(sink.window.latency[LAT_TPOT]!.totalCount, 0, 'a negative TPOT means none');
  assert.equal(sink.whole.latency[LAT_ITL]!.totalCount, 0);
  assert.equal(sink.window.arrivedTokens, 1);
  sink.mergeWindowLatency();
  assert.equal(sink.whole.latency[LAT_ITL]!.totalCount, 1);
});

function windowsFor(plan: ReturnType<typeof makePlan>) {
  const run = fakeRun(plan);
  run.advance(0);
  const stages = stagesOf(plan.load);
  const stats = new StatsSink(stages.length);
  const events: RunEvent[] = [];
  const found: string[] = [];
  const windows = new RunWindows(run, stats, {
    stages,
    resources: new RunResources(),
    inFlight: () => 7,
    backlog: () => 2,
    clientWaiting: () => 0,
    emit: (e) => void events.push(e),
    breakingPointFound: (m) => void found.push(m),
  });
  const points = () => events.flatMap((e) => (e.type === 'tick' ? [e.point] : [])) as TickPoint[];
  return { run, stats, windows, points, found };
}

test('a tick emits the second\'s point and starts a fresh window; the stage and target are read at its end', () => {
  const plan = makePlan({ segments: [{ stage: 'warm', from: 5, ms: 1000 }, { stage: 'hot', from: 10, ms: 1000 }] });
  const { run, stats, windows, points } = windowsFor(plan);
  run.advance(1000);
  for (let i = 0; i < 4; i++) stats.requestSent(0);
  stats.requestEnded(0, 'ok');
  stats.requestEnded(0, 'server_error');
  stats.ttft(0, 50);
  const first = stats.window;
  windows.tick(false);
  assert.notEqual(stats.window, first);
  assert.equal(stats.window.sent, 0);
  run.advance(1000);
  stats.requestSent(1);
  windows.tick(false);
  const [p1, p2] = points();
  assert.deepEqual([p1.t, p1.stage, p1.targetLevel, p1.sentRate, p1.completedRate, p1.inFlight, p1.backlog], [1, 'warm', 5, 4, 2, 7, 2]);
  assert.equal(p1.outcomes.server_error, 1);
  assert.equal(p1.ttft.count, 1);
  assert.deepEqual([p2.t, p2.stage, p2.targetLevel, p2.sentRate, p2.ttft.count], [2, 'hot', 10, 1, 0]);
  // "achieved" is the mean sent rate of the last seconds.
  assert.equal(p2.achievedRate, 2.5);
  assert.equal(windows.peakTarget, 10);
  assert.equal(windows.tickLog.length, 2);
  assert.equal(stats.whole.latency[LAT_TTFT]!.totalCount, 1, 'merged into the whole run once');
  assert.match(run.logs.map((l) => l.message).join('\n'), /stage hot started \(target 10\/s\)/);
});

test('live thresholds read the trailing 10 windows: a breach is recorded once, with time, stage and load; abortOnFail stops the run', () => {
  const plan = makePlan({
    segments: [{ stage: 's', from: 10, ms: 60_000 }],
    thresholds: [{ id: 't0', source: 'errors.rate < 10%', metric: 'errors.rate', op: '<', value: 0.1, abortOnFail: true }],
  });
  const { run, stats, windows, points } = windowsFor(plan);
  // Ten good seconds, then one with 3 errors of 10 requests: over the trailing 10 windows that
  // is 3 of 100 (3%, holds); two more make 9% (holds), a fourth 12% (breached).
  const second = (errors: number) => {
    for (let i = 0; i < 10; i++) {
      stats.requestSent(0);
      stats.requestEnded(0, i < errors ? 'server_error' : 'ok');
    }
    run.advance(1000);
    windows.tick(false);
  };
  for (let i = 0; i < 10; i++) second(0);
  second(3);
  assert.equal(windows.thresholdStates[0].pass, true);
  assert.equal(windows.thresholdStates[0].value, 0.03);
  for (let i = 0; i < 2; i++) second(3);
  assert.equal(windows.thresholdStates[0].pass, true);
  assert.equal(windows.thresholdStates[0].value, 0.09);
  assert.equal(run.stops.length, 0);
  second(3);
  const state = windows.thresholdStates[0];
  assert.equal(state.pass, false);
  assert.equal(state.value, 0.12);
  assert.deepEqual(state.firstBreach, { t: 14, stage: 's', targetLevel: 10, achievedRate: 10, value: 0.12 });
  assert.deepEqual(run.stops, [{ reason: 'aborted', message: 'threshold errors.rate < 10% failed (abortOnFail)' }]);
  assert.equal(points()[13].thresholds[0].pass, false);
  assert.match(run.logs.map((l) => l.message).join('\n'), /threshold errors\.rate < 10% breached at 14s: 12\.0% \(last 10 s\)/);
  // The tick carries the window's figures: the value the threshold row and the tiles show.
  assert.equal(points()[13].recent?.errorRate, 0.12);
  assert.equal(points()[13].recent?.seconds, 10);
  second(0);
  assert.equal(windows.thresholdStates[0].firstBreach!.t, 14, 'the first breach is kept');
});

test('the budget: abort stops the run, warn logs once', () => {
  for (const onExceed of ['abort', 'warn'] as const) {
    const plan = makePlan({ segments: [{ from: 1, ms: 60_000 }], budget: { maxCostUsd: 1, onExceed } });
    const { run, stats, windows } = windowsFor(plan);
    stats.requestTokens(0, 1, 0, 1, 0.6, true, false);
    run.advance(1000);
    windows.tick(false);
    assert.equal(run.stops.length + run.logs.filter((l) => l.level === 'warn').length, 0);
    stats.requestTokens(0, 1, 0, 1, 0.6, true, false);
    run.advance(1000);
    windows.tick(false);
    run.advance(1000);
    windows.tick(false);
    if (onExceed === 'abort') assert.deepEqual(run.stops.map((s) => s.message), ['budget exceeded: $1.2000 spent, budget.maxCostUsd is $1', 'budget exceeded: $1.2000 spent, budget.maxCostUsd is $1']);
    else assert.deepEqual(run.logs.filter((l) => l.level === 'warn').map((l) => l.message), ['budget exceeded: $1.2000 spent, budget.maxCostUsd is $1']);
  }
});

test('the last partial second gets a point of its own when longer than 50 ms; otherwise only its latencies are merged', () => {
  const plan = makePlan({ segments: [{ from: 1, ms: 60_000 }] });
  const a = windowsFor(plan);
  a.run.advance(1020);
  a.windows.tick(false);
  a.stats.itl(5);
  a.windows.finalTick();
  assert.equal(a.points().length, 1);
  assert.equal(a.stats.whole.latency[LAT_ITL]!.totalCount, 1);
  const b = windowsFor(plan);
  b.run.advance(1300);
  b.windows.tick(false);
  b.stats.itl(5);
  b.windows.finalTick();
  assert.equal(b.points().length, 2);
  assert.equal(b.points()[1].itl.count, 1);
  assert.equal(b.stats.whole.latency[LAT_ITL]!.totalCount, 1);
});
