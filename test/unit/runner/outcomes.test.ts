// Outcome classes against misbehaving servers, timeouts and retries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { makePlan } from './support/plan-fixture';
import { runPlan } from './support/collect-run';
import { chunk, jsonCompletion, startScriptedServer, streamTokens, type Script } from './support/scripted-server';
import type { Outcome } from '../../../src/protocol/run-events';

async function outcomesFor(script: Script, stream = true, extra: Parameters<typeof makePlan>[0] = {}) {
  const server = await startScriptedServer(script);
  try {
    return await runPlan(makePlan({ baseUrl: server.url, mix: [{ stream }], segments: [{ from: 4, ms: 500 }], ...extra }));
  } finally {
    await server.close();
  }
}

function only(outcomes: Record<Outcome, number>, kind: Outcome, n: number): void {
  for (const [k, v] of Object.entries(outcomes)) assert.equal(v, k === kind ? n : 0, `${k}: ${JSON.stringify(outcomes)}`);
}

test('429 is rate_limited, 503 server_error, 400 client_error', async () => {
  const r429 = await outcomesFor((req, res) => { res.writeHead(429, { 'retry-after': '1' }); res.end('{"error":{"message":"slow down"}}'); });
  only(r429.summary.outcomes, 'rate_limited', 2);
  assert.equal(r429.summary.metrics['rateLimited.rate'], 1);
  assert.ok(r429.logs.some((l) => l.message.includes('first rate_limited') && l.message.includes('slow down')));
  const r503 = await outcomesFor((req, res) => { res.writeHead(503); res.end('overloaded'); });
  only(r503.summary.outcomes, 'server_error', 2);
  assert.equal(r503.summary.metrics['errors.rate'], 1);
  const r400 = await outcomesFor((req, res) => { res.writeHead(400); res.end(); }, false);
  only(r400.summary.outcomes, 'client_error', 2);
});

