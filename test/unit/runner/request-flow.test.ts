// The attempt lifecycle on its own (request-flow.ts), against scripted servers on port 0: a
// request's attempts through retries, the deadline sweep, cancellations, drops at maxInFlight,
// aborting at the end, and the drain, each seen through a sink and the fake run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import type { Outcome } from '../../../src/protocol/run-events';
import type { ClosedUser } from '../../../src/runner/arrivals';
import { RequestFlow } from '../../../src/runner/request-flow';
import { RunResources, setUpRun, stagesOf } from '../../../src/runner/run-setup';
import { SinkFanOut } from '../../../src/runner/run-sink';
import { SeededRandom } from '../../../src/runner/seeded-random';
import { StatsSink } from '../../../src/runner/stats-sink';
import { makePlan, type PlanOptions } from './support/plan-fixture';
import { fakeRun } from './support/fake-run';
import { startScriptedServer, streamTokens, type Script } from './support/scripted-server';

interface Event {
  kind: string;
  outcome?: Outcome;
  ms?: number;
  at: number;
}

async function flowAgainst(script: Script, options: Omit<PlanOptions, 'baseUrl'>) {
  const server = await startScriptedServer(script);
  const plan = makePlan({ ...options, baseUrl: server.url });
  const run = fakeRun(plan);
  const stats = new StatsSink(stagesOf(plan.load).length);
  const seen: Event[] = [];
  const note = (kind: string, extra: Partial<Event> = {}) => seen.push({ kind, at: performance.now(), ...extra });
  const sink = new SinkFanOut(
    [
      {
        requestSent: () => note('requestSent'),
        arrivalsDropped: (_s, n) => note('dropped', { ms: n }),
        attemptSent: () => note('attemptSent'),
        scheduleLag: (_s, ms) => note('scheduleLag', { ms }),
        ttft: (_s, ms) => note('ttft', { ms }),
        itl: (ms) => note('itl', { ms }),
        outputArrived: () => undefined,
        attemptEnded: (_s, _p, outcome) => note('attemptEnded', { outcome }),
        requestEnded: (_s, outcome) => note('requestEnded', { outcome }),
        requestLatency: (_s, ms) => note('requestLatency', { ms }),
        requestTokens: (_s, input, cached, output) => note('requestTokens', { ms: output }),
      },
    ],
    (error) => run.errors.push(error),
  );
  const res = new RunResources();
  await setUpRun(res, { plan, options: { plan, onEvent: () => undefined }, stillStarting: () => true, now: run.now, log: run.log });
  const root = new SeededRandom(1);
  const flow = new RequestFlow(run, stats, sink, { mix: root.fork(1), prompt: root.fork(2), cancel: root.fork(3), retry: root.fork(4), tools: root.fork(5) });
  flow.ready(res.mixes, res.path!, res.providers);
  flow.startDeadlines();
  const kinds = (kind: string) => seen.filter((e) => e.kind === kind);
  const idle = async () => {
    for (let i = 0; i < 400 && flow.inFlight > 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(flow.inFlight, 0, 'every request ended');
  };
  const close = async () => {
    flow.stopDeadlines();
    flow.abortWaiting();
    flow.abortInFlight();
    await res.close();
    await server.close();
  };
  return { run, flow, stats, seen, kinds, idle, close, server };
}

test('a request is retried until it succeeds; TTFT runs from its first send, the schedule lag is taken once', async () => {
  const f = await flowAgainst(
    (req, res, body, n) => {
      if (n < 2) {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '0' });
        res.end('{"error":{"message":"slow down"}}');
      } else streamTokens(res, 3, 30, 10);
    },
    { retries: { max: 2, baseMs: 20, on: ['rate_limited'] } },
  );
  try {
    f.flow.launch(performance.now(), 0, null);
    assert.equal(f.flow.inFlight, 1);
    await f.idle();
    assert.deepEqual(f.kinds('attemptSent').length, 3);
    assert.deepEqual(f.kinds('attemptEnded').map((e) => e.outcome), ['rate_limited', 'rate_limited', 'ok']);
    assert.deepEqual(f.kinds('requestEnded').map((e) => e.outcome), ['ok']);
    assert.equal(f.kinds('scheduleLag').length, 1);
    assert.equal(f.kinds('itl').length, 2);
    // Two retry waits of 20 ms and the 30 ms to the first token are all in the TTFT.
    assert.ok(f.kinds('ttft')[0].ms! >= 70, `ttft ${f.kinds('ttft')[0].ms}`);
    assert.equal(f.kinds('requestTokens')[0].ms, 3);
    assert.equal(f.stats.whole.attempts, 3);
    assert.equal(f.stats.whole.outcomeCounts().ok, 1);
    assert.equal(f.flow.queued, 0);
  } finally {
    await f.close();
  }
});

