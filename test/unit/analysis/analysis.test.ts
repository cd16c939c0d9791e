import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeRun, derivedMetrics, describeAnalysis, highestPassingLevel, lastLoadDropMs } from '../../../src/core/analysis';
import type { Percentiles, StageSummary, ThresholdState, TickPoint } from '../../../src/protocol/run-events';

const pct = (p95: number | null, count = 10): Percentiles => ({ p50: p95, p90: p95, p95, p99: p95, max: p95, mean: p95, min: p95, count: p95 === null ? 0 : count });
const outcomes = (ok: number, extra: Partial<TickPoint['outcomes']> = {}): TickPoint['outcomes'] => ({ ok, unacceptable: 0, rate_limited: 0, server_error: 0, client_error: 0, timeout: 0, network: 0, canceled: 0, aborted: 0, ...extra });

function tick(t: number, stageIndex: number, level: number, over: Partial<TickPoint> = {}): TickPoint {
  return {
    t,
    stage: ['baseline', 'spike', 'cool-down'][stageIndex],
    stageIndex,
    targetLevel: level,
    multiplier: 1,
    sentRate: level,
    achievedRate: level,
    completedRate: level,
    inFlight: 0,
    backlog: 0,
    dropped: 0,
    outcomes: outcomes(10),
    attempts: 10,
    ttft: pct(100),
    itl: pct(10),
    e2e: pct(500),
    e2eIntended: pct(500),
    scheduleLag: pct(1),
    tokensPerSecond: 100,
    inputTokens: 1000,
    outputTokens: 100,
    cacheHitRate: 0.5,
    cost: 0.01,
    costCumulative: 0,
    queueDepth: 0,
    kvCacheUsage: 0.1,
    thresholds: [],
    ...over,
  };
}

function stage(index: number, ttftP95: number, costPerRequest: number): StageSummary {
  return { name: ['baseline', 'spike', 'cool-down'][index], index, startMs: index * 5000, endMs: index * 5000 + 5000, requests: 50, outcomes: outcomes(50), ttft: pct(ttftP95), e2e: pct(500), cost: costPerRequest * 50, costPerRequest, achievedRate: 10 };
}

/** 5 s baseline at 2/s, 5 s spike at 10/s, 5 s cool-down at 2/s. */
function run(): TickPoint[] {
  const ticks: TickPoint[] = [];
  for (let t = 1; t <= 5; t++) ticks.push(tick(t, 0, 2));
  ticks.push(tick(6, 1, 10, { queueDepth: 2 }));
  ticks.push(tick(7, 1, 10, { queueDepth: 5, ttft: pct(250) }));
  ticks.push(tick(8, 1, 10, { queueDepth: 9, outcomes: outcomes(8, { rate_limited: 2 }), cacheHitRate: 0.3 }));
  ticks.push(tick(9, 1, 10, { queueDepth: 12, outcomes: outcomes(7, { server_error: 3 }), cost: 0.02, degradation: [0.5, 0.5] }));
  ticks.push(tick(10, 1, 10, { queueDepth: 12, leakedCancellations: 1, agentSteps: { p50: 3, p95: 6 } }));
  ticks.push(tick(11, 2, 2, { queueDepth: 6, ttft: pct(400) }));
  ticks.push(tick(12, 2, 2, { ttft: pct(110) }));
  ticks.push(tick(13, 2, 2, { ttft: pct(105) }));
  ticks.push(tick(14, 2, 2, { ttft: pct(100) }));
  ticks.push(tick(15, 2, 2));
  for (const p of ticks.slice(0, 5)) p.agentSteps = { p50: 2, p95: 3 };
  return ticks;
}

const breached = (t: number, level: number): ThresholdState => ({ id: 't0', source: 'ttft.p95 < 200ms', metric: 'ttft.p95', pass: false, value: 400, firstBreach: { t, stage: 'spike', targetLevel: level, achievedRate: level, value: 250 } });

