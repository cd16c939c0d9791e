// Whole runs in each dialect against the mock: streamed and JSON answers, agent loops in the
// dialect's tool-call format, mid-stream cancellation verified by the mock's counters, the
// dialect's auth headers (and no key in the results), failover from one dialect to another.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DialectId, PlanProvider } from '../../../src/core/plan';
import type { PlanAgent } from '../../../src/core/plan-failure-modes';
import { runPlan } from '../runner/support/collect-run';
import { makePlan } from '../runner/support/plan-fixture';
import { startScriptedServer } from '../runner/support/scripted-server';

const DIALECTS: DialectId[] = ['openai', 'openai-responses', 'anthropic', 'gemini'];
const agent: PlanAgent = { maxSteps: 10, tools: [{ name: 'search_kb', latencyMinMs: 1, latencyMaxMs: 3, failureRate: 0 }, { name: 'create_ticket', latencyMinMs: 1, latencyMaxMs: 3, failureRate: 0 }] };

function mock(dialect: DialectId, over: Partial<PlanProvider> = {}): PlanProvider {
  return { id: 'm', type: 'mock', profile: 'instant', dialect, overrides: {}, model: 'mock-model', headers: {}, pricing: { input: 1, cachedInput: 0.5, output: 2 }, maxConnections: 32, behaviour: { faults: [], agentSteps: { base: 2, underLoad: 0 } }, ...over } as PlanProvider;
}

for (const dialect of DIALECTS) {
  test(`${dialect}: streamed and JSON answers with usage, and agent loops in the dialect's tool-call format`, async () => {
    const plan = makePlan({
      providers: [mock(dialect)],
      mix: [
        { name: 'stream', stream: true, maxTokens: 20, identicalPrompt: true, system: 'You are terse.' },
        { name: 'json', stream: false, maxTokens: 20 },
        { name: 'agent', stream: true, maxTokens: 30, agent },
      ],
      segments: [{ from: 9, ms: 1000 }],
    });
    const { summary } = await runPlan(plan);
    assert.equal(summary.outcomes.ok, 9, JSON.stringify(summary.outcomes));
    assert.equal(summary.tokens.method, 'usage');
    assert.ok(summary.tokens.cachedInput > 0, 'the identical prompt is served from the prefix cache');
    assert.ok(summary.ttft.count > 0, 'TTFT of the streamed requests');
    assert.ok((summary.tpot.count ?? 0) > 0, 'TPOT from the stream');
    const a = summary.agent!;
    assert.ok(a.tasks > 0);
    assert.equal(a.steps.min, 3, 'two tool rounds and the final answer');
    assert.equal(a.toolCalls, a.tasks * 2);
    assert.equal(summary.providers?.[0]?.dialect, dialect);
  });

  test(`${dialect}: mid-stream cancellation closes the stream and the mock stops generating`, async () => {
    const provider = mock(dialect, { profile: 'small-gpu', overrides: { decodeStepBaseMs: 20 } } as Partial<PlanProvider>);
    const plan = makePlan({ providers: [provider], mix: [{ maxTokens: 200 }], segments: [{ from: 3, ms: 1000 }], cancellations: { fraction: 1, afterMinMs: 150, afterMaxMs: 200 } });
    const { summary } = await runPlan(plan);
    assert.equal(summary.outcomes.canceled, 3);
    assert.equal(summary.cancellations?.method, 'mock-counters');
    assert.equal(summary.cancellations?.leaked, 0);
    assert.equal(summary.cancellations?.stoppedByServer, 3);
    assert.ok(summary.ttft.count > 0, 'tokens arrived before the cancel');
  });
}