test('the deadline sweep ends an attempt without a first token at timeouts.ttft, and one still streaming at timeouts.total', async () => {
  // Headers, then nothing: only the TTFT deadline can end it.
  const silent = await flowAgainst((req, res) => res.writeHead(200, { 'content-type': 'text/event-stream' }), { ttftMs: 100, totalMs: 60_000 });
  // A token at once and every 20 ms for 2 s: only the total deadline can end it.
  const endless = await flowAgainst((req, res) => streamTokens(res, 100, 0, 20), { ttftMs: 60_000, totalMs: 300 });
  try {
    silent.flow.launch(performance.now(), 0, null);
    endless.flow.launch(performance.now(), 0, null);
    await silent.idle();
    await endless.idle();
    assert.deepEqual(silent.kinds('requestEnded').map((e) => e.outcome), ['timeout']);
    assert.deepEqual(silent.run.logs.map((l) => l.message), ['first timeout: no first token within 100 ms (resilience.timeouts.ttft)']);
    assert.deepEqual(endless.kinds('requestEnded').map((e) => e.outcome), ['timeout']);
    assert.deepEqual(endless.run.logs.map((l) => l.message), ['first timeout: not finished within 300 ms (resilience.timeouts.total)']);
    assert.equal(silent.kinds('requestLatency').length + endless.kinds('requestLatency').length, 0, 'no E2E from requests that did not end ok');
  } finally {
    await silent.close();
    await endless.close();
  }
});

test('a scenario cancellation ends the stream as canceled, not an error, and its tokens still count', async () => {
  // The first token at once, the rest long after the cancellation (even on a starved machine
  // the deadline sweep, a timer, runs before the next read).
  const f = await flowAgainst((req, res) => streamTokens(res, 10, 0, 5000), { cancellations: { fraction: 1, afterMinMs: 1000, afterMaxMs: 1000 } });
  try {
    f.flow.launch(performance.now(), 0, null);
    await f.idle();
    assert.deepEqual(f.kinds('requestEnded').map((e) => e.outcome), ['canceled']);
    assert.equal(f.kinds('ttft').length, 1);
    assert.equal(f.kinds('requestTokens')[0].ms, 1 + f.kinds('itl').length, 'every token streamed before the cancellation');
    assert.equal(f.stats.whole.errors(), 0);
    assert.equal(f.run.logs[0].level, 'info');
  } finally {
    await f.close();
  }
});

test('arrivals past maxInFlight are dropped (closed users are not); the end aborts what waits and what is in flight; a drain finishes the run', async () => {
  const f = await flowAgainst(
    (req, res, body, n) => {
      if (n === 0) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{}');
      } else streamTokens(res, 1000, 10, 50);
    },
    { maxInFlight: 2, retries: { max: 1, baseMs: 5000, on: ['server_error'] } },
  );
  try {
    f.flow.launch(performance.now(), 0, null);
    for (let i = 0; i < 500 && f.kinds('attemptEnded').length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(f.kinds('attemptEnded').map((e) => e.outcome), ['server_error'], 'the first attempt failed and waits for its retry');
    f.flow.launch(performance.now(), 0, null);
    f.flow.launch(performance.now(), 0, null);
    f.flow.launch(performance.now(), 0, null);
    assert.deepEqual(f.kinds('dropped').map((e) => e.ms), [1, 1]);
    assert.equal(f.run.logs.filter((l) => l.message.includes('load.maxInFlight')).length, 1);
    assert.equal(f.flow.inFlight, 2);
    // A closed-model user is never dropped: the user count is the cap.
    const done: boolean[] = [];
    const user = { retired: false, timer: null, owner: { done: (_u: unknown, answered: boolean) => void done.push(answered) } } as unknown as ClosedUser;
    f.flow.launch(performance.now(), 0, user);
    assert.equal(f.flow.inFlight, 3);
    assert.equal(f.kinds('dropped').length, 2);
    // The first waits 5 s for its retry: the end of the run aborts it without another attempt.
    f.flow.abortWaiting();
    assert.deepEqual(f.kinds('requestEnded').map((e) => e.outcome), ['aborted']);
    assert.equal(f.kinds('attemptSent').length, 3);
    // The others stream on; with the run draining, its end finishes the run.
    f.run.phase = 'draining';
    assert.equal(f.run.finishes, 0);
    f.flow.abortInFlight();
    assert.deepEqual(f.kinds('requestEnded').map((e) => e.outcome), ['aborted', 'aborted', 'aborted']);
    assert.equal(f.flow.inFlight, 0);
    assert.equal(f.run.finishes, 1);
    // The user was told its request ended (whether it sends again is the user's business).
    assert.equal(done.length, 1);
  } finally {
    await f.close();
  }
});