test('the timeline holds the first sign of each failure mode, in order, with stage and load', () => {
  const a = analyzeRun({ ticks: run(), stages: [stage(0, 100, 0.001), stage(1, 300, 0.0011), stage(2, 120, 0.001)], thresholds: [breached(7, 10)], loadModel: 'open' });
  const byKind = new Map(a.timeline.map((e) => [e.kind, e]));
  assert.equal(byKind.get('threshold')!.t, 7);
  assert.equal(byKind.get('ttft-doubled')!.t, 7);
  assert.equal(byKind.get('queue-growing')!.t, 6, 'queue growing is dated from its start');
  assert.equal(byKind.get('first-429')!.t, 8);
  assert.equal(byKind.get('cache-falling')!.t, 8);
  assert.equal(byKind.get('first-5xx')!.t, 9);
  assert.equal(byKind.get('degradation')!.t, 9);
  assert.equal(byKind.get('cancellation-leak')!.t, 10);
  assert.equal(byKind.get('agent-steps-rising')!.t, 10);
  assert.equal(byKind.get('ttft-doubled')!.targetLevel, 10);
  assert.equal(byKind.get('ttft-doubled')!.stage, 'spike');
  assert.deepEqual(a.timeline.map((e) => e.t), [...a.timeline.map((e) => e.t)].sort((x, y) => x - y));
  assert.equal(a.firstBreak!.kind, 'queue-growing');
  // the threshold sorts before a sign of the same second
  const at7 = a.timeline.filter((e) => e.t === 7).map((e) => e.kind);
  assert.deepEqual(at7, ['threshold', 'ttft-doubled']);
});

test('no sign is taken from the baseline stage itself', () => {
  const ticks = run();
  ticks[1].ttft = pct(1000);
  ticks[2].outcomes = outcomes(9, { rate_limited: 1 });
  const a = analyzeRun({ ticks, stages: [stage(0, 100, 0.001)], thresholds: [], loadModel: 'open' });
  assert.equal(a.timeline.find((e) => e.kind === 'ttft-doubled')!.t, 7);
  // outcome signs count everywhere: a 429 in the baseline is a 429
  assert.equal(a.timeline.find((e) => e.kind === 'first-429')!.t, 3);
});

test('highest passing level is the highest load before the first breach', () => {
  // the spike level did not hold: it is where the breach came
  assert.equal(highestPassingLevel(run(), [breached(7, 10)]), 2);
  assert.equal(highestPassingLevel(run(), [breached(6, 10)]), 2);
  assert.equal(highestPassingLevel(run(), [breached(12, 2)]), null);
  const stepped = [tick(1, 0, 2), tick(2, 0, 4), tick(3, 1, 6), tick(4, 1, 6)];
  assert.equal(highestPassingLevel(stepped, [breached(4, 6)]), 4);
  assert.equal(highestPassingLevel(run(), []), null);
  const held: ThresholdState = { ...breached(1, 1), pass: true, firstBreach: null };
  assert.equal(highestPassingLevel(run(), [held]), 10);
});

test('recovery runs from the load drop until TTFT and errors are within 1.2x baseline for 3 s', () => {
  const ticks = run();
  assert.equal(lastLoadDropMs(ticks), 10_000);
  const a = analyzeRun({ ticks, stages: [stage(0, 100, 0.001)], thresholds: [], loadModel: 'open' });
  // t=11 is 400 ms (not recovered); 12, 13, 14 are within 120 ms: recovered from the start of second 12.
  assert.equal(a.recoveryMs, 1000);
  assert.equal(a.notRecovered, false);
  const stuck = run().map((p) => (p.stageIndex === 2 ? { ...p, ttft: pct(500) } : p));
  const b = analyzeRun({ ticks: stuck, stages: [stage(0, 100, 0.001)], thresholds: [], loadModel: 'open' });
  assert.equal(b.recoveryMs, null);
  assert.equal(b.notRecovered, true);
  assert.match(describeAnalysis(b, 'open').join('\n'), /Did not recover/);
});

test('a ramp down counts as the drop from the start of its stage', () => {
  const ticks = [tick(1, 0, 2), tick(2, 1, 10), tick(3, 1, 10), tick(4, 2, 8), tick(5, 2, 6), tick(6, 2, 4)];
  assert.equal(lastLoadDropMs(ticks), 3000);
  assert.equal(lastLoadDropMs([tick(1, 0, 2), tick(2, 1, 4)]), null);
});

