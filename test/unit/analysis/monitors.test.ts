// Monitors scrape a real Prometheus endpoint (a scripted node:http server on loopback).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { isCounter, latestMonitorValue, MonitorSet, parsePromText } from '../../../src/runner/monitors';

const TEXT = (waiting: number, tokens: number) => `# HELP vllm:num_requests_waiting Requests waiting.
# TYPE vllm:num_requests_waiting gauge
vllm:num_requests_waiting{model_name="a"} ${waiting}
vllm:num_requests_waiting{model_name="b"} 100
# TYPE vllm:generation_tokens counter
vllm:generation_tokens_total{model_name="a"} ${tokens}
vllm:kv_cache_usage_perc{model_name="a",note="x\\"y"} 0.25
`;

async function serve(body: () => string): Promise<{ url: string; server: Server; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(body());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`, server, hits: () => hits };
}

test('parses samples, labels (with escapes) and TYPE lines', () => {
  const p = parsePromText(TEXT(3, 10));
  assert.equal(p.samples.length, 4);
  assert.deepEqual(p.samples[3].labels, { model_name: 'a', note: 'x"y' });
  assert.equal(isCounter('vllm:generation_tokens_total', p.types), true);
  assert.equal(isCounter('vllm:num_requests_waiting', p.types), false);
  assert.equal(isCounter('other_total', new Map()), true);
});

test('gauges as values with label matchers, counters as per-second rates, on the run clock', async () => {
  let waiting = 4;
  // The counter grows 500 a second of wall time, read when the server answers, so a busy
  // machine that delays timers or scrapes cannot change the true rate the monitor measures.
  const growingSince = Date.now();
  const tokens = () => 1000 + Math.round((500 * (Date.now() - growingSince)) / 1000);
  const { url, server } = await serve(() => TEXT(waiting, tokens()));
  const set = new MonitorSet(
    [{ type: 'prometheus', url, intervalMs: 100, series: { queueDepth: 'vllm:num_requests_waiting{model_name="a"}', allWaiting: 'vllm:num_requests_waiting', tokensRate: 'vllm:generation_tokens_total{model_name=~"a|c"}', missing: 'nope' } }],
    [url],
  );
  try {
    await set.start();
    let v = set.values();
    assert.equal(v.queueDepth, 4);
    assert.equal(v.allWaiting, 104);
    assert.equal(v.tokensRate, null, 'a counter needs two scrapes for a rate');
    assert.equal(v.missing, null);
    assert.equal(latestMonitorValue('queueDepth'), 4);
    waiting = 9;
    const started = Date.now();
    while (Date.now() - started < 10_000) {
      await new Promise((r) => setTimeout(r, 100));
      v = set.values();
      if (v.queueDepth === 9 && v.tokensRate !== null) break;
    }
    assert.equal(v.queueDepth, 9);
    assert.equal(latestMonitorValue('queueDepth'), 9);
    assert.ok(v.tokensRate! > 100 && v.tokensRate! < 2000, `rate ${v.tokensRate}`);
  } finally {
    await set.close();
    await new Promise((r) => server.close(r));
  }
  assert.equal(latestMonitorValue('queueDepth'), null, 'closing the set withdraws its series');
});

test('an unreachable monitor yields nulls and one warning, never an error', async () => {
  const { url, server } = await serve(() => '');
  await new Promise((r) => server.close(r));
  const warnings: string[] = [];
  const set = new MonitorSet([{ type: 'prometheus', url, intervalMs: 1000, series: { running: 'vllm:num_requests_running' } }], [url], (m) => warnings.push(m));
  try {
    await set.start();
    assert.deepEqual(set.values(), { running: null });
    set.values();
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /could not be scraped.*monitors\[\]\.url/);
  } finally {
    await set.close();
  }
});
