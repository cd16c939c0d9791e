// Exact token counts: generated prompts are exactly their drawn size under the provider's
// tokenizer, prompt files are measured with it, answers without usage are counted with it. The
// counts are checked with the tokenizer packages themselves, not with Stampede's wrapper.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as o200k from 'gpt-tokenizer/encoding/o200k_base';
import * as cl100k from 'gpt-tokenizer/encoding/cl100k_base';
import { llama3Tokenizer } from 'llama3-tokenizer-js/bundle/commonjs-llama3-tokenizer-with-baked-data.cjs';
import { defaultTokenizer } from '../../../src/core/dialects';
import type { DialectId, PlanMixEntry, PlanProvider, TokenizerName } from '../../../src/core/plan';
import { fillerContent } from '../../../src/mock/filler-text';
import { PromptMaker, buildFillerText } from '../../../src/runner/prompt-source';
import { SeededRandom } from '../../../src/runner/seeded-random';
import { loadTokenizer } from '../../../src/tokenizers/tokenizer';
import { runPlan } from '../runner/support/collect-run';
import { makePlan } from '../runner/support/plan-fixture';

const PLAIN = { disallowedSpecial: new Set<string>() };
const reference: Record<Exclude<TokenizerName, 'approx'>, (text: string) => number> = {
  o200k_base: (t) => o200k.encode(t, PLAIN).length,
  cl100k_base: (t) => cl100k.encode(t, PLAIN).length,
  llama3: (t) => llama3Tokenizer.encode(t, { bos: false, eos: false }).length,
};

const entry = (over: Partial<PlanMixEntry> = {}): PlanMixEntry => ({
  name: 'chat',
  share: 1,
  weight: 1,
  promptTokens: { kind: 'lognormal', median: 400, p95: 1500 },
  maxTokens: 16,
  stream: true,
  provider: 'p',
  ...over,
});

function makerFor(name: TokenizerName, over: Partial<PlanMixEntry> = {}, baseDir = '.'): PromptMaker {
  const tokenizer = loadTokenizer(name);
  return new PromptMaker(entry(over), 0, baseDir, buildFillerText(new SeededRandom(7), tokenizer), tokenizer);
}

test('o200k_base: 1,000 generated prompts each encode to exactly their drawn size', () => {
  const maker = makerFor('o200k_base');
  const rng = new SeededRandom(11);
  const sizes = new Set<number>();
  for (let i = 0; i < 1000; i++) {
    const text = JSON.parse(maker.makeJson(rng)) as string;
    assert.equal(reference.o200k_base(text), maker.lastTokens, `prompt ${i}`);
    sizes.add(maker.lastTokens);
  }
  assert.ok(sizes.size > 300, `the sizes were drawn, not fixed: ${sizes.size} distinct`);
});

for (const name of ['cl100k_base', 'llama3'] as const) {
  test(`${name}: generated prompts encode to exactly their drawn size`, () => {
    const maker = makerFor(name, { promptTokens: { kind: 'uniform', min: 1, max: 3000 } });
    const rng = new SeededRandom(5);
    for (let i = 0; i < 100; i++) {
      const text = JSON.parse(maker.makeJson(rng)) as string;
      assert.equal(reference[name](text), maker.lastTokens, `prompt ${i}`);
    }
  });
}

test('prompt files and templates are measured with the tokenizer before the run, not by characters / 4', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-tok-'));
  // Text where the two counts differ a lot: code and non-English words.
  const text = 'Résumé: naïve façade — 東京の天気は？ function f(x){return x**2;} '.repeat(30);
  writeFileSync(join(dir, 'prompt.txt'), text);
  const maker = makerFor('o200k_base', { prompt: { file: 'prompt.txt' } }, dir);
  const json = maker.makeJson(new SeededRandom(1));
  assert.equal(JSON.parse(json), text);
  assert.equal(maker.lastTokens, reference.o200k_base(text));
  assert.notEqual(maker.lastTokens, Math.ceil(text.length / 4));
  const templated = makerFor('llama3', { prompt: { template: 'Ticket: {{subject}}' } });
  templated.makeJson(new SeededRandom(1));
  assert.equal(templated.lastTokens, reference.llama3('Ticket: {{subject}}'));
});

