// A replay against providers that speak Anthropic Messages, Gemini and the OpenAI Responses API:
// each request goes out in its route's dialect with the prompt size and max output tokens its
// trace recorded (the dialects prebuild one body per mix entry, at the entry's maxTokens), also
// when a failed attempt moves to another provider in another dialect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeScenario } from '../../../src/core/analyze-scenario';
import { runPlan } from '../runner/support/collect-run';
import { startScriptedServer } from '../runner/support/scripted-server';

interface Sent {
  path: string;
  maxTokens: number;
  promptWords: number;
}

const ANSWERS: Record<string, string> = {
  '/v1/messages': JSON.stringify({ id: 'msg_1', type: 'message', role: 'assistant', model: 'claude', content: [{ type: 'text', text: 'ok' }], stop_reason: 'end_turn', usage: { input_tokens: 3, output_tokens: 1 } }),
  '/v1beta/models/gemini-x:generateContent': JSON.stringify({ candidates: [{ content: { parts: [{ text: 'ok' }], role: 'model' }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, totalTokenCount: 4 } }),
  '/v1/responses': JSON.stringify({ id: 'resp_1', object: 'response', status: 'completed', output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'ok' }] }], usage: { input_tokens: 3, output_tokens: 1, input_tokens_details: { cached_tokens: 0 } } }),
};

/** The max output tokens and the user prompt's word count of a body, read the dialect's way. */
function read(path: string, text: string): Sent {
  const body = JSON.parse(text) as Record<string, any>;
  if (path === '/v1/messages') return { path, maxTokens: body.max_tokens, promptWords: words(body.messages[0].content) };
  if (path === '/v1/responses') return { path, maxTokens: body.max_output_tokens, promptWords: words(body.input.find((i: { role: string }) => i.role === 'user').content) };
  return { path, maxTokens: body.generationConfig.maxOutputTokens, promptWords: words(body.contents[0].parts[0].text) };
}

const words = (text: string) => text.split(' ').length;

function traceDir(rows: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-replay-dialects-'));
  writeFileSync(join(dir, 'log.csv'), ['ts,route,in,out', ...rows].join('\n') + '\n');
  return dir;
}

function planOf(yaml: string) {
  const { plan, problems } = analyzeScenario(yaml);
  assert.deepEqual(problems.filter((p) => p.severity === 'error'), []);
  assert.ok(plan);
  return plan;
}

test('replay through Anthropic, Gemini and Responses providers sends each request its recorded prompt size and max output tokens', async () => {
  const sent: Sent[] = [];
  const server = await startScriptedServer((req, res, body) => {
    const path = (req.url ?? '').split('?')[0]!;
    if (ANSWERS[path]) sent.push(read(path, body));
    res.writeHead(ANSWERS[path] ? 200 : 404, { 'content-type': 'application/json' });
    res.end(ANSWERS[path] ?? '{}');
  });
  try {
    const routes = ['claude', 'gemini', 'responses'];
    const recorded = Array.from({ length: 30 }, (_, i) => ({ route: routes[i % 3]!, in: 40 + 7 * i, out: 5 + 3 * i }));
    const dir = traceDir(recorded.map((r, i) => `${1_740_000_000 + i * 0.02},${r.route},${r.in},${r.out}`));
    const plan = planOf(`
name: replay in three dialects
providers:
  - { id: a, type: anthropic, baseUrl: "${server.url}", apiKey: k, model: claude }
  - { id: g, type: gemini, baseUrl: "${server.url}/v1beta", apiKey: k, model: gemini-x }
  - { id: r, type: openai, api: responses, baseUrl: "${server.url}/v1", apiKey: k, model: gpt-4.1 }
workload:
  stream: false
  mix:
    - { name: claude, provider: a, maxTokens: 64, system: "You are terse." }
    - { name: gemini, provider: g, maxTokens: 64 }
    - { name: responses, provider: r, maxTokens: 64 }
load:
  model: replay
  trace: { file: log.csv, columns: { time: ts, route: route, promptTokens: in, outputTokens: out } }
`);
    const { summary } = await runPlan(plan, { baseDir: dir });
    assert.equal(summary.outcomes.ok, 30, JSON.stringify(summary.outcomes));
    const pathOf: Record<string, string> = { claude: '/v1/messages', gemini: '/v1beta/models/gemini-x:generateContent', responses: '/v1/responses' };
    for (const route of routes) {
      const want = recorded.filter((r) => r.route === route).map((r) => ({ path: pathOf[route], maxTokens: r.out, promptWords: r.in }));
      const got = sent.filter((s) => s.path === pathOf[route]).sort((x, y) => x.maxTokens - y.maxTokens);
      assert.deepEqual(got, want, `${route}: the recorded sizes, not the entry's maxTokens 64`);
    }
  } finally {
    await server.close();
  }
});

test('replay: an attempt that fails over from Anthropic to Gemini keeps the recorded max output tokens', async () => {
  const sent: Sent[] = [];
  const server = await startScriptedServer((req, res, body) => {
    const path = (req.url ?? '').split('?')[0]!;
    if (path === '/v1/messages') {
      res.writeHead(529, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
      return;
    }
    if (ANSWERS[path]) sent.push(read(path, body));
    res.writeHead(ANSWERS[path] ? 200 : 404, { 'content-type': 'application/json' });
    res.end(ANSWERS[path] ?? '{}');
  });
  try {
    const recorded = Array.from({ length: 8 }, (_, i) => ({ in: 30 + i, out: 11 + 5 * i }));
    const dir = traceDir(recorded.map((r, i) => `${1_740_000_000 + i * 0.05},chat,${r.in},${r.out}`));
    const plan = planOf(`
name: replay with failover
providers:
  - { id: a, type: anthropic, baseUrl: "${server.url}", apiKey: k, model: claude }
  - { id: g, type: gemini, baseUrl: "${server.url}/v1beta", apiKey: k, model: gemini-x }
resilience:
  retries: { max: 3, backoff: constant, base: 10ms, jitter: none, respectRetryAfter: false, on: [overloaded] }
  failover: { on: [overloaded], failureThreshold: 1, cooldown: 60s, halfOpenProbes: 1 }
workload:
  stream: false
  mix:
    - { name: chat, provider: a, maxTokens: 64 }
load:
  model: replay
  trace: { file: log.csv, columns: { time: ts, route: route, promptTokens: in, outputTokens: out } }
`);
    const { summary } = await runPlan(plan, { baseDir: dir });
    assert.equal(summary.outcomes.ok, 8, JSON.stringify(summary.outcomes));
    const got = sent.map((s) => s.maxTokens).sort((x, y) => x - y);
    assert.deepEqual(got, recorded.map((r) => r.out), 'Gemini got the recorded sizes, not the entry maxTokens 64');
    assert.deepEqual(sent.map((s) => s.promptWords).sort((x, y) => x - y), recorded.map((r) => r.in));
  } finally {
    await server.close();
  }
});
