// Cancellations mid-stream: the socket is closed, the outcome is canceled (not an error), and
// the mock stops generating.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startMockServer } from '../../../src/mock/mock-server';
import { makePlan } from './support/plan-fixture';
import { runPlan } from './support/collect-run';
import { startScriptedServer, streamTokens } from './support/scripted-server';

test('a cancelled stream closes the socket and counts as canceled, not an error', async () => {
  const server = await startScriptedServer((req, res) => streamTokens(res, 50, 20, 20));
  try {
    const plan = makePlan({ baseUrl: server.url, segments: [{ from: 4, ms: 1000 }], cancellations: { fraction: 1, afterMinMs: 300, afterMaxMs: 350 } });
    const { summary, logs } = await runPlan(plan);
    assert.equal(summary.outcomes.canceled, 4);
    assert.equal(summary.metrics['cancellations.count'], 4);
    assert.equal(summary.metrics['errors.rate'], 0);
    assert.equal(server.closes, 4);
    assert.ok(summary.ttft.count === 4, 'TTFT of cancelled streams that got a token is kept');
    assert.ok(logs.some((l) => l.message.startsWith('first cancellation')));
  } finally {
    await server.close();
  }
});

test('only the configured fraction is cancelled (seeded)', async () => {
  const server = await startScriptedServer((req, res) => streamTokens(res, 10, 5, 30));
  try {
    const plan = makePlan({ baseUrl: server.url, segments: [{ from: 40, ms: 1000 }], cancellations: { fraction: 0.25, afterMinMs: 50, afterMaxMs: 60 } });
    const { summary } = await runPlan(plan);
    assert.equal(summary.outcomes.canceled + summary.outcomes.ok, 40);
    assert.ok(summary.outcomes.canceled >= 4 && summary.outcomes.canceled <= 18, `canceled ${summary.outcomes.canceled}`);
  } finally {
    await server.close();
  }
});

test('with the mock, a cancellation stops the generation (stoppedOnDisconnect)', async () => {
  const mock = await startMockServer({ port: 0, profile: 'instant', seed: 1, overrides: { decodeStepBaseMs: 20 } });
  try {
    const plan = makePlan({ baseUrl: mock.url, mix: [{ maxTokens: 200 }], segments: [{ from: 3, ms: 1000 }], cancellations: { fraction: 1, afterMinMs: 150, afterMaxMs: 200 } });
    const { summary } = await runPlan(plan);
    assert.equal(summary.outcomes.canceled, 3);
    for (let i = 0; i < 20 && mock.counters().stoppedOnDisconnect < 3; i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal(mock.counters().stoppedOnDisconnect, 3);
    assert.equal(mock.counters().leakedGenerations, 0);
  } finally {
    await mock.close();
  }
});

test('an embedded mock provider is started for the run, scraped for queue depth, and closed', async () => {
  const plan = makePlan({
    providers: [{ id: 'm', type: 'mock', profile: 'instant', overrides: {}, model: 'x', headers: {}, pricing: { input: 1, cachedInput: 1, output: 1 }, maxConnections: 16 }],
    segments: [{ from: 10, ms: 2500 }],
  });
  const { summary, ticks, events } = await runPlan(plan);
  assert.equal(summary.outcomes.ok, 25);
  assert.equal(summary.tokens.method, 'usage');
  assert.ok(ticks.slice(1).some((t) => t.queueDepth !== null && t.kvCacheUsage !== null), JSON.stringify(ticks.map((t) => t.queueDepth)));
  const start = events[0];
  assert.ok(start.type === 'start' && start.providers[0].url.startsWith('http://127.0.0.1:'));
});