test('cost per request rising compares the requests sent in each stage, needs enough of them, 1.2x and clear of the noise', () => {
  const ticks = run();
  // Spike requests cost 1.5x the baseline's: dated from the stage's first second.
  const risen = analyzeRun({ ticks, stages: [stage(0, 100, 0.001), stage(1, 300, 0.0015), stage(2, 120, 0.001)], thresholds: [], loadModel: 'open' });
  const sign = risen.timeline.find((e) => e.kind === 'cost-rising')!;
  assert.equal(sign.t, 6);
  assert.equal(sign.stage, 'spike');
  // 1.1x is under the factor; a stage of 10 requests is too small to judge.
  const under = analyzeRun({ ticks, stages: [stage(0, 100, 0.001), stage(1, 300, 0.0011)], thresholds: [], loadModel: 'open' });
  assert.equal(under.timeline.find((e) => e.kind === 'cost-rising'), undefined);
  const small = { ...stage(1, 300, 0.003), requests: 10, outcomes: outcomes(10) };
  assert.equal(analyzeRun({ ticks, stages: [stage(0, 100, 0.001), small], thresholds: [], loadModel: 'open' }).timeline.find((e) => e.kind === 'cost-rising'), undefined);
  // The seconds' costs scatter widely: a 1.5x stage mean is within the noise of 50 requests.
  const noisy = run().map((p, i) => ({ ...p, cost: i % 2 === 0 ? 0 : 0.04 }));
  assert.equal(analyzeRun({ ticks: noisy, stages: [stage(0, 100, 0.001), stage(1, 300, 0.0015)], thresholds: [], loadModel: 'open' }).timeline.find((e) => e.kind === 'cost-rising'), undefined);
});

test('failover events from the summary join the timeline', () => {
  const a = analyzeRun({ ticks: run(), stages: [stage(0, 100, 0.001)], thresholds: [], loadModel: 'open', failoverEvents: [{ t: 6.5, from: 'primary', to: 'fallback', failoverMs: 1200, failbackMs: null }] });
  const f = a.timeline.find((e) => e.kind === 'failover')!;
  assert.equal(f.t, 6.5);
  assert.equal(f.stage, 'spike');
  assert.equal(a.failoverMs, 1200);
});

test('derived metrics: growth against the baseline stage and maxima from ticks', () => {
  const m = derivedMetrics({ ticks: run(), stages: [stage(0, 100, 0.001), stage(1, 300, 0.0015), stage(2, 120, 0.001)], thresholds: [], loadModel: 'open' });
  assert.equal(m['ttft.growth'], 3);
  assert.equal(m['cost.perRequest.growth'], 1.5);
  assert.equal(m['agent.steps.growth'], 2);
  assert.equal(m['queue.depth.max'], 12);
  assert.equal(m['kvCache.usage.max'], 0.1);
  const none = derivedMetrics({ ticks: [], stages: [], thresholds: [], loadModel: 'open' });
  assert.deepEqual(Object.values(none), [null, null, null, null, null]);
});

test('nothing broke: an empty timeline says so', () => {
  const calm = run().map((p) => tick(p.t, p.stageIndex, p.targetLevel));
  const a = analyzeRun({ ticks: calm, stages: [stage(0, 100, 0.001)], thresholds: [], loadModel: 'closed' });
  assert.equal(a.firstBreak, null);
  assert.match(describeAnalysis(a, 'closed')[0], /Nothing broke/);
});

test('arrivals dropped at the in-flight cap are a sign in any stage, but not in a drain second', () => {
  const ticks = run();
  ticks[7].dropped = 4;
  ticks[7].inFlight = 1000;
  const a = analyzeRun({ ticks, stages: [stage(0, 100, 0.001)], thresholds: [], loadModel: 'open' });
  const dropped = a.timeline.find((e) => e.kind === 'arrivals-dropped')!;
  assert.equal(dropped.t, 8);
  assert.equal(dropped.message, 'arrivals dropped: 4 in that second, 1000 requests in flight (load.maxInFlight) at 10/s');
  ticks[2].dropped = 3; // like a 429, a drop in the baseline is a drop
  assert.equal(analyzeRun({ ticks, stages: [stage(0, 100, 0.001)], thresholds: [], loadModel: 'open' }).timeline.find((e) => e.kind === 'arrivals-dropped')!.t, 3);
  const drainOnly = [...run(), tick(16, 2, 0, { dropped: 9 })];
  assert.equal(analyzeRun({ ticks: drainOnly, stages: [stage(0, 100, 0.001)], thresholds: [], loadModel: 'open' }).timeline.some((e) => e.kind === 'arrivals-dropped'), false);
});

test('a cache that hit a fraction of a percent at the baseline does not "fall": no sign from 0.3% to 0%', () => {
  // Fresh prompts hit the mock's prefix cache now and then by chance; a replay without shared
  // prefixes read 'cache hit rate 0%, below 80% of the baseline 0.3%' as a failure sign.
  const ticks = run().map((p) => ({ ...p, cacheHitRate: p.stageIndex === 0 ? 0.003 : 0 }));
  const a = analyzeRun({ ticks, stages: [stage(0, 100, 0.001), stage(1, 300, 0.0011), stage(2, 120, 0.001)], thresholds: [], loadModel: 'open' });
  assert.equal(a.timeline.find((e) => e.kind === 'cache-falling'), undefined, a.timeline.map((e) => e.message).join('; '));
});