test('200 with an error object, non-JSON or malformed SSE is classified, not a crash', async () => {
  const errObj = await outcomesFor((req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"error":{"message":"boom","type":"server_error"}}'); }, false);
  only(errObj.summary.outcomes, 'server_error', 2);
  const rateObj = await outcomesFor((req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"error":{"message":"quota","code":429}}'); }, false);
  only(rateObj.summary.outcomes, 'rate_limited', 2);
  const html = await outcomesFor((req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<html>gateway</html>'); }, false);
  only(html.summary.outcomes, 'server_error', 2);
  assert.ok(html.logs.some((l) => l.message.includes('not JSON')));
  const badSse = await outcomesFor((req, res) => { res.writeHead(200, { 'content-type': 'text/event-stream' }); res.end('data: this is not json\n\n'); });
  only(badSse.summary.outcomes, 'server_error', 2);
  const noEvents = await outcomesFor((req, res) => { res.writeHead(200, { 'content-type': 'text/event-stream' }); res.end('garbage without fields'); });
  only(noEvents.summary.outcomes, 'server_error', 2);
  const errInStream = await outcomesFor((req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(chunk('a'));
    res.end('data: {"error":{"message":"overloaded","type":"server_error"}}\n\n');
  });
  only(errInStream.summary.outcomes, 'server_error', 2);
  const truncated = await outcomesFor((req, res) => { res.writeHead(200, { 'content-type': 'text/event-stream' }); res.end(chunk('a') + chunk('b')); });
  only(truncated.summary.outcomes, 'server_error', 2);
  const jsonWhenStreaming = await outcomesFor((req, res) => jsonCompletion(res));
  only(jsonWhenStreaming.summary.outcomes, 'ok', 2);
});

test('a stream reset mid-way is network', async () => {
  const r = await outcomesFor((req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(chunk('a'));
    setTimeout(() => res.socket?.destroy(), 30);
  });
  only(r.summary.outcomes, 'network', 2);
});

test('connection refused is network, and the run completes', async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const { summary, logs } = await runPlan(makePlan({ baseUrl: `http://127.0.0.1:${port}`, segments: [{ from: 4, ms: 500 }] }));
  only(summary.outcomes, 'network', 2);
  assert.equal(summary.endReason, 'completed');
  assert.ok(logs.some((l) => l.message.includes('first network') && l.message.includes('ECONNREFUSED')), JSON.stringify(logs));
});

test('TTFT timeout and total timeout end requests as timeout', async () => {
  const ttft = await outcomesFor((req, res) => streamTokens(res, 3, 600, 10), true, { ttftMs: 150, totalMs: 5000 });
  only(ttft.summary.outcomes, 'timeout', 2);
  assert.ok(ttft.logs.some((l) => l.message.includes('resilience.timeouts.ttft')));
  const total = await outcomesFor((req, res) => streamTokens(res, 40, 10, 20), true, { ttftMs: 1000, totalMs: 200 });
  only(total.summary.outcomes, 'timeout', 2);
  assert.ok(total.logs.some((l) => l.message.includes('resilience.timeouts.total')));
  assert.equal(total.summary.metrics['timeouts.rate'], 1);
});

test('429 and 503 are retried; retry-after is honoured between attempts', async () => {
  const times: number[] = [];
  const server = await startScriptedServer((req, res, body, n) => {
    times.push(performance.now());
    if (n === 0) {
      res.writeHead(429, { 'retry-after-ms': '300' });
      res.end();
    } else if (n === 1) {
      res.writeHead(503, { 'retry-after': '0.2' });
      res.end();
    } else jsonCompletion(res);
  });
  try {
    const plan = makePlan({
      baseUrl: server.url,
      mix: [{ stream: false }],
      // A quiet tail keeps the shape open for the retries: one that would come after the shape is
      // not sent, and on a loaded machine the first stage can be over before the 500 ms of waits are
      // (900 ms: one uniform arrival, at 0; the next would fall in the tail, which has none).
      segments: [{ from: 1, ms: 900 }, { from: 0, ms: 3000 }],
      retries: { max: 3, backoff: 'exponential', baseMs: 10, capMs: 1000, jitter: 'full', respectRetryAfter: true, on: ['rate_limited', 'server_error'] },
    });
    const { summary, ticks } = await runPlan(plan);
    assert.equal(summary.outcomes.ok, 1);
    assert.equal(summary.requests.attempts, 3);
    assert.equal(summary.metrics['retries.amplification'], 3);
    assert.ok(times[1] - times[0] >= 295, `first gap ${times[1] - times[0]}`);
    assert.ok(times[2] - times[1] >= 195, `second gap ${times[2] - times[1]}`);
    assert.ok(summary.e2e.p50! >= 500, `user-visible e2e includes the waits: ${summary.e2e.p50}`);
    assert.equal(ticks.reduce((n, t) => n + t.attempts, 0), 3);
  } finally {
    await server.close();
  }
});

test('retries give up after max and keep the last outcome', async () => {
  const server = await startScriptedServer((req, res) => { res.writeHead(503); res.end(); });
  try {
    const plan = makePlan({ baseUrl: server.url, mix: [{ stream: false }], segments: [{ from: 2, ms: 900 }, { from: 0, ms: 3000 }], retries: { max: 2, baseMs: 5, on: ['server_error'] } });
    const { summary, logs } = await runPlan(plan);
    assert.equal(summary.outcomes.server_error, 2);
    assert.equal(summary.requests.attempts, 6);
    assert.ok(logs.some((l) => l.message.includes('retries exhausted')));
  } finally {
    await server.close();
  }
});

test('a redirect names where it points; a compressed or binary body says so instead of printing bytes', async () => {
  const moved = await outcomesFor((req, res) => { res.writeHead(307, { location: 'http://127.0.0.1:9/v1/chat/completions' }); res.end(); }, false);
  only(moved.summary.outcomes, 'client_error', 2);
  assert.ok(moved.logs.some((l) => l.message.includes('HTTP 307 redirect to http://127.0.0.1:9/v1/chat/completions (not followed')), JSON.stringify(moved.logs));
  const gzipped = await outcomesFor((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    res.end(gzipSync('{"choices":[{"index":0,"message":{"role":"assistant","content":"hi"}}]}'));
  }, false);
  only(gzipped.summary.outcomes, 'server_error', 2);
  const line = gzipped.logs.find((l) => l.message.includes('first server_error'))!.message;
  assert.match(line, /not JSON: it is compressed \(content-encoding: gzip\)/);
  assert.doesNotMatch(line, /\ufffd/);
  const sseGzipped = await outcomesFor((req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'gzip' });
    res.end(gzipSync('data: {"choices":[{"index":0,"delta":{"content":"hi"}}]}\n\ndata: [DONE]\n\n'));
  });
  only(sseGzipped.summary.outcomes, 'server_error', 2);
  assert.ok(sseGzipped.logs.some((l) => l.message.includes('without any data event: it is compressed (content-encoding: gzip)')));
  const binary = await outcomesFor((req, res) => { res.writeHead(500); res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0xfe])); }, false);
  assert.ok(binary.logs.some((l) => /HTTP 500: \d+ bytes that are not text$/.test(l.message)), JSON.stringify(binary.logs));
});

test('without thresholds the verdict still passes, but says how many requests failed', async () => {
  const r = await outcomesFor((req, res) => { res.writeHead(503); res.end('overloaded'); });
  assert.equal(r.summary.verdict.pass, true);
  assert.match(r.summary.verdict.headline, /^PASS — no thresholds set, yet 2 of 2 requests were errors \(server_error 2\) — add a threshold such as errors.rate < 1% to fail on that; peak/);
  const fine = await outcomesFor((req, res) => streamTokens(res, 2, 1, 1));
  assert.match(fine.summary.verdict.headline, /^PASS — no thresholds set; peak/);
});
