// What the fault proxy reports per attempt (a run's per-upstream truth) and that its counters
// add up: every attempt ends as exactly one of forwarded, answered, refused, rejected or abandoned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { PlanFault } from '../../../src/core/plan-failure-modes';
import { startFaultProxy, type ProxyCounters } from '../../../src/mock/fault-proxy';
import type { ProxyExchange } from '../../../src/mock/proxy-exchange';
import { describeCounters } from '../../../src/cli/proxy-command';
import { startScriptedUpstream } from './scripted-upstream';

const MINUTE = 60_000;

function send(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end('{}');
  });
}

function addsUp(c: ProxyCounters): void {
  assert.equal(c.forwarded + c.answered + c.refused + c.rejected + c.abandoned, c.requests, JSON.stringify(c));
}

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

test('each attempt is one record: result, status, bytes, time to first byte, model and request id', async () => {
  const upstream = await startScriptedUpstream();
  const records: ProxyExchange[] = [];
  const faults: PlanFault[] = [{ kind: 'error-rate', startMs: MINUTE, endMs: 2 * MINUTE, rate: 1, status: 500 }];
  const proxy = await startFaultProxy({ upstream: upstream.url, faults, onExchange: (x) => records.push(x) });
  try {
    assert.equal(await send(proxy.url + '/v1/chat/completions', { 'x-stampede-request-id': 'r-1' }), 200);
    assert.equal(await send(proxy.url + '/v1/sse'), 200);
    proxy.setRunStart(performance.now() - MINUTE);
    assert.equal(await send(proxy.url + '/v1/chat/completions', { 'x-stampede-request-id': 'r-2' }), 500);
    await waitFor(() => records.length === 3);
    const [json, sse, failed] = records;
    assert.equal(json.result, 'ok');
    assert.equal(json.status, 200);
    assert.equal(json.requestId, 'r-1');
    assert.equal(json.injected, false);
    assert.ok(json.bytes > 20 && json.ttfbMs !== null && json.ttfbMs >= 0, JSON.stringify(json));
    assert.equal(sse.result, 'ok');
    assert.equal(sse.requestId, null);
    assert.equal(failed.result, 'server_error');
    assert.equal(failed.fault, 'error-rate');
    assert.equal(failed.injected, true);
    assert.equal(failed.requestId, 'r-2');
    assert.ok(records.every((r) => r.endAt >= r.startAt));
    const c = proxy.counters();
    assert.deepEqual([c.requests, c.forwarded, c.answered], [3, 2, 1]);
    addsUp(c);
  } finally {
    await proxy.close();
    await upstream.close();
  }
});

test('the model an answer names is read from its start', async () => {
  const { createServer } = await import('node:http');
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end('data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o-mini-2024","choices":[{"delta":{"content":"a"}}]}\n\ndata: [DONE]\n\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const records: ProxyExchange[] = [];
  const proxy = await startFaultProxy({ upstream: `http://127.0.0.1:${port}`, faults: [], onExchange: (x) => records.push(x) });
  try {
    await send(proxy.url + '/v1/chat/completions');
    await waitFor(() => records.length === 1);
    assert.equal(records[0].model, 'gpt-4o-mini-2024');
  } finally {
    await proxy.close();
    server.closeAllConnections();
    server.close();
  }
});

test('refused connections are attempts: the counters add up during a refuse outage', async () => {
  const upstream = await startScriptedUpstream();
  const records: ProxyExchange[] = [];
  const faults: PlanFault[] = [{ kind: 'outage', startMs: 0, endMs: MINUTE, mode: 'refuse', status: 503 }];
  const proxy = await startFaultProxy({ upstream: upstream.url, faults, onExchange: (x) => records.push(x) });
  try {
    for (let i = 0; i < 3; i++) await assert.rejects(send(proxy.url + '/v1/echo'));
    proxy.setRunStart(performance.now() - 2 * MINUTE);
    assert.equal(await send(proxy.url + '/v1/echo'), 201);
    await waitFor(() => records.length === 4);
    const c = proxy.counters();
    assert.equal(c.refused, 3);
    assert.equal(c.requests, 4);
    addsUp(c);
    assert.equal(records.filter((r) => r.result === 'network' && r.fault === 'outage' && r.injected).length, 3);
    assert.match(describeCounters(c), /^4 attempts: 1 forwarded, 3 refused$/);
  } finally {
    await proxy.close();
    await upstream.close();
  }
});

test('a client that hangs up on a held request is an abandoned attempt', async () => {
  const upstream = await startScriptedUpstream();
  const records: ProxyExchange[] = [];
  const faults: PlanFault[] = [{ kind: 'latency', startMs: 0, endMs: MINUTE, addMs: 5_000 }];
  const proxy = await startFaultProxy({ upstream: upstream.url, faults, onExchange: (x) => records.push(x) });
  try {
    await new Promise<void>((resolve) => {
      const req = request(proxy.url + '/v1/echo', { method: 'POST', agent: false });
      req.on('error', () => resolve());
      req.end('{}');
      setTimeout(() => req.destroy(), 100);
    });
    await waitFor(() => records.length === 1);
    assert.equal(records[0].result, 'abandoned');
    assert.equal(records[0].fault, 'latency');
    const c = proxy.counters();
    assert.equal(c.abandoned, 1);
    addsUp(c);
    assert.equal(upstream.seen.length, 0);
  } finally {
    await proxy.close();
    await upstream.close();
  }
});
