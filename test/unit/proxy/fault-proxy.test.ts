import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request, type IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { PlanFault } from '../../../src/core/plan-failure-modes';
import { startFaultProxy, type FaultProxy } from '../../../src/mock/fault-proxy';
import { SSE_EVENTS, startScriptedUpstream, type ScriptedUpstream } from './scripted-upstream';

const MINUTE = 60_000;

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

function send(url: string, method = 'GET', body?: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function withProxy(faults: PlanFault[], run: (proxy: FaultProxy, upstream: ScriptedUpstream) => Promise<void>, upstreamPath = ''): Promise<void> {
  const upstream = await startScriptedUpstream();
  const proxy = await startFaultProxy({ upstream: upstream.url + upstreamPath, faults, port: 0 });
  try {
    await run(proxy, upstream);
  } finally {
    await proxy.close();
    await upstream.close();
  }
}

test('requests pass through: method, path, headers and body in; status, headers and body out', async () => {
  await withProxy([], async (proxy, upstream) => {
    const res = await send(proxy.url + '/v1/echo?x=1', 'POST', '{"a":1}', { authorization: 'Bearer sk-test', 'x-team': 'ai', 'content-type': 'application/json' });
    assert.equal(res.status, 201);
    assert.equal(res.headers['x-upstream'], 'yes');
    const echoed = JSON.parse(res.text);
    assert.equal(echoed.method, 'POST');
    assert.equal(echoed.path, '/base/v1/echo?x=1', 'the upstream path prefixes the request path');
    assert.equal(echoed.body, '{"a":1}');
    assert.equal(echoed.headers.authorization, 'Bearer sk-test');
    assert.equal(echoed.headers['x-team'], 'ai');
    assert.equal(echoed.headers.host, new URL(upstream.url).host);
    assert.equal(proxy.counters().forwarded, 1);
  }, '/base');
});

test('a streamed body passes through as it arrives, without waiting for the end', async () => {
  await withProxy([], async (proxy, upstream) => {
    const chunks: string[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      const req = request(proxy.url + '/v1/hold', { method: 'POST', agent: false }, (res) => {
        assert.equal(res.headers['content-type'], 'text/event-stream');
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          chunks.push(d);
          // The upstream holds its response open until the first event has reached the client.
          if (chunks.length === 1) upstream.release();
        });
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end('{}');
    });
    await ended;
    assert.equal(chunks.join(''), 'data: first\n\ndata: second\n\n');
  });
});

test('outage (status): 503 from the proxy while the window is open, the upstream sees nothing', async () => {
  await withProxy([{ kind: 'outage', startMs: 0, endMs: MINUTE, mode: 'status', status: 503 }], async (proxy, upstream) => {
    const res = await send(proxy.url + '/v1/echo', 'POST', '{}');
    assert.equal(res.status, 503);
    assert.equal(res.headers['x-stampede-fault'], 'outage');
    assert.equal(res.headers['retry-after'], '1');
    assert.equal(JSON.parse(res.text).error.code, 'service_unavailable');
    assert.equal(upstream.seen.length, 0);
    const status = JSON.parse((await send(proxy.url + '/proxy/status')).text);
    assert.deepEqual(status.activeFaults, ['outage']);
    assert.equal(status.counters.faultsInjected.outage, 1);
    proxy.setRunStart(performance.now() - 2 * MINUTE);
    assert.equal((await send(proxy.url + '/v1/echo', 'POST', '{}')).status, 201);
    assert.deepEqual(JSON.parse((await send(proxy.url + '/proxy/status')).text).activeFaults, []);
  });
});

test('outage (refuse): connections are dropped', async () => {
  await withProxy([{ kind: 'outage', startMs: 0, endMs: MINUTE, mode: 'refuse', status: 503 }], async (proxy, upstream) => {
    await assert.rejects(send(proxy.url + '/v1/echo', 'POST', '{}'), (error: NodeJS.ErrnoException) => /ECONNRESET|EPIPE/.test(String(error.code)));
    assert.ok(proxy.counters().faultsInjected.outage >= 1);
    assert.equal(upstream.seen.length, 0);
  });
});

