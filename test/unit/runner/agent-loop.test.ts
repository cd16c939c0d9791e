// Agent loops against the embedded mock: tool calls answered by simulated tools until a final
// answer (steps = model calls) or maxSteps; streamed and non-streamed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PlanProvider } from '../../../src/core/plan';
import type { PlanAgent } from '../../../src/core/plan-failure-modes';
import { instantMockProvider, makePlan } from './support/plan-fixture';
import { runPlan } from './support/collect-run';
import { startScriptedServer } from './support/scripted-server';

const mockProvider = instantMockProvider;

const agent = (maxSteps: number, failureRate = 0): PlanAgent => ({ maxSteps, tools: [{ name: 'search', latencyMinMs: 5, latencyMaxMs: 15, failureRate }] });

for (const stream of [true, false]) {
  test(`agent loop (${stream ? 'streamed' : 'JSON'}): 3 tool rounds + the final answer = 4 steps per task`, async () => {
    const plan = makePlan({ providers: [mockProvider], mix: [{ stream, agent: agent(10), maxTokens: 32 }], segments: [{ from: 5, ms: 1000 }] });
    const { summary, ticks } = await runPlan(plan);
    const a = summary.agent!;
    assert.equal(summary.outcomes.ok, 5);
    assert.equal(a.tasks, 5);
    assert.equal(a.steps.p50, 4);
    assert.equal(a.steps.max, 4);
    assert.equal(a.capped, 0);
    assert.equal(a.toolCalls, 15);
    assert.equal(a.retriesInLoop, 0);
    assert.ok(a.tokensPerTask! > 0 && a.costPerTask! > 0);
    assert.equal(summary.metrics['agent.steps.p95'], 4);
    assert.ok(ticks.some((t) => t.agentSteps?.p95 === 4));
    // every model call is an attempt; TTFT once per task, e2e over the whole task
    assert.equal(summary.requests.attempts, 20);
    assert.equal(summary.ttft.count, stream ? 5 : 0);
    assert.ok(summary.e2e.min! >= 15, `e2e ${summary.e2e.min} includes 3 tool latencies`);
  });
}

test('agent loop stops at maxSteps and counts the task as capped', async () => {
  const plan = makePlan({ providers: [mockProvider], mix: [{ stream: true, agent: agent(2, 1), maxTokens: 32 }], segments: [{ from: 4, ms: 1000 }] });
  const { summary } = await runPlan(plan);
  const a = summary.agent!;
  assert.equal(summary.outcomes.ok, 4);
  assert.equal(a.steps.max, 2);
  assert.equal(a.capped, 4);
  assert.equal(a.toolFailures, a.toolCalls, 'failureRate 1: every tool call returns an error result');
});

test('agent loop sends the tools, the assistant tool call and the tool results; retries inside the loop are counted', async () => {
  const seen: Array<{ messages: Array<{ role: string; tool_call_id?: string }>; tools: unknown[] }> = [];
  const server = await startScriptedServer((req, res, body, n) => {
    const b = JSON.parse(body);
    seen.push(b);
    if (n === 1) {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"busy"}}');
      return;
    }
    const toolRounds = b.messages.filter((m: { role: string }) => m.role === 'tool').length;
    res.writeHead(200, { 'content-type': 'application/json' });
    const message = toolRounds === 0 ? { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'search', arguments: '{"q":1}' } }] } : { role: 'assistant', content: 'done' };
    res.end(JSON.stringify({ choices: [{ index: 0, message, finish_reason: toolRounds === 0 ? 'tool_calls' : 'stop' }], usage: { prompt_tokens: 10, completion_tokens: 4 } }));
  });
  try {
    const plan = makePlan({ baseUrl: server.url, mix: [{ stream: false, agent: agent(5) }], segments: [{ from: 1, ms: 500 }], retries: { max: 2, on: ['server_error'] } });
    const { summary } = await runPlan(plan);
    assert.equal(summary.outcomes.ok, 1);
    assert.equal(seen.length, 3);
    assert.equal((seen[0].tools[0] as { function: { name: string } }).function.name, 'search');
    const last = seen[2].messages;
    assert.deepEqual(last.map((m) => m.role), ['user', 'assistant', 'tool']);
    assert.equal(last[2].tool_call_id, 'c1');
    assert.equal(summary.agent!.steps.max, 2);
    assert.equal(summary.agent!.retriesInLoop, 1);
    // tokens of both model calls are counted for the task
    assert.equal(summary.tokens.output, 8);
    assert.equal(summary.tokens.input, 20);
  } finally {
    await server.close();
  }
});

test('agents take more steps when the mock is overloaded', async () => {
  const provider: PlanProvider = {
    ...mockProvider,
    profile: 'small-gpu',
    overrides: { batchSlots: 2, queueCapacity: 8, decodeStepBaseMs: 2, decodeStepPerSeqMs: 0 },
    behaviour: { faults: [], agentSteps: { base: 3, underLoad: 4 } },
  };
  const plan = makePlan({ providers: [provider], mix: [{ stream: true, agent: agent(20), maxTokens: 4 }], segments: [{ stage: 'calm', from: 2, ms: 1000 }, { stage: 'rush', from: 60, ms: 500 }] });
  const { summary } = await runPlan(plan);
  const a = summary.agent!;
  assert.equal(a.steps.min, 4, 'a calm mock answers after 3 tool rounds');
  assert.ok(a.steps.max! > 4, `steps under load ${JSON.stringify(a.steps)}`);
  assert.ok(summary.metrics['agent.steps.growth']! > 1, `growth ${summary.metrics['agent.steps.growth']}`);
});
