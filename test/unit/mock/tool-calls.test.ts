import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startMockServer } from '../../../src/mock/mock-server';
import { postChat, streamChat, userPrompt, waitFor } from './mock-client';

const TOOLS = [
  { type: 'function', function: { name: 'search', parameters: { type: 'object', properties: {} } } },
  { type: 'function', function: { name: 'fetch_page', parameters: { type: 'object', properties: {} } } },
];

interface ToolCall {
  id: string;
  type: string;
  function: { name: string; arguments: string };
}

/** Drives an OpenAI tool-call loop the way an agent does; returns the steps it took. */
async function runAgent(url: string, maxSteps = 10): Promise<{ toolCalls: ToolCall[]; stepHeaders: string[]; final: string }> {
  const messages: Array<Record<string, unknown>> = [{ role: 'user', content: 'plan a trip' }];
  const toolCalls: ToolCall[] = [];
  const stepHeaders: string[] = [];
  for (let step = 0; step < maxSteps; step++) {
    const res = await postChat(url, { model: 'agent-model', messages, tools: TOOLS, max_tokens: 12 });
    assert.equal(res.status, 200);
    stepHeaders.push(String(res.headers['x-agent-step']));
    const choice = JSON.parse(res.text).choices[0];
    if (choice.finish_reason !== 'tool_calls') return { toolCalls, stepHeaders, final: choice.message.content };
    assert.equal(choice.message.content, null);
    const call = choice.message.tool_calls[0] as ToolCall;
    toolCalls.push(call);
    messages.push(choice.message);
    messages.push({ role: 'tool', tool_call_id: call.id, content: 'result of ' + call.function.name });
  }
  throw new Error('the agent never got a final answer');
}

test('with tools the mock answers tool calls until the conversation holds base results, then a final answer', async () => {
  const mock = await startMockServer({ port: 0, profile: 'instant', behaviour: { faults: [], agentSteps: { base: 3, underLoad: 5 } } });
  try {
    const { toolCalls, stepHeaders, final } = await runAgent(mock.url);
    assert.equal(toolCalls.length, 3);
    assert.deepEqual(stepHeaders, ['1', '2', '3', '4']);
    assert.deepEqual(toolCalls.map((c) => c.function.name), ['search', 'fetch_page', 'search'], 'tools taken in turn');
    for (const call of toolCalls) {
      assert.equal(call.type, 'function');
      assert.match(call.id, /^call_/);
      assert.equal(typeof JSON.parse(call.function.arguments).step, 'number');
    }
    assert.equal(new Set(toolCalls.map((c) => c.id)).size, 3, 'call ids are unique');
    assert.ok(final.length > 0);
    assert.equal(mock.counters().toolCallResponses, 3);
  } finally {
    await mock.close();
  }
});

test('a streamed tool call arrives as delta.tool_calls chunks with finish_reason tool_calls', async () => {
  const mock = await startMockServer({ port: 0, profile: 'instant' });
  try {
    const result = await streamChat(mock.url, { model: 'm', messages: [{ role: 'user', content: 'go' }], tools: TOOLS, stream_options: { include_usage: true } });
    assert.equal(result.status, 200);
    assert.equal(result.headers['x-agent-step'], '1');
    assert.equal(result.tokens.length, 0, 'no content deltas');
    const chunks = result.events.filter((e) => e !== '[DONE]').map((e) => JSON.parse(e));
    const deltas = chunks.filter((c) => c.choices.length > 0).map((c) => c.choices[0]);
    assert.equal(deltas[0].delta.role, 'assistant');
    const pieces = deltas.filter((d) => d.delta.tool_calls).map((d) => d.delta.tool_calls[0]);
    assert.ok(pieces.length > 1, 'the arguments stream in pieces');
    assert.equal(pieces[0].id.startsWith('call_'), true);
    assert.equal(pieces[0].function.name, 'search');
    const args = pieces.map((p) => p.function.arguments).join('');
    assert.equal(JSON.parse(args).step, 1);
    assert.equal(deltas.at(-1).finish_reason, 'tool_calls');
    assert.equal(chunks.at(-1).usage.completion_tokens, pieces.length);
    assert.equal(result.events.at(-1), '[DONE]');
  } finally {
    await mock.close();
  }
});

