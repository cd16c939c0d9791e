// Sinks added with RunOptions.sinks receive exactly the samples the summary counts: run against
// real servers on port 0 (a scripted server with retries, failures, cancellations and drops; the
// embedded mock with agent tasks), then the sink's sums are compared with the summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeScenario } from '../../../src/core/analyze-scenario';
import { OUTCOMES, type Outcome, type RunSummary } from '../../../src/protocol/run-events';
import type { RunSink } from '../../../src/runner/run-sink';
import { instantMockProvider, makePlan } from './support/plan-fixture';
import { runPlan } from './support/collect-run';
import { jsonCompletion, startScriptedServer, streamTokens } from './support/scripted-server';

type Counts = Record<Outcome, number>;
const zero = (): Counts => Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Counts;

/** A sink that keeps every sample it is given. */
class RecordingSink implements RunSink {
  sent = 0;
  dropped = 0;
  attempts = 0;
  readonly requestOutcomes = zero();
  readonly attemptOutcomes = zero();
  readonly attemptOutcomesByProvider: Counts[] = [];
  readonly endedByStage: number[] = [];
  readonly ttftByStage: number[] = [];
  readonly ttfts: number[] = [];
  readonly itls: number[] = [];
  readonly lag: number[] = [];
  readonly e2e: number[] = [];
  readonly e2eIntended: number[] = [];
  readonly tpot: number[] = [];
  arrived = 0;
  input = 0;
  cached = 0;
  output = 0;
  cost = 0;
  usageRequests = 0;
  countedRequests = 0;

  requestSent(): void {
    this.sent++;
  }
  arrivalsDropped(_stage: number, count: number): void {
    this.dropped += count;
  }
  attemptSent(): void {
    this.attempts++;
  }
  scheduleLag(_stage: number, lagMs: number): void {
    this.lag.push(lagMs);
  }
  ttft(stage: number, ms: number): void {
    this.ttfts.push(ms);
    this.ttftByStage[stage] = (this.ttftByStage[stage] ?? 0) + 1;
  }
  itl(ms: number): void {
    this.itls.push(ms);
  }
  outputArrived(count: number): void {
    this.arrived += count;
  }
  attemptEnded(_stage: number, provider: number, outcome: Outcome): void {
    this.attemptOutcomes[outcome]++;
    (this.attemptOutcomesByProvider[provider] ??= zero())[outcome]++;
  }
  requestEnded(stage: number, outcome: Outcome): void {
    this.requestOutcomes[outcome]++;
    this.endedByStage[stage] = (this.endedByStage[stage] ?? 0) + 1;
  }
  requestLatency(_stage: number, e2e: number, e2eIntended: number, tpot: number): void {
    this.e2e.push(e2e);
    this.e2eIntended.push(e2eIntended);
    if (tpot >= 0) this.tpot.push(tpot);
  }
  requestTokens(_stage: number, input: number, cached: number, output: number, cost: number, fromUsage: boolean): void {
    this.input += input;
    this.cached += cached;
    this.output += output;
    this.cost += cost;
    if (fromUsage) this.usageRequests++;
    else this.countedRequests++;
  }
}

/** Every count of the summary equals the sink's. */
function assertSinkMatches(sink: RecordingSink, summary: RunSummary): void {
  assert.deepEqual(sink.requestOutcomes, summary.outcomes, 'request outcomes');
  assert.equal(sink.sent, summary.requests.sent);
  assert.equal(sink.dropped, summary.requests.dropped);
  assert.equal(sink.attempts, summary.requests.attempts);
  assert.equal(Object.values(sink.attemptOutcomes).reduce((a, b) => a + b, 0), summary.requests.attempts, 'every attempt ended once');
  summary.providers!.forEach((p, i) => assert.deepEqual(sink.attemptOutcomesByProvider[i] ?? zero(), p.outcomes, `attempt outcomes of ${p.id}`));
  assert.equal(sink.input, summary.tokens.input);
  assert.equal(sink.cached, summary.tokens.cachedInput);
  assert.equal(sink.output, summary.tokens.output);
  assert.ok(Math.abs(sink.cost - summary.cost.total) <= 1e-12 * Math.max(1, summary.cost.total), `cost ${sink.cost} vs ${summary.cost.total}`);
  const method = sink.usageRequests > 0 && sink.countedRequests > 0 ? 'mixed' : sink.usageRequests > 0 ? 'usage' : sink.countedRequests > 0 ? 'counted' : 'none';
  assert.equal(method, summary.tokens.method);
  assert.equal(sink.ttfts.length, summary.ttft.count, 'ttft samples');
  assert.equal(sink.itls.length, summary.itl.count, 'itl samples');
  assert.equal(sink.e2e.length, summary.e2e.count, 'e2e samples');
  assert.equal(sink.e2eIntended.length, summary.e2eIntended.count, 'e2e-from-intended samples');
  assert.equal(sink.lag.length, summary.scheduleLag.count, 'schedule lag samples');
  assert.equal(sink.tpot.length, summary.tpot.count, 'tpot samples');
  // The histograms keep 3 significant digits: their extremes are the sink's within 0.1%.
  const near = (a: number, b: number | null) => b !== null && Math.abs(a - b) <= Math.max(0.002, b * 0.001);
  if (sink.ttfts.length > 0) assert.ok(near(Math.max(...sink.ttfts), summary.ttft.max), `ttft max ${Math.max(...sink.ttfts)} vs ${summary.ttft.max}`);
  if (sink.e2e.length > 0) assert.ok(near(Math.min(...sink.e2e), summary.e2e.min), `e2e min ${Math.min(...sink.e2e)} vs ${summary.e2e.min}`);
  summary.stages.forEach((s) => {
    assert.equal(sink.endedByStage[s.index] ?? 0, s.requests, `requests of stage ${s.name}`);
    assert.equal(sink.ttftByStage[s.index] ?? 0, s.ttft.count, `ttft samples of stage ${s.name}`);
  });
}

