// Degradation levels, response-cache hits from x-cache, identical prompts, and cancellations
// verified against the mock's counters (a leak only when the mock leaks on purpose).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PlanProvider } from '../../../src/core/plan';
import type { PlanMockBehaviour } from '../../../src/core/plan-failure-modes';
import { makePlan } from './support/plan-fixture';
import { runPlan } from './support/collect-run';
import { startScriptedServer } from './support/scripted-server';
import { MonitorCancellationCheck } from '../../../src/runner/cancellation-check';

function mock(profile: 'instant' | 'small-gpu', behaviour: PlanMockBehaviour, overrides: Record<string, number> = {}): PlanProvider {
  return { id: 'm', type: 'mock', profile, overrides, model: 'mock-model', headers: {}, pricing: { input: 1, cachedInput: 0.5, output: 2 }, maxConnections: 32, behaviour };
}

test('degradation: level from a header (by name) and from the model name; shares per tick and metrics', async () => {
  const server = await startScriptedServer((req, res, body, n) => {
    const byModel = n % 4 === 3;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (!byModel) headers['x-service-level'] = n % 4 === 0 ? 'normal' : n % 4 === 1 ? 'cheap' : '2';
    res.writeHead(200, headers);
    const model = byModel ? 'tiny-model' : 'big-model';
    res.end(JSON.stringify({ id: 'x', model, choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 1 } }));
  });
  try {
    const plan = makePlan({ baseUrl: server.url, mix: [{ stream: false }], segments: [{ from: 20, ms: 1000 }] });
    plan.degradation = { header: 'x-service-level', models: { 'tiny-model': 1, 'big-model': 0 }, levels: ['normal', 'cheap', 'template', 'outage'] };
    const { summary, ticks } = await runPlan(plan);
    const d = summary.degradation!;
    assert.equal(d.counts.reduce((a, b) => a + b, 0), summary.requests.total);
    // n%4: 0 → normal, 1 → cheap (1), 2 → level 2, 3 → tiny-model (1)
    assert.equal(d.counts[0], 5);
    assert.equal(d.counts[1], 10);
    assert.equal(d.counts[2], 5);
    assert.equal(d.maxLevel, 2);
    assert.ok(Math.abs(d.share! - 0.75) < 1e-9);
    assert.equal(summary.metrics['degradation.share'], d.share);
    assert.equal(summary.metrics['degradation.maxLevel'], 2);
    const shares = ticks[0].degradation!;
    assert.ok(Math.abs(shares.reduce((a, b) => a + b, 0) - 1) < 1e-9, `shares ${shares}`);
  } finally {
    await server.close();
  }
});

test('identical prompts hit the mock response cache: hit rate from x-cache', async () => {
  const plan = makePlan({
    providers: [mock('instant', { faults: [], responseCache: { enabled: true, coalesce: true, ttlMs: 60_000 } })],
    mix: [{ stream: false, identicalPrompt: true, name: 'faq' }],
    segments: [{ from: 20, ms: 1000 }],
  });
  const { summary, ticks } = await runPlan(plan);
  assert.equal(summary.outcomes.ok, 20);
  // The first request computes, the rest are served from the cache.
  assert.ok(summary.cacheHitRate !== null && summary.cacheHitRate >= 0.9, `hit rate ${summary.cacheHitRate}`);
  assert.equal(summary.metrics['cache.hitRate'], summary.cacheHitRate);
  assert.ok(ticks[0].cacheHitRate !== null && ticks[0].cacheHitRate > 0.5);
});

test('identical prompt: the same text every time, from the seed and the entry name', async () => {
  const bodies: string[] = [];
  const server = await startScriptedServer((req, res, body) => {
    bodies.push(JSON.parse(body).messages[0].content);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ choices: [{ message: { content: 'x' } }], usage: { prompt_tokens: 1, completion_tokens: 1 } }));
  });
  try {
    const run = () => runPlan(makePlan({ baseUrl: server.url, mix: [{ stream: false, identicalPrompt: true, name: 'same', promptTokens: { kind: 'uniform', min: 10, max: 200 } }], segments: [{ from: 10, ms: 500 }] }));
    await run();
    await run();
    assert.ok(bodies.length >= 8);
    assert.equal(new Set(bodies).size, 1);
  } finally {
    await server.close();
  }
});

async function cancelRun(leak: boolean) {
  const plan = makePlan({
    providers: [mock('small-gpu', { faults: [], leakOnDisconnect: leak })],
    mix: [{ stream: true, maxTokens: 400 }],
    segments: [{ from: 6, ms: 1500 }],
    cancellations: { fraction: 1, afterMinMs: 150, afterMaxMs: 250 },
  });
  return runPlan(plan);
}

