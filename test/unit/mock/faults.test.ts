import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { PlanFault } from '../../../src/core/plan-failure-modes';
import { FaultSchedule } from '../../../src/mock/fault-schedule';
import { startMockServer } from '../../../src/mock/mock-server';
import { httpRequest, postChat, streamChat, userPrompt } from './mock-client';

const MINUTE = 60_000;

function withFaults(...faults: PlanFault[]) {
  return { faults };
}

/** Resolves with the socket error a refused request gets, or null when it was answered. */
function postExpectingDrop(url: string): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const req = request(url + '/v1/chat/completions', { method: 'POST', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(null));
    });
    req.on('error', (error) => resolve(error));
    req.end(JSON.stringify(userPrompt('hi', 2)));
  });
}

test('fault windows open at startMs and close at endMs, on the schedule clock', () => {
  const schedule = new FaultSchedule([{ kind: 'latency', startMs: 1000, endMs: 2000, addMs: 50 }], 10_000, 1);
  assert.equal(schedule.active('latency', 10_999.9), undefined);
  assert.equal(schedule.active('latency', 11_000)?.addMs, 50);
  assert.equal(schedule.active('latency', 11_999.9)?.addMs, 50);
  assert.equal(schedule.active('latency', 12_000), undefined);
  schedule.setOrigin(0);
  assert.equal(schedule.active('latency', 1500)?.addMs, 50);
  assert.equal(schedule.addedLatencyMs(1500), 50);
  assert.equal(schedule.addedLatencyMs(2500), 0);
  assert.equal(schedule.counts.latency, 1, 'only the delayed request is counted');
});

test('the error-rate draw is seeded and its share is close to the rate', () => {
  const fault: PlanFault = { kind: 'error-rate', startMs: 0, endMs: MINUTE, rate: 0.25, status: 500 };
  const draw = (seed: number) => {
    const schedule = new FaultSchedule([fault], 0, seed);
    const verdicts: string[] = [];
    for (let i = 0; i < 4000; i++) verdicts.push(schedule.checkRequest(10, 1).action);
    return verdicts;
  };
  const first = draw(7);
  assert.deepEqual(draw(7), first, 'same seed, same failures');
  const share = first.filter((v) => v === 'status').length / first.length;
  assert.ok(Math.abs(share - 0.25) < 0.03, `share ${share}`);
});

test('outage (status mode): 503 JSON error while the window is open, normal answers outside it', async () => {
  const mock = await startMockServer({
    port: 0,
    profile: 'instant',
    behaviour: withFaults({ kind: 'outage', startMs: 0, endMs: MINUTE, mode: 'status', status: 503 }),
  });
  try {
    const down = await postChat(mock.url, userPrompt('hi', 2));
    assert.equal(down.status, 503);
    const error = JSON.parse(down.text).error;
    assert.equal(error.code, 'service_unavailable');
    assert.equal(down.headers['retry-after'], '1');
    assert.equal(mock.counters().faultsInjected.outage, 1);
    // Run time 2 minutes: the window has closed.
    mock.setRunStart(performance.now() - 2 * MINUTE);
    assert.equal((await postChat(mock.url, userPrompt('hi', 2))).status, 200);
    const metrics = (await httpRequest(mock.url + '/metrics', 'GET')).text;
    assert.match(metrics, /^mock_faults_injected_total\{model_name="stampede-mock",kind="outage"\} 1\.0$/m);
    assert.match(metrics, /^mock_faults_injected_total\{model_name="stampede-mock",kind="latency"\} 0\.0$/m);
  } finally {
    await mock.close();
  }
});

test('outage (refuse mode): connections are dropped without an answer, then accepted again', async () => {
  const startedAt = performance.now();
  const mock = await startMockServer({
    port: 0,
    profile: 'instant',
    startedAt,
    behaviour: withFaults({ kind: 'outage', startMs: 0, endMs: MINUTE, mode: 'refuse', status: 503 }),
  });
  try {
    const error = await postExpectingDrop(mock.url);
    assert.ok(error !== null, 'the request got no answer');
    assert.match(String(error.code), /ECONNRESET|EPIPE/);
    assert.ok(mock.counters().faultsInjected.outage >= 1);
    assert.equal(mock.counters().requests, 0, 'no request was read');
    mock.setRunStart(startedAt - 2 * MINUTE);
    assert.equal(await postExpectingDrop(mock.url), null);
  } finally {
    await mock.close();
  }
});

test('a window later on the run clock: answers before, fails during, answers after', async () => {
  const mock = await startMockServer({
    port: 0,
    profile: 'instant',
    startedAt: performance.now(),
    behaviour: withFaults({ kind: 'outage', startMs: 10 * MINUTE, endMs: 11 * MINUTE, mode: 'status', status: 502 }),
  });
  try {
    assert.equal((await postChat(mock.url, userPrompt('a', 2))).status, 200);
    mock.setRunStart(performance.now() - 10 * MINUTE);
    assert.equal((await postChat(mock.url, userPrompt('b', 2))).status, 502);
    mock.setRunStart(performance.now() - 11 * MINUTE);
    assert.equal((await postChat(mock.url, userPrompt('c', 2))).status, 200);
  } finally {
    await mock.close();
  }
});

