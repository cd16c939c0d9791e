// The dialects in the scenario language: provider types and fields, their defaults, problems at
// the exact field, completion and hover from the schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeScenario } from '../../../src/core/analyze-scenario';
import { completeAt } from '../../../src/core/schema-completion';
import { hoverAt } from '../../../src/core/schema-hover';

const scenario = (providers: string, extra = '') => `name: x
providers:
${providers}
workload:
  mix:
    - { name: a }
load:
  stages:
    - { for: 1s, rate: 1/s }
${extra}`;

const problems = (text: string) => analyzeScenario(text).problems.map((p) => `${p.code} ${p.range.line}:${p.range.column} ${p.message}`);

test('anthropic and gemini providers: official base URLs, anthropic-version and tokenizer defaults', () => {
  const { plan, problems: found } = analyzeScenario(
    scenario(`  - { id: claude, type: anthropic, model: claude-sonnet-4-5, apiKey: "\${secret:K}", pricing: { input: 3, output: 15 } }
  - { id: gem, type: gemini, model: gemini-2.5-flash, apiKey: "\${env:G}", pricing: { input: 0.3, output: 2.5 } }
  - { id: resp, type: openai, api: responses, baseUrl: "https://api.openai.com/v1", model: gpt-4.1-mini, pricing: { input: 0.4, output: 1.6 } }
  - { id: llama, type: openai, baseUrl: "http://localhost:8000", model: meta-llama/Llama-3.1-8B-Instruct, pricing: { input: 0, output: 0 }, tokenizer: cl100k_base }
  - { id: m, type: mock, dialect: gemini }`),
  );
  assert.deepEqual(found.filter((p) => p.severity === 'error'), []);
  const [claude, gem, resp, llama, m] = plan!.providers;
  assert.deepEqual([claude!.type, claude!.type === 'anthropic' && claude!.baseUrl, claude!.type === 'anthropic' && claude!.apiVersion, claude!.tokenizer], ['anthropic', 'https://api.anthropic.com', '2023-06-01', 'approx']);
  assert.deepEqual([gem!.type, gem!.type === 'gemini' && gem!.baseUrl], ['gemini', 'https://generativelanguage.googleapis.com/v1beta']);
  assert.deepEqual([resp!.type === 'openai' && resp!.api, resp!.tokenizer], ['responses', 'o200k_base']);
  assert.equal(llama!.tokenizer, 'cl100k_base', 'a named tokenizer wins over the model-name default');
  assert.deepEqual([m!.type === 'mock' && m!.dialect, m!.tokenizer], ['gemini', 'approx']);
});

test('problems point at the field: a model missing, a field of another type, an unknown dialect or tokenizer', () => {
  const missing = problems(scenario('  - { id: g, type: gemini }'));
  assert.ok(missing.some((p) => /^missing-field 3:5 missing required field 'model' .*\(required for gemini providers\)/.test(p)), missing.join('\n'));
  const wrongType = problems(scenario('  - { id: c, type: anthropic, model: claude, dialect: anthropic, api: responses }'));
  assert.ok(wrongType.some((p) => /^wrong-provider-type 3:46 'dialect' applies to mock providers only \(the provider's type is its dialect\)/.test(p)), wrongType.join('\n'));
  assert.ok(wrongType.some((p) => /^wrong-provider-type 3:66 'api' applies to openai providers only/.test(p)), wrongType.join('\n'));
  const version = problems(scenario('  - { id: o, type: openai, baseUrl: "http://x", model: m, apiVersion: "2023-06-01" }'));
  assert.ok(version.some((p) => /^wrong-provider-type .* 'apiVersion' applies to anthropic providers only/.test(p)), version.join('\n'));
  const badEnums = problems(scenario('  - { id: m, type: mock, dialect: bedrock, tokenizer: gpt2 }'));
  assert.ok(badEnums.some((p) => /3:35 .*bedrock/.test(p)), badEnums.join('\n'));
  assert.ok(badEnums.some((p) => /3:55 .*gpt2/.test(p)), badEnums.join('\n'));
});

test('retries and failover take overloaded, 529, and 5xx for both server errors and overload', () => {
  const { plan } = analyzeScenario(
    scenario('  - { id: a, type: mock }\n  - { id: b, type: mock, dialect: anthropic }', `resilience:
  retries: { max: 2, on: [529] }
  failover: { on: [5xx, timeout] }
`),
  );
  assert.deepEqual(plan!.resilience.retries.on, ['overloaded']);
  assert.deepEqual(plan!.resilience.failover!.on, ['server_error', 'overloaded', 'timeout']);
});

test('completion offers the dialect, api and tokenizer values; hover explains the tokenizer', () => {
  const text = scenario('  - id: m\n    type: mock\n    dialect: \n  - id: o\n    type: openai\n    api: \n    tokenizer: ');
  const valuesAt = (needle: string) => completeAt(text, text.indexOf(needle) + needle.length).map((e) => e.label);
  assert.deepEqual(valuesAt('dialect: ').sort(), ['anthropic', 'gemini', 'openai', 'openai-responses']);
  assert.deepEqual(valuesAt('api: ').sort(), ['chat', 'responses']);
  assert.deepEqual(valuesAt('tokenizer: ').sort(), ['approx', 'cl100k_base', 'llama3', 'o200k_base']);
  const snippets = completeAt('name: x\nproviders:\n  - \n', 'name: x\nproviders:\n  - '.length).map((e) => e.label);
  for (const label of ['provider: Anthropic', 'provider: Gemini', 'provider: OpenAI Responses API']) assert.ok(snippets.includes(label), `${label} in ${snippets.join(', ')}`);
  const hover = hoverAt(text, text.indexOf('tokenizer') + 2);
  assert.match(hover?.markdown ?? '', /o200k_base.*GPT-4o/s);
});
