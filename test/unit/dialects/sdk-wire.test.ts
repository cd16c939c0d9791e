// The official SDKs judge the mock's wire formats: each streams from the mock and must read the
// same text, usage (cached tokens included) and tool calls as Stampede's runner reads from an
// identical mock (same seed, same requests in the same order). If an SDK rejects a stream, the
// mock is wrong; if the readings differ, the runner's dialect module is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import type { DialectId } from '../../../src/core/plan';
import { startMockServer, type MockServer } from '../../../src/mock/mock-server';
import { askWithRunner, type AskSpec } from './runner-read';

interface Reading {
  text: string;
  usage: { input: number; output: number; cached: number };
  toolCalls: Array<{ id: string; name: string; arguments: unknown }>;
}

const PROMPT = 'Summarise the status of order 42 for the customer, politely and in two sentences. '.repeat(6);
const SYSTEM = 'You are the support assistant of Acme.';
const MODEL = 'mock-model';

/** The three calls each client makes: a text answer, the same again (now cached), a tool call. */
const CALLS: AskSpec[] = [
  { model: MODEL, system: SYSTEM, prompt: PROMPT, maxTokens: 12, stream: true },
  { model: MODEL, system: SYSTEM, prompt: PROMPT, maxTokens: 12, stream: true },
  { model: MODEL, system: SYSTEM, prompt: PROMPT, maxTokens: 40, stream: true, tools: ['search_kb', 'create_ticket'] },
];

const toolDecl = (name: string) => ({ name, description: `Simulated tool ${name}` });
const schema = { type: 'object' as const, properties: { query: { type: 'string' as const } } };

async function withSdk(dialect: DialectId, mock: MockServer, spec: AskSpec): Promise<Reading> {
  switch (dialect) {
    case 'openai': {
      const client = new OpenAI({ apiKey: 'k', baseURL: `${mock.url}/v1`, maxRetries: 0 });
      const stream = await client.chat.completions.create({
        model: spec.model,
        messages: [{ role: 'system', content: spec.system! }, { role: 'user', content: spec.prompt }],
        max_tokens: spec.maxTokens,
        stream: true,
        stream_options: { include_usage: true },
        ...(spec.tools ? { tools: spec.tools.map((n) => ({ type: 'function' as const, function: { ...toolDecl(n), parameters: schema } })) } : {}),
      });
      let text = '';
      let usage = { input: -1, output: -1, cached: -1 };
      const calls = new Map<number, { id: string; name: string; arguments: string }>();
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta;
        text += delta?.content ?? '';
        for (const tc of delta?.tool_calls ?? []) {
          const c = calls.get(tc.index) ?? { id: '', name: '', arguments: '' };
          if (tc.id) c.id = tc.id;
          c.name += tc.function?.name ?? '';
          c.arguments += tc.function?.arguments ?? '';
          calls.set(tc.index, c);
        }
        if (chunk.usage) usage = { input: chunk.usage.prompt_tokens, output: chunk.usage.completion_tokens, cached: chunk.usage.prompt_tokens_details?.cached_tokens ?? 0 };
      }
      return { text, usage, toolCalls: [...calls.values()].map((c) => ({ ...c, arguments: JSON.parse(c.arguments) })) };
    }
    case 'openai-responses': {
      const client = new OpenAI({ apiKey: 'k', baseURL: `${mock.url}/v1`, maxRetries: 0 });
      const stream = client.responses.stream({
        model: spec.model,
        instructions: spec.system,
        input: [{ role: 'user', content: spec.prompt }],
        max_output_tokens: spec.maxTokens,
        store: false,
        ...(spec.tools ? { tools: spec.tools.map((n) => ({ type: 'function' as const, ...toolDecl(n), parameters: schema, strict: false })) } : {}),
      });
      for await (const _event of stream) {
        // the SDK accumulates the response from the events
      }
      const r = await stream.finalResponse();
      const toolCalls = r.output.flatMap((item) => (item.type === 'function_call' ? [{ id: item.call_id, name: item.name, arguments: JSON.parse(item.arguments) as unknown }] : []));
      return { text: r.output_text, usage: { input: r.usage!.input_tokens, output: r.usage!.output_tokens, cached: r.usage!.input_tokens_details.cached_tokens }, toolCalls };
    }
    case 'anthropic': {
      const client = new Anthropic({ apiKey: 'k', baseURL: mock.url, maxRetries: 0 });
      const stream = client.messages.stream({
        model: spec.model,
        system: spec.system,
        max_tokens: spec.maxTokens,
        messages: [{ role: 'user', content: spec.prompt }],
        ...(spec.tools ? { tools: spec.tools.map((n) => ({ ...toolDecl(n), input_schema: schema })) } : {}),
      });
      const m = await stream.finalMessage();
      const text = m.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
      const u = m.usage;
      const cached = u.cache_read_input_tokens ?? 0;
      const toolCalls = m.content.flatMap((b) => (b.type === 'tool_use' ? [{ id: b.id, name: b.name, arguments: b.input }] : []));
      return { text, usage: { input: u.input_tokens + cached + (u.cache_creation_input_tokens ?? 0), output: u.output_tokens, cached }, toolCalls };
    }
    case 'gemini': {
      const client = new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: mock.url } });
      const stream = await client.models.generateContentStream({
        model: spec.model,
        contents: [{ role: 'user', parts: [{ text: spec.prompt }] }],
        config: {
          systemInstruction: spec.system,
          maxOutputTokens: spec.maxTokens,
          ...(spec.tools ? { tools: [{ functionDeclarations: spec.tools.map((n) => ({ ...toolDecl(n), parameters: schema as never })) }] } : {}),
        },
      });
      let text = '';
      let usage = { input: -1, output: -1, cached: -1 };
      const toolCalls: Reading['toolCalls'] = [];
      for await (const chunk of stream) {
        text += chunk.text ?? '';
        for (const fc of chunk.functionCalls ?? []) toolCalls.push({ id: fc.id ?? '', name: fc.name ?? '', arguments: fc.args });
        const u = chunk.usageMetadata;
        if (u) usage = { input: u.promptTokenCount ?? -1, output: u.candidatesTokenCount ?? -1, cached: u.cachedContentTokenCount ?? 0 };
      }
      return { text, usage, toolCalls };
    }
  }
}

