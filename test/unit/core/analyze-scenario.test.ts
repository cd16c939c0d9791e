import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeScenario } from '../../../src/core/analyze-scenario';
import { resolveScenario } from '../../../src/core/resolve-scenario';
import type { Problem } from '../../../src/core/problem';

const at = (p: Problem) => `${p.code} ${p.range.line}:${p.range.column}-${p.range.endLine}:${p.range.endColumn}`;

const minimal = `name: minimal
workload:
  mix:
    - { name: chat }
load:
  stages:
    - { for: 10s, rate: 2/s }
`;

test('a minimal scenario is fully defaulted', () => {
  const { problems, plan } = analyzeScenario(minimal, { fileName: 'minimal.stampede.yaml' });
  assert.deepEqual(problems, []);
  assert.ok(plan);
  assert.equal(plan.sourcePath, 'minimal.stampede.yaml');
  assert.equal(plan.seed, 1);
  assert.deepEqual(plan.providers, [
    { id: 'mock', type: 'mock', profile: 'small-gpu', dialect: 'openai', model: 'mock-llama-3-8b', headers: {}, pricing: { input: 0.15, cachedInput: 0.075, output: 0.6 }, maxConnections: 1000, maxConnectionsFromPlan: true, tokenizer: 'approx', overrides: {} },
  ]);
  assert.deepEqual(plan.workload.mix, [
    { name: 'chat', weight: 1, share: 1, promptTokens: { kind: 'lognormal', median: 400, p95: 1500 }, maxTokens: 256, stream: true, provider: 'mock' },
  ]);
  assert.deepEqual(plan.workload.cancellations, { fraction: 0, afterMinMs: 1000, afterMaxMs: 2000 });
  assert.deepEqual(plan.resilience, {
    timeouts: { ttftMs: 10_000, totalMs: 120_000 },
    retries: { max: 0, backoff: 'exponential', baseMs: 250, capMs: 10_000, jitter: 'full', respectRetryAfter: true, on: ['rate_limited', 'overloaded', 'server_error'] },
  });
  assert.equal(plan.budget, undefined);
  assert.deepEqual(plan.thresholds, []);
});

test('an openai provider keeps references unresolved; a literal key is a warning', () => {
  const text = `name: openai
providers:
  - id: primary
    type: openai
    baseUrl: \${env:OPENAI_BASE_URL}
    apiKey: sk-live-123456
    model: \${env:MODEL}
    headers: { x-team: search, Authorization: "\${secret:TOKEN}" }
    pricing: { input: 0.15, output: 0.6 }
workload:
  mix:
    - { name: chat }
load:
  stages:
    - { for: 10s, rate: 2/s }
budget: { maxCostUsd: $5 }
thresholds:
  - { expr: "ttft.p95 < 1.5s", abortOnFail: true }
`;
  const { problems, plan } = analyzeScenario(text);
  assert.deepEqual(problems.map(at), ['literal-secret 6:13-6:27']);
  assert.equal(problems[0].severity, 'warning');
  assert.ok(plan, 'warnings do not block the plan');
  const provider = plan.providers[0];
  assert.equal(provider.type, 'openai');
  assert.equal(provider.type === 'openai' && provider.baseUrl, '${env:OPENAI_BASE_URL}');
  assert.equal(provider.model, '${env:MODEL}');
  assert.deepEqual(provider.pricing, { input: 0.15, cachedInput: 0.15, output: 0.6 });
  assert.deepEqual(plan.budget, { maxCostUsd: 5, onExceed: 'abort' });
  assert.deepEqual(plan.thresholds[0], {
    id: 't0',
    source: 'ttft.p95 < 1.5s',
    metric: 'ttft.p95',
    op: '<',
    value: 1500,
    abortOnFail: true,
    range: { line: 18, column: 13, endLine: 18, endColumn: 30 },
  });
});

test('an openai provider without pricing gets a warning, not an error', () => {
  const text = minimal.replace('workload:', 'providers:\n  - { id: p, type: openai, baseUrl: "http://127.0.0.1:8000/v1", model: m }\nworkload:');
  const { problems, plan } = analyzeScenario(text);
  assert.deepEqual(problems.map((p) => [p.severity, p.code]), [['warning', 'no-pricing']]);
  assert.ok(plan);
});

test('the issue example: a misspelled field, a bad threshold and a bad duration, each at its place', () => {
  const text = `name: three mistakes
workload:
  mix:
    - { name: chat }
load:
  stages:
    - { for: 10s, rate: 2/s }
    - { for: 10 minutes, rampTo: 3x }
  maxInFligth: 10
thresholds:
  - ttft.p95 < 1.5s
  - errors.rate <> 1%
`;
  const { problems, plan } = analyzeScenario(text);
  assert.equal(plan, null);
  assert.deepEqual(problems.map(at), ['bad-duration 8:14-8:24', 'unknown-field 9:3-9:14', 'threshold-operator 12:17-12:19']);
  assert.match(problems[1].message, /unknown field 'maxInFligth' — did you mean 'maxInFlight'\?/);
  assert.equal(problems[1].path, 'load.maxInFligth');
  assert.equal(problems[0].path, 'load.stages[1].for');
});