test('error-rate: a seeded share of requests answered with the status', async () => {
  const mock = await startMockServer({
    port: 0,
    profile: 'instant',
    behaviour: withFaults({ kind: 'error-rate', startMs: 0, endMs: MINUTE, rate: 0.3, status: 500 }),
  });
  try {
    const statuses: number[] = [];
    for (let batch = 0; batch < 15; batch++) {
      const answers = await Promise.all(Array.from({ length: 20 }, () => postChat(mock.url, userPrompt('x', 1))));
      statuses.push(...answers.map((a) => a.status));
    }
    const failed = statuses.filter((s) => s === 500).length;
    assert.equal(failed + statuses.filter((s) => s === 200).length, 300);
    assert.ok(failed >= 60 && failed <= 120, `${failed} of 300 failed`);
    assert.equal(mock.counters().faultsInjected['error-rate'], failed);
  } finally {
    await mock.close();
  }
});

test('latency: the added delay comes before the first byte', async () => {
  const mock = await startMockServer({
    port: 0,
    profile: 'instant',
    behaviour: withFaults({ kind: 'latency', startMs: 0, endMs: MINUTE, addMs: 200 }),
  });
  try {
    const result = await streamChat(mock.url, userPrompt('slow start', 3));
    assert.equal(result.tokens.length, 3);
    // A timer never fires early, so this holds on any machine.
    assert.ok(result.ttftMs! >= 195, `ttft ${result.ttftMs}`);
    assert.equal(mock.counters().faultsInjected.latency, 1);
  } finally {
    await mock.close();
  }
});

test('rate-limit: a tighter RPM in the window answers 429 with retry-after and its own headers', async () => {
  const mock = await startMockServer({
    port: 0,
    profile: 'instant',
    behaviour: withFaults({ kind: 'rate-limit', startMs: 0, endMs: MINUTE, rpm: 2 }),
  });
  try {
    const first = await postChat(mock.url, userPrompt('a', 1));
    assert.equal(first.status, 200);
    assert.equal(first.headers['x-ratelimit-limit-requests'], '2');
    assert.equal((await postChat(mock.url, userPrompt('b', 1))).status, 200);
    const limited = await postChat(mock.url, userPrompt('c', 1));
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    assert.equal(JSON.parse(limited.text).error.code, 'rate_limit_exceeded');
    assert.equal(mock.counters().faultsInjected['rate-limit'], 1);
    mock.setRunStart(performance.now() - 2 * MINUTE);
    const after = await postChat(mock.url, userPrompt('d', 1));
    assert.equal(after.status, 200);
    assert.equal(after.headers['x-ratelimit-limit-requests'], undefined, 'the instant profile has no limit of its own');
  } finally {
    await mock.close();
  }
});

test('slow-stream: delivery is capped at the window rate, streamed and not', async () => {
  const mock = await startMockServer({
    port: 0,
    profile: 'instant',
    behaviour: withFaults({ kind: 'slow-stream', startMs: 0, endMs: MINUTE, tokensPerSecond: 50 }),
  });
  try {
    const started = performance.now();
    const streamed = await streamChat(mock.url, userPrompt('drip', 11));
    const streamMs = performance.now() - started;
    assert.equal(streamed.tokens.length, 11);
    assert.equal(streamed.events.at(-1), '[DONE]');
    // 11 tokens at 50/s: the last no sooner than 10 x 20 ms after the first.
    assert.ok(streamMs >= 195, `stream took ${streamMs} ms`);
    const plainStart = performance.now();
    const plain = await postChat(mock.url, userPrompt('drip', 11));
    assert.equal(plain.status, 200);
    assert.equal(JSON.parse(plain.text).usage.completion_tokens, 11);
    assert.ok(performance.now() - plainStart >= 195);
    assert.equal(mock.counters().faultsInjected['slow-stream'], 2);
  } finally {
    await mock.close();
  }
});

test('slow-stream through the simulated GPU caps a fast engine', async () => {
  const mock = await startMockServer({
    port: 0,
    profile: 'small-gpu',
    overrides: { decodeStepBaseMs: 1, decodeStepPerSeqMs: 0, fullLengthShare: 1 },
    behaviour: withFaults({ kind: 'slow-stream', startMs: 0, endMs: MINUTE, tokensPerSecond: 40 }),
  });
  try {
    const started = performance.now();
    const streamed = await streamChat(mock.url, userPrompt('drip', 9));
    assert.equal(streamed.tokens.length, 9);
    assert.ok(performance.now() - started >= 195, 'eight intervals of 25 ms at least');
  } finally {
    await mock.close();
  }
});