test('a sink receives every sample, outcome, token and cost the summary counts (retries, failures, cancellations, drops)', async () => {
  const server = await startScriptedServer((req, res, body, n) => {
    if (n % 7 === 3) {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '0' });
      res.end('{"error":{"message":"slow down"}}');
      return;
    }
    if (n % 11 === 5) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"boom"}}');
      return;
    }
    // Streams outlast the cancellations (40-70 ms) by far, so some are always cancelled.
    if (JSON.parse(body).stream) streamTokens(res, 3, 0, 150, { usage: n % 2 === 0 });
    else jsonCompletion(res);
  });
  try {
    const plan = makePlan({
      baseUrl: server.url,
      mix: [{ stream: true, share: 0.75 }, { stream: false, share: 0.25 }],
      segments: [{ stage: 'low', from: 20, ms: 1000 }, { stage: 'high', from: 60, ms: 1000 }],
      maxInFlight: 4,
      retries: { max: 1, on: ['rate_limited', 'server_error'] },
      // With seed 42 the 4th stream is the first cancelled: present however few a busy machine sends.
      cancellations: { fraction: 0.5, afterMinMs: 40, afterMaxMs: 70 },
    });
    const sink = new RecordingSink();
    const { summary } = await runPlan(plan, { sinks: [sink] });
    assert.equal(summary.endReason, 'completed');
    // The run had each kind of sample this test is about.
    for (const o of ['ok', 'canceled', 'rate_limited'] as const) assert.ok(summary.outcomes[o] + sink.attemptOutcomes[o] > 0, `no ${o} in ${JSON.stringify(summary.outcomes)}`);
    assert.ok(summary.requests.dropped > 0 && summary.requests.attempts > summary.requests.sent && summary.tpot.count > 0, JSON.stringify(summary.requests));
    assert.equal(summary.tokens.method, 'mixed');
    assertSinkMatches(sink, summary);
    // No stream failed halfway, so every output token arrived once: as a streamed event or as
    // the rest counted when its attempt ended.
    assert.equal(sink.arrived, summary.tokens.output);
  } finally {
    await server.close();
  }
});

test('replayed arrivals reach a sink like any arrival: sent, dropped at maxInFlight, tokens as recorded, per trace stage', async () => {
  const server = await startScriptedServer((req, res, body) => {
    if (JSON.parse(body).stream) streamTokens(res, 6, 20, 20, { usage: true });
    // The burst's answers are held 300 ms, so its arrivals (one every 12.5 ms) find 4 in flight
    // however fast or slow the machine is (answered at once, a loaded CI machine saw no drop).
    else setTimeout(() => jsonCompletion(res), 300);
  });
  try {
    // A second at 20/s, then half a second at 80/s: the burst finds 4 requests in flight.
    const dir = mkdtempSync(join(tmpdir(), 'stampede-replay-sink-'));
    const rows = ['t,route,in,out'];
    for (let i = 0; i < 20; i++) rows.push(`${i * 50},chat,${40 + i},6`);
    for (let i = 0; i < 40; i++) rows.push(`${1000 + i * 12.5},search,${90 + i},6`);
    writeFileSync(join(dir, 'log.csv'), rows.join('\n') + '\n');
    const { plan, problems } = analyzeScenario(`
name: replay sink
providers: [{ id: s, type: openai, baseUrl: '${server.url}', model: m }]
workload: { mix: [{ name: chat }, { name: search, stream: false }] }
load: { model: replay, maxInFlight: 4, trace: { file: log.csv, timeUnit: ms, columns: { time: t, route: route, promptTokens: in, outputTokens: out } } }
`);
    assert.deepEqual(problems.filter((p) => p.severity === 'error'), []);
    const sink = new RecordingSink();
    const { summary } = await runPlan(plan!, { sinks: [sink], baseDir: dir });
    assert.equal(summary.endReason, 'completed');
    assert.equal(summary.requests.sent + summary.requests.dropped, 60, 'every recorded arrival sent or dropped');
    assert.ok(summary.requests.dropped > 0, 'the burst found load.maxInFlight requests in flight');
    assert.ok(summary.stages.length >= 2, summary.stages.map((s) => s.name).join(', '));
    assertSinkMatches(sink, summary);
  } finally {
    await server.close();
  }
});