test('auth: each dialect sends its key its way, from ${env:…}, and the key reaches no result', async () => {
  const seen: Array<{ path: string; headers: Record<string, string | string[] | undefined> }> = [];
  const answers: Record<string, string> = {
    '/v1/messages': JSON.stringify({ id: 'msg_1', type: 'message', role: 'assistant', model: 'claude', content: [{ type: 'text', text: 'ok' }], stop_reason: 'end_turn', usage: { input_tokens: 3, output_tokens: 1 } }),
    '/v1beta/models/gemini-x:generateContent': JSON.stringify({ candidates: [{ content: { parts: [{ text: 'ok' }], role: 'model' }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, totalTokenCount: 4 } }),
    '/v1/responses': JSON.stringify({ id: 'resp_1', object: 'response', status: 'completed', output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'ok' }] }], usage: { input_tokens: 3, output_tokens: 1, input_tokens_details: { cached_tokens: 0 } } }),
  };
  const server = await startScriptedServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    seen.push({ path, headers: req.headers });
    res.writeHead(answers[path] ? 200 : 404, { 'content-type': 'application/json' });
    res.end(answers[path] ?? '{}');
  });
  try {
    const env = { KEY: 'sk-secret-canary-123' };
    const providers: PlanProvider[] = [
      { id: 'a', type: 'anthropic', baseUrl: server.url, apiKey: '${env:KEY}', apiVersion: '2023-06-01', model: 'claude', headers: {}, pricing: { input: 1, cachedInput: 1, output: 1 }, maxConnections: 4 },
      { id: 'g', type: 'gemini', baseUrl: `${server.url}/v1beta`, apiKey: '${env:KEY}', model: 'gemini-x', headers: {}, pricing: { input: 1, cachedInput: 1, output: 1 }, maxConnections: 4 },
      { id: 'r', type: 'openai', api: 'responses', baseUrl: `${server.url}/v1`, apiKey: '${env:KEY}', model: 'gpt-4.1', headers: {}, pricing: { input: 1, cachedInput: 1, output: 1 }, maxConnections: 4 },
    ];
    const plan = makePlan({ providers, mix: providers.map((p) => ({ name: p.id, provider: p.id, stream: false })), segments: [{ from: 6, ms: 1000 }] });
    const { summary, events } = await runPlan(plan, { env });
    assert.equal(summary.outcomes.ok, 6, JSON.stringify(summary.outcomes));
    const by = (path: string) => seen.find((s) => s.path === path)!.headers;
    assert.equal(by('/v1/messages')['x-api-key'], env.KEY);
    assert.equal(by('/v1/messages')['anthropic-version'], '2023-06-01');
    assert.equal(by('/v1/messages').authorization, undefined);
    assert.equal(by('/v1beta/models/gemini-x:generateContent')['x-goog-api-key'], env.KEY);
    assert.equal(by('/v1/responses').authorization, `Bearer ${env.KEY}`);
    assert.ok(!JSON.stringify(events).includes(env.KEY), 'the key is in no event, log or summary');
  } finally {
    await server.close();
  }
});

test('failover: an Anthropic primary answering 529 overloaded fails over to a Gemini mock, and the agent task goes on there', async () => {
  const primary = await startScriptedServer((_req, res) => {
    res.writeHead(529, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
  });
  try {
    const providers: PlanProvider[] = [
      { id: 'claude', type: 'anthropic', baseUrl: primary.url, apiVersion: '2023-06-01', model: 'claude', headers: {}, pricing: { input: 1, cachedInput: 1, output: 1 }, maxConnections: 8 },
      mock('gemini', { id: 'backup' }),
    ];
    const plan = makePlan({ providers, mix: [{ stream: true, agent, maxTokens: 30 }], segments: [{ from: 4, ms: 1000 }], retries: { max: 3, on: ['overloaded'] } });
    plan.resilience.failover = { on: ['overloaded'], failureThreshold: 2, cooldownMs: 60_000, halfOpenProbes: 1 };
    const { summary } = await runPlan(plan);
    assert.equal(summary.outcomes.ok, 4, JSON.stringify(summary.outcomes));
    const claude = summary.providers!.find((p) => p.id === 'claude')!;
    assert.ok(claude.outcomes.overloaded > 0, 'the 529s were classified overloaded');
    assert.equal(summary.agent!.steps.min, 3);
    assert.ok(summary.failover!.events.length > 0);
  } finally {
    await primary.close();
  }
});