test('weights are normalized into shares; a mix entry can name another provider', () => {
  const text = `name: shares
providers:
  - { id: a, type: mock }
  - { id: b, type: mock, profile: instant, overrides: { batchSlots: 4 } }
workload:
  stream: false
  mix:
    - { name: x, weight: 3 }
    - { name: y, weight: 1, provider: b, stream: true }
    - { name: z, weight: 0 }
load:
  stages:
    - { for: 10s, rate: 2/s }
`;
  const { problems, plan } = analyzeScenario(text);
  assert.deepEqual(problems, []);
  assert.deepEqual(plan?.workload.mix.map((m) => [m.name, m.share, m.provider, m.stream]), [['x', 0.75, 'a', false], ['y', 0.25, 'b', true], ['z', 0, 'a', false]]);
  assert.deepEqual(plan?.providers[1].type === 'mock' && plan.providers[1].overrides, { batchSlots: 4 });
});

test('prompt-size distributions', () => {
  const text = minimal.replace('    - { name: chat }', `    - { name: a, promptTokens: 500 }
    - { name: b, promptTokens: { mean: 800, stddev: 100 } }
    - { name: c, promptTokens: { min: 100, max: 200 } }`);
  const { plan } = analyzeScenario(text);
  assert.deepEqual(plan?.workload.mix.map((m) => m.promptTokens), [
    { kind: 'fixed', tokens: 500 },
    { kind: 'normal', mean: 800, stddev: 100 },
    { kind: 'uniform', min: 100, max: 200 },
  ]);
});

test('secrets and env references are checked wherever they appear', () => {
  const text = minimal.replace('name: minimal', 'name: minimal\ndescription: costs ${env:HOME} dollars');
  const { problems } = analyzeScenario(text);
  assert.deepEqual(problems.map(at), ['env-not-allowed 2:20-2:31']);
  const headerSecret = analyzeScenario(minimal.replace('workload:', 'providers:\n  - { id: p, type: mock, headers: { x-key: "${secret:K}" } }\nworkload:'));
  assert.deepEqual(headerSecret.problems, []);
  const templateDollar = analyzeScenario(minimal.replace('{ name: chat }', '{ name: chat, prompt: { template: "Fix this JS: `${foo}`" } }'));
  assert.deepEqual(templateDollar.problems, []);
  const templateSecret = analyzeScenario(minimal.replace('{ name: chat }', '{ name: chat, system: "key is ${secret:K}" }'));
  assert.deepEqual(templateSecret.problems.map((p) => p.code), ['secret-not-allowed']);
});

test('a scalar or a list is not a scenario', () => {
  assert.deepEqual(analyzeScenario('just some words').problems.map((p) => p.code), ['wrong-type']);
  assert.deepEqual(analyzeScenario('[1, 2]').problems.map((p) => p.code), ['wrong-type']);
});

test('missing sections are reported at the top', () => {
  const { problems } = analyzeScenario('name: nothing else\n');
  assert.deepEqual(problems.map((p) => [p.code, p.path, p.range.line]), [['missing-field', 'workload', 1], ['missing-field', 'load', 1]]);
});

test('resolveScenario works without source positions', () => {
  const { plan, problems } = resolveScenario({ name: 'code', workload: { mix: [{ name: 'a' }] }, load: { stages: [{ for: '1s', rate: '1/s' }] } });
  assert.deepEqual(problems, []);
  assert.equal(plan?.load.durationMs, 1000);
  const broken = resolveScenario({ name: 'code', workload: { mix: [{ name: 'a' }] }, load: { stages: [{ for: '1s', rampTo: '1/s' }] } });
  assert.equal(broken.plan, null);
  assert.deepEqual(broken.problems.map((p) => [p.code, p.path, p.range.line]), [['ramp-from-nothing', 'load.stages[0].rampTo', 1]]);
});

test('problems never echo a credential, even a mistyped one', () => {
  const text = minimal.replace(
    'workload:',
    'providers:\n  - { id: p, type: openai, baseUrl: "https://user:hunter2@example.com/v1?key=777", model: m, apiKey: 123456789, headers: { Authorization: 99999 }, pricing: { input: 1, output: 1 } }\nworkload:',
  );
  const { problems } = analyzeScenario(text);
  assert.deepEqual(problems.map((p) => p.code), ['wrong-type', 'wrong-type']);
  for (const secret of ['123456789', '99999', 'hunter2', '777']) {
    assert.equal(problems.some((p) => p.message.includes(secret)), false, secret);
  }
});
