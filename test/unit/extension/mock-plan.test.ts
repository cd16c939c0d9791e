import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planAgainstMock, targetsRealProviders } from '../../../src/extension/mock-plan';
import { secretNames } from '../../../src/extension/secret-names';
import { analyzeScenario } from '../../../src/core/analyze-scenario';

const TEXT = `name: x
providers:
  - { id: live, type: openai, baseUrl: "\${env:BASE}", model: gpt, apiKey: "\${secret:KEY}", headers: { x-team: "\${secret:TEAM}" }, pricing: { input: 1, output: 2 } }
  - { id: spare, type: mock, profile: h100-8b }
workload:
  mix:
    - { name: a, provider: live }
load:
  stages:
    - { for: 1s, rate: 1/s }
`;

test('run against mock swaps real providers, keeping ids and prices, and drops credentials', () => {
  const { plan } = analyzeScenario(TEXT);
  assert.ok(plan);
  assert.equal(targetsRealProviders(plan), true);
  assert.deepEqual(secretNames(plan).sort(), ['KEY', 'TEAM']);
  const mocked = planAgainstMock(plan);
  assert.equal(targetsRealProviders(mocked), false);
  assert.deepEqual(mocked.providers.map((p) => [p.id, p.type]), [['live', 'mock'], ['spare', 'mock']]);
  assert.deepEqual(mocked.providers[0].pricing, plan.providers[0].pricing);
  assert.equal(mocked.providers[1], plan.providers[1]);
  assert.deepEqual(secretNames(mocked), [], 'a mock run must not ask for secrets');
  assert.equal(plan.providers[0].type, 'openai', 'the original plan is not changed');
});

test('run against mock keeps each provider\'s dialect and tokenizer', () => {
  const { plan } = analyzeScenario(`name: x
providers:
  - { id: claude, type: anthropic, model: claude-sonnet-4-5, apiKey: "\${secret:ANTHROPIC_API_KEY}", pricing: { input: 3, output: 15 } }
  - { id: gem, type: gemini, model: gemini-2.5-flash, pricing: { input: 0.3, output: 2.5 } }
  - { id: resp, type: openai, api: responses, baseUrl: "https://api.openai.com/v1", model: gpt-4.1, pricing: { input: 2, output: 8 } }
workload:
  mix:
    - { name: a, provider: claude }
load:
  stages:
    - { for: 1s, rate: 1/s }
`);
  assert.ok(plan);
  const mocked = planAgainstMock(plan).providers.map((p) => (p.type === 'mock' ? [p.id, p.dialect, p.tokenizer] : []));
  assert.deepEqual(mocked, [['claude', 'anthropic', 'approx'], ['gem', 'gemini', 'approx'], ['resp', 'openai-responses', 'o200k_base']]);
});