test('error-rate: the share of injected errors is close to the rate', async () => {
  await withProxy([{ kind: 'error-rate', startMs: 0, endMs: MINUTE, rate: 0.3, status: 500 }], async (proxy) => {
    let failed = 0;
    for (let batch = 0; batch < 10; batch++) {
      const answers = await Promise.all(Array.from({ length: 20 }, () => send(proxy.url + '/v1/chat', 'POST', '{}')));
      for (const res of answers) {
        if (res.status === 500) {
          failed++;
          assert.equal(res.headers['x-stampede-fault'], 'error-rate');
        } else assert.equal(res.status, 200);
      }
    }
    assert.ok(failed >= 35 && failed <= 85, `${failed} of 200`);
    assert.equal(proxy.counters().faultsInjected['error-rate'], failed);
    assert.equal(proxy.counters().forwarded, 200 - failed);
  });
});

test('latency: the added delay is observable before the first byte', async () => {
  await withProxy([{ kind: 'latency', startMs: 0, endMs: MINUTE, addMs: 200 }], async (proxy) => {
    const started = performance.now();
    const res = await send(proxy.url + '/v1/echo', 'POST', '{}');
    assert.equal(res.status, 201);
    // A timer never fires early, so this lower bound holds on any machine.
    assert.ok(performance.now() - started >= 195);
    assert.equal(proxy.counters().faultsInjected.latency, 1);
  });
});

test('rate-limit: a tighter RPM answers 429 with retry-after', async () => {
  await withProxy([{ kind: 'rate-limit', startMs: 0, endMs: MINUTE, rpm: 2 }], async (proxy) => {
    assert.equal((await send(proxy.url + '/v1/chat', 'POST', '{}')).status, 200);
    assert.equal((await send(proxy.url + '/v1/chat', 'POST', '{}')).status, 200);
    const limited = await send(proxy.url + '/v1/chat', 'POST', '{}');
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    assert.ok(Number(limited.headers['retry-after-ms']) > 0);
    assert.equal(JSON.parse(limited.text).error.code, 'rate_limit_exceeded');
    assert.equal(proxy.counters().faultsInjected['rate-limit'], 1);
  });
});

test('rate-limit: a TPM window counts prompt + max_tokens of chat requests', async () => {
  await withProxy([{ kind: 'rate-limit', startMs: 0, endMs: MINUTE, tpm: 300 }], async (proxy) => {
    // 100 prompt tokens + 100 max tokens = 200 each.
    const body = JSON.stringify({ messages: [{ role: 'user', content: 'x'.repeat(400) }], max_tokens: 100 });
    assert.equal((await send(proxy.url + '/v1/chat', 'POST', body)).status, 200);
    const limited = await send(proxy.url + '/v1/chat', 'POST', body);
    assert.equal(limited.status, 429);
    assert.equal(JSON.parse(limited.text).error.type, 'tokens');
  });
});

test('slow-stream: SSE events are released at the capped rate, bytes unchanged', async () => {
  await withProxy([{ kind: 'slow-stream', startMs: 0, endMs: MINUTE, tokensPerSecond: 50 }], async (proxy) => {
    const started = performance.now();
    const res = await send(proxy.url + '/v1/sse', 'POST', '{}');
    const elapsed = performance.now() - started;
    assert.equal(res.text, SSE_EVENTS.join(''));
    // 11 events at 50/s: the last one no sooner than 10 x 20 ms after the first.
    assert.ok(elapsed >= 195, `took ${elapsed} ms`);
    assert.equal(proxy.counters().faultsInjected['slow-stream'], 1);
  });
});

test('a client that hangs up cancels the upstream request', async () => {
  await withProxy([], async (proxy, upstream) => {
    await new Promise<void>((resolve, reject) => {
      const req = request(proxy.url + '/v1/forever', { method: 'POST', agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
      req.end('{}');
    });
    const until = performance.now() + 5000;
    while (upstream.disconnects === 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 10));
    assert.equal(upstream.disconnects, 1);
  });
});

test('an unreachable upstream answers 502 with a one-line JSON error', async () => {
  const upstream = await startScriptedUpstream();
  const deadUrl = upstream.url;
  await upstream.close();
  const proxy = await startFaultProxy({ upstream: deadUrl, faults: [], port: 0 });
  try {
    const res = await send(proxy.url + '/v1/chat', 'POST', '{}');
    assert.equal(res.status, 502);
    const error = JSON.parse(res.text).error;
    assert.equal(error.code, 'upstream_unreachable');
    assert.match(error.message, /ECONNREFUSED/);
    assert.ok(!error.message.includes('\n'));
    assert.equal(proxy.counters().upstreamErrors, 1);
  } finally {
    await proxy.close();
  }
});
