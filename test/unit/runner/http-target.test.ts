// `type: http` targets against scripted servers: body templates with data rows, JSON and SSE
// answers, extraction rules and Server-Timing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlanProvider } from '../../../src/core/plan';
import type { PlanHttpTarget } from '../../../src/core/plan-failure-modes';
import { buildHttpBody, serverTimingMs } from '../../../src/runner/http-target';
import { makePlan } from './support/plan-fixture';
import { runPlan } from './support/collect-run';
import { startScriptedServer } from './support/scripted-server';

function httpProvider(url: string, target: Partial<PlanHttpTarget>): PlanProvider {
  return {
    id: 'feature',
    type: 'http',
    model: 'feature-model',
    headers: {},
    pricing: { input: 0, cachedInput: 0, output: 0 },
    maxConnections: 16,
    target: { method: 'POST', url, headers: { 'x-team': 'search' }, response: 'json', doneData: '[DONE]', extract: {}, ...target },
  };
}

test('body templates: JSON-escaped fills, whole-value placeholders keep their type, text as is', () => {
  const json = buildHttpBody(JSON.stringify({ q: '{{prompt}}', n: '{{maxTokens}}', s: '{{stream}}', who: 'user {{name}}', keep: '{{unknown}}' }), 'json', { prompt: 'say "hi"\n', maxTokens: 64, stream: true, name: 'Ann' });
  assert.deepEqual(JSON.parse(json), { q: 'say "hi"\n', n: 64, s: true, who: 'user Ann', keep: '{{unknown}}' });
  assert.equal(buildHttpBody('q={{ prompt }}&n={{maxTokens}}', 'text', { prompt: 'a b', maxTokens: 3 }), 'q=a b&n=3');
  assert.equal(serverTimingMs('cache;desc=miss, provider;dur=812.5, app;dur=20', 'provider'), 812.5);
  assert.equal(serverTimingMs('app;dur=20', 'provider'), null);
});

test('http JSON target: template with a data row, extraction from body and headers, Server-Timing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-http-'));
  writeFileSync(join(dir, 'rows.jsonl'), '{"topic":"billing","user":"ann"}\n{"topic":"refunds","user":"bob"}\n');
  const received: Array<{ method: string; team: string; body: Record<string, unknown> }> = [];
  const server = await startScriptedServer((req, res, body, n) => {
    received.push({ method: req.method!, team: String(req.headers['x-team']), body: JSON.parse(body) });
    res.writeHead(200, { 'content-type': 'application/json', 'server-timing': `provider;dur=${40 + n}, total;dur=90`, 'x-queue': String(n), 'x-level': n % 2 ? '1' : '0' });
    res.end(JSON.stringify({ answer: 'some words here', meta: { in: 11, out: 7, cost: 0.002, cached: n % 2 === 0, steps: 2 } }));
  });
  try {
    const plan = makePlan({
      providers: [
        httpProvider(`${server.url}/api/answer?v=1`, {
          body: JSON.stringify({ question: '{{prompt}}', user: '{{user}}', max: '{{maxTokens}}', stream: '{{stream}}', model: '{{model}}' }),
          bodyEncoding: 'json',
          extract: { inputTokens: 'json:/meta/in', outputTokens: 'json:/meta/out', costUsd: 'json:/meta/cost', cacheHit: 'json:/meta/cached', degradationLevel: 'header:x-level', queueDepth: 'header:x-queue', agentSteps: 'json:/meta/steps' },
          serverTimingEntry: 'provider',
        }),
      ],
      mix: [{ stream: false, maxTokens: 50, prompt: { template: 'Explain {{topic}}', data: { file: 'rows.jsonl', format: 'jsonl', order: 'sequential' } } }],
      segments: [{ from: 4, ms: 1000 }],
    });
    plan.degradation = { levels: ['normal', 'lite'], header: 'x-level' };
    const { summary, ticks } = await runPlan(plan, { baseDir: dir });
    assert.equal(summary.outcomes.ok, 4);
    assert.equal(received[0].method, 'POST');
    assert.equal(received[0].team, 'search');
    assert.deepEqual(received[0].body, { question: 'Explain billing', user: 'ann', max: 50, stream: false, model: 'feature-model' });
    assert.equal(received[1].body.question, 'Explain refunds');
    assert.equal(summary.tokens.input, 44);
    assert.equal(summary.tokens.output, 28);
    assert.ok(Math.abs(summary.cost.total - 0.008) < 1e-12);
    assert.equal(summary.cacheHitRate, 0.5);
    assert.equal(summary.degradation!.counts[1], 2);
    assert.equal(summary.providerLatency!.count, 4);
    assert.ok(summary.providerLatency!.min! >= 40 && summary.providerLatency!.max! <= 43.1);
    // Which second the four answers land in depends on how busy the machine is; some tick carries them.
    assert.ok(ticks.some((t) => t.providerLatency !== null), `provider latency per tick ${JSON.stringify(ticks.map((t) => t.providerLatency))}`);
    assert.equal(summary.metrics['queue.depth.max'], 3);
    assert.equal(summary.agent!.tasks, 4);
    assert.equal(summary.metrics['agent.steps.p95'], 2);
    assert.ok(ticks.some((t) => t.queueDepth !== null), `queue depth per tick ${JSON.stringify(ticks.map((t) => t.queueDepth))}`);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('http SSE target: content pointer, custom done marker, TTFT from the first content event', async () => {
  const server = await startScriptedServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const events = ['{"token":""}', '{"token":"Hel"}', '{"token":"lo"}', '{"token":"!","usage":{"out":3}}', 'END'];
    let i = 0;
    const timer = setInterval(() => {
      res.write(`data: ${events[i++]}\n\n`);
      if (i === events.length) {
        clearInterval(timer);
        res.end();
      }
    }, 20);
    res.on('close', () => clearInterval(timer));
  });
  try {
    const plan = makePlan({
      providers: [httpProvider(`${server.url}/stream`, { body: 'q={{prompt}}', bodyEncoding: 'text', response: 'sse', contentPointer: '/token', doneData: 'END', extract: { outputTokens: 'json:/usage/out' } })],
      mix: [{ stream: true, prompt: { template: 'hello' } }],
      segments: [{ from: 3, ms: 1000 }],
    });
    const { summary } = await runPlan(plan);
    assert.equal(summary.outcomes.ok, 3);
    assert.equal(summary.ttft.count, 3);
    // the first event carries no content: TTFT is the second event (~40 ms), not the first
    assert.ok(summary.ttft.min! >= 30, `ttft ${summary.ttft.min}`);
    assert.equal(summary.itl.count, 6);
    assert.equal(summary.tokens.output, 9);
  } finally {
    await server.close();
  }
});

test('http target: an unreachable URL ends each request as a network error, not a crash', async () => {
  const plan = makePlan({ providers: [httpProvider('http://127.0.0.1:1/x', { method: 'GET' })], mix: [{ stream: false }], segments: [{ from: 2, ms: 500 }] });
  const { summary } = await runPlan(plan);
  assert.equal(summary.endReason, 'completed');
  assert.equal(summary.outcomes.network, summary.requests.total);
});