async function withRunner(dialect: DialectId, mock: MockServer, spec: AskSpec): Promise<Reading> {
  const a = await askWithRunner(mock.url, dialect, spec);
  assert.equal(a.outcome, 'ok', `${dialect}: ${a.detail}`);
  return { text: a.text, usage: a.usage, toolCalls: a.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: JSON.parse(c.arguments) as unknown })) };
}

const mockOptions = { profile: 'instant' as const, seed: 42 };

for (const dialect of ['openai', 'openai-responses', 'anthropic', 'gemini'] as const) {
  test(`${dialect}: the official SDK and Stampede's runner read the same text, usage (cached included) and tool calls from the mock`, async () => {
    const [forSdk, forRunner] = await Promise.all([startMockServer(mockOptions), startMockServer(mockOptions)]);
    try {
      const sdk: Reading[] = [];
      const runner: Reading[] = [];
      for (const spec of CALLS) {
        sdk.push(await withSdk(dialect, forSdk, spec));
        runner.push(await withRunner(dialect, forRunner, spec));
      }
      assert.deepEqual(runner, sdk);
      // And what they read is what the mock meant to say.
      const [first, second, tools] = sdk;
      assert.match(first!.text, /^The load test keeps/);
      assert.equal(first!.usage.output, 12);
      assert.ok(first!.usage.input > 100, `input ${first!.usage.input}`);
      assert.equal(first!.usage.cached, 0);
      assert.equal(second!.usage.input, first!.usage.input);
      assert.ok(second!.usage.cached >= 96, `a repeated prompt is served from the prefix cache: cached ${second!.usage.cached}`);
      assert.equal(tools!.toolCalls.length, 1);
      assert.equal(tools!.toolCalls[0]!.name, 'search_kb');
      assert.deepEqual(tools!.toolCalls[0]!.arguments, { step: 1, query: 'look up part 1 of the answer' });
      assert.equal(tools!.text, '');
    } finally {
      await Promise.all([forSdk.close(), forRunner.close()]);
    }
  });
}