test('agent tasks: the sink gets one request with every model call as an attempt and the whole task\'s tokens', async () => {
  const plan = makePlan({
    providers: [instantMockProvider],
    mix: [{ stream: true, maxTokens: 32, agent: { maxSteps: 10, tools: [{ name: 'search', latencyMinMs: 5, latencyMaxMs: 10, failureRate: 0 }] } }],
    segments: [{ from: 6, ms: 1000 }],
  });
  const sink = new RecordingSink();
  const { summary } = await runPlan(plan, { sinks: [sink] });
  assert.equal(summary.outcomes.ok, 6);
  assert.equal(sink.attempts, 24, '4 model calls per task');
  assert.equal(sink.ttfts.length, 6, 'one TTFT per task');
  assert.ok(sink.output > 0 && sink.input > 0);
  assertSinkMatches(sink, summary);
});

test('a sink that throws ends the run with an error naming it, and the results are kept; no sinks is the usual run', async () => {
  const server = await startScriptedServer((req, res) => jsonCompletion(res));
  try {
    const plan = makePlan({ baseUrl: server.url, mix: [{ stream: false }], segments: [{ from: 10, ms: 3000 }] });
    let calls = 0;
    const failing = new RecordingSink();
    failing.requestEnded = () => {
      calls++;
      throw new Error('the consumer went away');
    };
    const kept = new RecordingSink();
    const { summary, events, logs } = await runPlan(plan, { sinks: [kept, failing] });
    assert.equal(summary.endReason, 'error');
    assert.equal(summary.endMessage, 'a sink added to the run failed: the consumer went away');
    assert.equal(summary.internalError, true, 'a failing sink is a bug, not bad configuration: the CLI exits 70');
    assert.ok(logs.some((l) => l.level === 'error' && l.message === summary.endMessage));
    assert.equal(calls, 1, 'a failed sink gets nothing more');
    assert.ok(summary.durationMs < 2500, `ended at ${summary.durationMs} ms`);
    assert.equal(events.filter((e) => e.type === 'done').length, 1);
    assert.ok(summary.outcomes.ok >= 1);
    const plain = await runPlan(makePlan({ baseUrl: server.url, mix: [{ stream: false }], segments: [{ from: 5, ms: 600 }] }), { sinks: [] });
    assert.equal(plain.summary.endReason, 'completed');
    assert.equal(plain.summary.internalError, undefined);
    assert.equal(plain.summary.outcomes.ok, 3);
  } finally {
    await server.close();
  }
});

test('abortOnFail: the second whose samples broke the threshold is counted once in the summary, like in its tick and the sink', async () => {
  const server = await startScriptedServer((req, res) => streamTokens(res, 2, 120, 5));
  try {
    const plan = makePlan({
      baseUrl: server.url,
      segments: [{ stage: 'warm', from: 5, ms: 1000 }, { stage: 'hot', from: 10, ms: 4000 }],
      thresholds: [{ id: 't1', source: 'ttft.p95 < 100ms', metric: 'ttft.p95', op: '<', value: 100, abortOnFail: true }],
    });
    const sink = new RecordingSink();
    const { summary, ticks } = await runPlan(plan, { sinks: [sink] });
    assert.equal(summary.endReason, 'aborted');
    assert.ok(summary.thresholds[0].firstBreach, 'breached');
    assert.ok(sink.ttfts.length >= 1, `ttft samples ${sink.ttfts.length}`);
    assert.equal(summary.ttft.count, sink.ttfts.length);
    assert.equal(ticks.reduce((n, t) => n + t.ttft.count, 0), summary.ttft.count);
    assertSinkMatches(sink, summary);
  } finally {
    await server.close();
  }
});
