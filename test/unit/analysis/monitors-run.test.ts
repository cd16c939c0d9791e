// A run with a monitor: every tick carries the monitor series, and a series named queueDepth
// fills the tick's queue depth (over the mock's own /metrics).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { analyzeScenario } from '../../../src/core/analyze-scenario';
import type { TickPoint } from '../../../src/protocol/run-events';
import { startRun } from '../../../src/runner/engine';

test('monitor series are on every tick, on the run clock', async () => {
  let scrapes = 0;
  const server = createServer((_req, res) => {
    scrapes++;
    res.end(`# TYPE vllm:num_requests_waiting gauge\nvllm:num_requests_waiting{model_name="x"} 42\n# TYPE req counter\nreq_total ${scrapes * 10}\n`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  const text = `name: monitors
providers:
  - { id: gpu, type: mock, profile: instant }
workload:
  mix:
    - { name: a, weight: 1, promptTokens: { min: 10, max: 10 }, maxTokens: 5 }
load:
  model: open
  stages:
    - { name: only, for: 3s, rate: 2/s }
monitors:
  - { url: "${url}", interval: 200ms, series: { queueDepth: 'vllm:num_requests_waiting{model_name="x"}', reqRate: req_total } }
`;
  const { plan, problems } = analyzeScenario(text);
  assert.deepEqual(problems.filter((p) => p.severity === 'error'), []);
  const ticks: TickPoint[] = [];
  const handle = startRun({ plan: plan!, env: {}, onEvent: (e) => e.type === 'tick' && ticks.push(e.point) });
  const limit = setTimeout(() => handle.stop(), 30_000);
  const summary = await handle.done;
  clearTimeout(limit);
  await new Promise((r) => server.close(r));
  assert.ok(ticks.length >= 3);
  for (const p of ticks) {
    assert.equal(p.monitors?.queueDepth, 42);
    assert.equal(p.queueDepth, 42);
  }
  // 10 per scrape every ~200 ms ≈ 50/s
  const rate = ticks[ticks.length - 1].monitors!.reqRate!;
  assert.ok(rate > 20 && rate < 100, `rate ${rate}`);
  assert.equal(summary.metrics['queue.depth.max'], 42);
});