test('under load the agent takes more steps: round(underLoad x waiting / queue capacity) extra', async () => {
  const mock = await startMockServer({
    port: 0,
    profile: 'small-gpu',
    overrides: { batchSlots: 1, queueCapacity: 8, decodeStepBaseMs: 2, decodeStepPerSeqMs: 0, fullLengthShare: 1 },
    behaviour: { faults: [], agentSteps: { base: 1, underLoad: 4 } },
  });
  try {
    const oneResult = {
      model: 'agent-model',
      tools: TOOLS,
      max_tokens: 4,
      messages: [
        { role: 'user', content: 'plan a trip' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'search', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'found it' },
      ],
    };
    const idle = JSON.parse((await postChat(mock.url, oneResult)).text).choices[0];
    assert.equal(idle.finish_reason, 'length', 'one result is enough when idle');

    // Hold the single slot and fill half the queue: pressure 0.5, two extra steps.
    const held: Array<Promise<unknown>> = [];
    const holders: Array<ReturnType<typeof request>> = [];
    for (let i = 0; i < 5; i++) {
      const req = request(mock.url + '/v1/chat/completions', { method: 'POST', agent: false });
      req.on('error', () => undefined);
      held.push(new Promise((resolve) => req.on('close', resolve)));
      req.end(JSON.stringify(userPrompt(`filler ${i}`, 2000)));
      holders.push(req);
    }
    assert.ok(await waitFor(() => mock.counters().running === 1 && mock.counters().waiting === 4));
    const busy = postChat(mock.url, oneResult);
    // Let the agent's request be queued and then free the slot holders.
    assert.ok(await waitFor(() => mock.counters().waiting === 5));
    for (const req of holders) req.destroy();
    const loaded = await busy;
    assert.equal(loaded.headers['x-agent-step'], '2');
    assert.equal(JSON.parse(loaded.text).choices[0].finish_reason, 'tool_calls', 'under load it asks for another tool');
    await Promise.all(held);
  } finally {
    await mock.close();
  }
});

test('tool_choice none and a malformed tools array', async () => {
  const mock = await startMockServer({ port: 0, profile: 'instant' });
  try {
    const none = await postChat(mock.url, { messages: [{ role: 'user', content: 'x' }], tools: TOOLS, tool_choice: 'none', max_tokens: 2 });
    assert.equal(JSON.parse(none.text).choices[0].finish_reason, 'length');
    assert.equal(none.headers['x-agent-step'], undefined);
    const bad = await postChat(mock.url, { messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function' }] });
    assert.equal(bad.status, 400);
    assert.match(JSON.parse(bad.text).error.message, /tools\[0\]\.function\.name/);
  } finally {
    await mock.close();
  }
});

test('leakOnDisconnect in the behaviour leaks even when the profile does not', async () => {
  const overrides = { batchSlots: 1, queueCapacity: 10, decodeStepBaseMs: 10, decodeStepPerSeqMs: 0, fullLengthShare: 1, prefixCache: false };
  const leaky = await startMockServer({ port: 0, profile: 'small-gpu', overrides, behaviour: { faults: [], leakOnDisconnect: true } });
  try {
    await streamChat(leaky.url, userPrompt('leak me', 30), 3);
    assert.ok(await waitFor(() => leaky.counters().leakedGenerations === 1));
    assert.equal(leaky.counters().stoppedOnDisconnect, 0);
  } finally {
    await leaky.close();
  }
  const tidy = await startMockServer({ port: 0, profile: 'small-gpu', overrides, behaviour: { faults: [], leakOnDisconnect: false } });
  try {
    await streamChat(tidy.url, userPrompt('stop me', 30), 3);
    assert.ok(await waitFor(() => tidy.counters().stoppedOnDisconnect === 1));
    assert.equal(tidy.counters().leakedGenerations, 0);
  } finally {
    await tidy.close();
  }
});