test('cancellation verified by the mock counters: no leak from a well-behaved server', async () => {
  const { summary } = await cancelRun(false);
  const c = summary.cancellations!;
  assert.equal(c.method, 'mock-counters');
  assert.ok(c.count >= 8, `cancelled ${c.count}`);
  assert.equal(c.leaked, 0);
  assert.ok(c.stoppedByServer! >= c.count, `stopped ${c.stoppedByServer}`);
  assert.equal(summary.metrics['cancellations.leaked'], 0);
  assert.equal(summary.metrics['errors.rate'], 0, 'cancellations are never errors');
});

test('cancellation verified by the mock counters: a leaking server is caught', async () => {
  const { summary, ticks } = await cancelRun(true);
  const c = summary.cancellations!;
  assert.ok(c.leaked! >= c.count - 1 && c.leaked! > 0, `leaked ${c.leaked} of ${c.count}`);
  assert.equal(summary.metrics['cancellations.leaked'], c.leaked);
  assert.ok(ticks.reduce((n, t) => n + (t.leakedCancellations ?? 0), 0) > 0);
  assert.equal(summary.metrics['errors.rate'], 0);
});

test('cancellation verified by a monitor series: back to the pre-cancel level in time, or a leak', () => {
  let running = 2;
  const check = new MonitorCancellationCheck((s) => (s === 'running' ? running : null), 'running', 500);
  const pre = check.levelBeforeSend();
  running = 3; // the request is generating
  check.canceled(pre, 1000);
  assert.equal(check.poll(1200), 0);
  running = 2; // back to the pre-send level: stopped
  assert.equal(check.poll(1300), 0);
  assert.equal(check.stopped, 1);
  const pre2 = check.levelBeforeSend();
  running = 3;
  check.canceled(pre2, 2000);
  assert.equal(check.poll(2400), 0);
  assert.equal(check.poll(2501), 1, 'still generating past withinMs: a leak');
  assert.equal(check.leaked, 1);
  check.canceled(null, 3000);
  assert.equal(check.unknown, 1);
});

test('the mock degrades by itself under a queue: levels read from x-degradation-level', async () => {
  const provider = mock('small-gpu', { faults: [], degradation: { queueMarks: [2, 5, 9] } }, { batchSlots: 1, decodeStepBaseMs: 4, decodeStepPerSeqMs: 0 });
  const plan = makePlan({ providers: [provider], mix: [{ stream: true, maxTokens: 8 }], segments: [{ from: 60, ms: 600 }] });
  plan.degradation = { levels: ['normal', 'cheaper model', 'template', 'outage'] };
  const { summary } = await runPlan(plan);
  const d = summary.degradation!;
  assert.ok(d.counts[0] > 0, `counts ${d.counts}`);
  assert.ok(d.maxLevel! >= 2, `counts ${d.counts}`);
  assert.ok(d.share! > 0 && d.share! < 1);
});

async function monitoredCancelRun(leak: boolean) {
  let running = 0;
  const server = await startScriptedServer((req, res) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(`# TYPE app_running gauge\napp_running ${running}\n`);
      return;
    }
    running++;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let n = 0;
    const timer = setInterval(() => {
      if (n++ < 100) res.write(`data: {"choices":[{"delta":{"content":"x"}}]}\n\n`);
    }, 20);
    // A leaking server keeps generating (and counting) for two seconds after the client left.
    res.on('close', () => {
      clearInterval(timer);
      if (leak) setTimeout(() => running--, 2000).unref();
      else running--;
    });
  });
  try {
    const plan = makePlan({ baseUrl: server.url, segments: [{ from: 2, ms: 1500 }], cancellations: { fraction: 1, afterMinMs: 150, afterMaxMs: 150, verify: { series: 'running', withinMs: 600 } } });
    plan.monitors = [{ type: 'prometheus', url: `${server.url}/metrics`, intervalMs: 100, series: { running: 'app_running' } }];
    return await runPlan(plan);
  } finally {
    await server.close();
  }
}

test('cancellation verified by a monitor against a real server: stopped, and leaking', async () => {
  const ok = (await monitoredCancelRun(false)).summary.cancellations!;
  assert.equal(ok.method, 'monitor');
  assert.ok(ok.count >= 2, `cancelled ${ok.count}`);
  assert.equal(ok.leaked, 0);
  assert.equal(ok.stoppedByServer, ok.count);
  const bad = (await monitoredCancelRun(true)).summary;
  assert.ok(bad.cancellations!.leaked! >= 1, JSON.stringify(bad.cancellations));
  assert.equal(bad.metrics['cancellations.leaked'], bad.cancellations!.leaked);
});