test('the default tokenizer comes from the dialect and the model name', () => {
  const cases: Array<[PlanProvider['type'], DialectId | null, string, TokenizerName]> = [
    ['openai', 'openai', 'gpt-4o-mini', 'o200k_base'],
    ['openai', 'openai-responses', 'gpt-5', 'o200k_base'],
    ['openai', 'openai', 'o3-mini', 'o200k_base'],
    ['openai', 'openai', 'gpt-4-turbo', 'cl100k_base'],
    ['openai', 'openai', 'gpt-3.5-turbo', 'cl100k_base'],
    ['openai', 'openai', 'meta-llama/Llama-3.1-8B-Instruct', 'llama3'],
    ['openai', 'openai', 'Qwen/Qwen2.5-7B-Instruct', 'approx'],
    ['anthropic', 'anthropic', 'claude-sonnet-4-5', 'approx'],
    ['gemini', 'gemini', 'gemini-2.5-flash', 'approx'],
    ['mock', 'openai', 'mock-llama-3-8b', 'approx'],
  ];
  for (const [type, dialect, model, expected] of cases) assert.equal(defaultTokenizer(type, dialect, model), expected, model);
});

for (const dialect of ['openai', 'openai-responses', 'gemini'] as const) {
  test(`${dialect}: a mock with usage switched off gives output counts equal to the tokenizer's count of the streamed text`, async () => {
    const provider: PlanProvider = { id: 'p', type: 'mock', profile: 'instant', dialect, tokenizer: 'o200k_base', overrides: { reportUsage: false }, model: 'm', headers: {}, pricing: { input: 1, cachedInput: 1, output: 1 }, maxConnections: 16 };
    const plan = makePlan({ providers: [provider], mix: [{ maxTokens: 37, promptTokens: { kind: 'fixed', tokens: 50 } }], segments: [{ from: 10, ms: 1000 }] });
    const { summary } = await runPlan(plan);
    assert.equal(summary.outcomes.ok, 10);
    // The instant mock answers every request with max_tokens pieces of its filler text.
    const perAnswer = reference.o200k_base(fillerContent(37));
    assert.equal(summary.tokens.method, 'counted');
    assert.equal(summary.tokens.output, 10 * perAnswer);
    assert.equal(summary.tokens.input, 10 * 50, 'input: the prompts as generated, exact under o200k_base');
    assert.equal(summary.providers?.[0]?.tokenizer, 'o200k_base');
    assert.equal(summary.providers?.[0]?.dialect, dialect);
  });
}

test('without usage, output tokens are the tokenizer\'s count of the text, not the number of chunks (and chunks under approx)', async () => {
  const { startScriptedServer } = await import('../runner/support/scripted-server');
  const pieces = ['Queues grow when', ' arrivals outpace service; ', 'the p99 latency explodes — ', 'Little’s law, 東京 included.'];
  const text = pieces.join('');
  const server = await startScriptedServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const p of pieces) res.write(`data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: p }, finish_reason: null }] })}\n\n`);
    res.end(`data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`);
  });
  try {
    const run = async (tokenizer: TokenizerName) => (await runPlan(makePlan({ baseUrl: server.url, provider: { tokenizer } as Partial<PlanProvider>, segments: [{ from: 4, ms: 1000 }] }))).summary;
    const exact = await run('o200k_base');
    assert.equal(exact.outcomes.ok, 4);
    assert.equal(exact.tokens.output, 4 * reference.o200k_base(text));
    assert.notEqual(reference.o200k_base(text), pieces.length);
    const approx = await run('approx');
    assert.equal(approx.tokens.output, 4 * pieces.length, 'approx keeps counting content chunks');
  } finally {
    await server.close();
  }
});
