import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import Ajv from 'ajv';
import { analyzeScenario } from '../../../src/core/analyze-scenario';
import type { Problem } from '../../../src/core/problem';
import type { ResolvedPlan } from '../../../src/core/plan';

const validDir = join(import.meta.dirname, '../../fixtures/scenarios/valid');
const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../../../media/stampede.schema.json'), 'utf8'));
const at = (p: Problem) => `${p.severity} ${p.code} ${p.range.line}:${p.range.column}`;

function planOf(file: string): ResolvedPlan {
  const { plan, problems } = analyzeScenario(readFileSync(join(validDir, file), 'utf8'), { fileName: file });
  assert.deepEqual(problems, [], file);
  assert.ok(plan, file);
  return plan;
}

function scenario(extra: string, load = 'load:\n  stages:\n    - { for: 60s, rate: 2/s }\n'): string {
  return `name: t\nworkload:\n  mix:\n    - { name: chat }\n${load}${extra}`;
}

test('every valid issue-4 fixture validates clean, and the schema alone accepts it', () => {
  const files = readdirSync(validDir).filter((f) => f.endsWith('.stampede.yaml'));
  assert.ok(files.length >= 9, `${files.length} files`);
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
  for (const file of files) {
    planOf(file);
    assert.ok(validate(parse(readFileSync(join(validDir, file), 'utf8'))), `${file}: ${JSON.stringify(validate.errors)}`);
  }
});

test('http target: body map is JSON-encoded, rules and SSE settings kept, secrets unresolved', () => {
  const plan = planOf('http-target.stampede.yaml');
  const [feature, plain] = plan.providers;
  assert.equal(feature.type, 'http');
  assert.ok(feature.type === 'http' && plain.type === 'http');
  assert.deepEqual(feature.target, {
    method: 'POST',
    url: '${env:FEATURE_URL}',
    headers: { authorization: 'Bearer ${secret:FEATURE_TOKEN}', 'content-type': 'application/json' },
    body: '{"question":"{{prompt}}","max_tokens":200,"stream":true}',
    bodyEncoding: 'json',
    response: 'sse',
    contentPointer: '/delta/text',
    doneData: '[END]',
    extract: {
      inputTokens: 'json:/usage/input_tokens',
      outputTokens: 'json:/usage/output_tokens',
      costUsd: 'header:x-cost-usd',
      cacheHit: 'header:x-cache',
      agentSteps: 'json:/meta/steps',
      degradationLevel: 'header:x-degradation-level',
      queueDepth: 'header:x-queue-depth',
    },
    serverTimingEntry: 'provider',
  });
  assert.deepEqual(feature.pricing, { input: 0, cachedInput: 0, output: 0 });
  assert.deepEqual(plain.target, { method: 'PUT', url: 'http://127.0.0.1:8080/answer', headers: {}, body: 'q={{prompt}}&n={{maxTokens}}', bodyEncoding: 'text', response: 'json', doneData: '[DONE]', extract: {} });
  assert.equal(plan.workload.mix[1].provider, 'plain');
});

test('http target without pricing or costUsd warns; GET with a body is an error', () => {
  const warned = analyzeScenario(scenario('', 'load:\n  stages:\n    - { for: 1s, rate: 1/s }\n').replace('name: t\n', 'name: t\nproviders:\n  - { id: f, type: http, url: "http://localhost:1/x" }\n'));
  assert.deepEqual(warned.problems.map(at), ['warning no-pricing 3:14']);
  assert.ok(warned.plan);
  const get = analyzeScenario('name: t\nproviders:\n  - { id: f, type: http, url: "http://localhost:1/x", method: GET, body: x, extract: { costUsd: "header:c" } }\nworkload: { mix: [{ name: a }] }\nload: { stages: [{ for: 1s, rate: 1/s }] }\n');
  assert.deepEqual(get.problems.map(at), ['error conflict 3:68']);
});

test('faults: times divided by timeScale, defaults filled, sorted by start', () => {
  const plan = planOf('faults.stampede.yaml');
  const mock = plan.providers[0];
  assert.ok(mock.type === 'mock' && mock.behaviour);
  const min = 60_000 / 60;
  assert.deepEqual(mock.behaviour.faults, [
    { kind: 'slow-stream', startMs: 0, endMs: 5 * min, tokensPerSecond: 5 },
    { kind: 'outage', startMs: 10 * min, endMs: 15 * min, mode: 'status', status: 503 },
    { kind: 'outage', startMs: 20 * min, endMs: 21 * min, mode: 'refuse', status: 503 },
    { kind: 'error-rate', startMs: 30 * min, endMs: 35 * min, rate: 0.2, status: 502 },
    { kind: 'latency', startMs: 40 * min, endMs: 45 * min, addMs: 2000 },
    { kind: 'rate-limit', startMs: 50 * min, endMs: 55 * min, rpm: 60, tpm: 20000 },
  ]);
  assert.equal(plan.load.durationMs, 60 * min);
});

test('faults: a window past the end of the run is a warning; a cut window is too', () => {
  const text = scenario('', 'load:\n  stages:\n    - { for: 60s, rate: 2/s }\n').replace(
    'name: t\n',
    'name: t\nproviders:\n  - id: m\n    type: mock\n    faults:\n      - { kind: outage, at: 90s, for: 10s }\n      - { kind: latency, at: 50s, for: 20s, add: 1s }\n',
  );
  const { problems, plan } = analyzeScenario(text);
  assert.deepEqual(problems.map(at), ['warning after-run 6:29', 'warning after-run 7:40']);
  assert.ok(plan);
});

test('mock behaviour: cache, agent steps and degradation marks get their defaults; a plain mock has none', () => {
  const cache = planOf('cache.stampede.yaml');
  assert.ok(cache.providers[0].type === 'mock');
  assert.deepEqual(cache.providers[0].behaviour, { faults: [], responseCache: { enabled: true, coalesce: false, ttlMs: 120_000 } });
  assert.equal(cache.workload.mix[0].identicalPrompt, true);
  assert.equal(cache.workload.mix[1].identicalPrompt, undefined);
  assert.deepEqual(cache.cacheExperiment, {
    warmup: { durationMs: 10_000, rate: 5 },
    ab: { switch: { kind: 'header', name: 'x-cache-mode', on: 'on', off: 'bypass' } },
    herd: { atMs: 30_000, requests: 50 },
  });
  const degradation = planOf('degradation.stampede.yaml');
  assert.ok(degradation.providers[0].type === 'mock');
  assert.deepEqual(degradation.providers[0].behaviour, { faults: [], degradation: { queueMarks: [4, 12, 30] } });
  assert.deepEqual(degradation.degradation, {
    header: 'x-degradation-level',
    models: { 'mock-llama-3-8b': 0, 'mock-llama-3-1b': 1, template: 2 },
    levels: ['normal', 'cheaper-model', 'template', 'unavailable'],
  });
  const agent = planOf('agent.stampede.yaml');
  assert.ok(agent.providers[0].type === 'mock');
  assert.deepEqual(agent.providers[0].behaviour, { faults: [], agentSteps: { base: 2, underLoad: 0.5 } });
  const minimal = analyzeScenario(scenario('')).plan;
  assert.ok(minimal && minimal.providers[0].type === 'mock');
  assert.equal(minimal.providers[0].behaviour, undefined);
  assert.equal(minimal.resilience.failover, undefined);
  assert.equal(minimal.degradation, undefined);
  assert.equal(minimal.monitors, undefined);
  assert.equal(minimal.breakingPoint, undefined);
});

test('agent tools: names and maps, default latency 50ms..200ms and failure rate 0', () => {
  const plan = planOf('agent.stampede.yaml');
  assert.deepEqual(plan.workload.mix[0].agent, {
    maxSteps: 6,
    tools: [
      { name: 'search_docs', latencyMinMs: 50, latencyMaxMs: 200, failureRate: 0 },
      { name: 'create_ticket', latencyMinMs: 100, latencyMaxMs: 400, failureRate: 0.05 },
      { name: 'lookup-order', latencyMinMs: 20, latencyMaxMs: 20, failureRate: 0 },
    ],
  });
  assert.equal(plan.workload.mix[1].agent, undefined);
  const defaults = analyzeScenario(scenario('').replace('- { name: chat }', '- { name: chat, agent: { tools: [a] } }')).plan;
  assert.deepEqual(defaults?.workload.mix[0].agent, { maxSteps: 8, tools: [{ name: 'a', latencyMinMs: 50, latencyMaxMs: 200, failureRate: 0 }] });
});

test('failover: defaults filled; cooldown is client time, not scaled', () => {
  const plan = planOf('failover.stampede.yaml');
  assert.deepEqual(plan.resilience.failover, { on: ['server_error', 'overloaded', 'network'], failureThreshold: 3, cooldownMs: 10_000, halfOpenProbes: 1 });
  const defaults = analyzeScenario(
    scenario('resilience: { failover: {} }\n', 'load:\n  timeScale: 10\n  stages:\n    - { for: 60s, rate: 2/s }\n').replace('name: t\n', 'name: t\nproviders: [{ id: a, type: mock }, { id: b, type: mock }]\n'),
  ).plan;
  assert.deepEqual(defaults?.resilience.failover, { on: ['rate_limited', 'overloaded', 'server_error', 'timeout', 'network'], failureThreshold: 5, cooldownMs: 30_000, halfOpenProbes: 1 });
});

test('breaking point: one constant segment per step, the last landing on `to`, plus plan.breakingPoint', () => {
  const plan = planOf('breaking-point.stampede.yaml');
  assert.equal(plan.load.model, 'open');
  assert.equal(plan.load.arrival, 'uniform');
  assert.equal(plan.load.baseline, 2);
  assert.deepEqual(plan.breakingPoint, { fromRate: 2, toRate: 11, stepRate: 3, holdMs: 10_000 });
  assert.deepEqual(
    plan.load.segments.map((s) => [s.stage, s.stageIndex, s.startMs, s.endMs, s.shape, s.from, s.to]),
    [
      ['step 1: 2/s', 0, 0, 10_000, 'constant', 2, 2],
      ['step 2: 5/s', 1, 10_000, 20_000, 'constant', 5, 5],
      ['step 3: 8/s', 2, 20_000, 30_000, 'constant', 8, 8],
      ['step 4: 11/s', 3, 30_000, 40_000, 'constant', 11, 11],
    ],
  );
  assert.equal(plan.load.durationMs, 40_000);
  const uneven = analyzeScenario(scenario('', 'load:\n  model: breaking-point\n  search: { from: 1/s, to: 2/s, step: 0.4/s, hold: 1s }\n')).plan;
  assert.deepEqual(uneven?.load.segments.map((s) => s.stage), ['step 1: 1/s', 'step 2: 1.4/s', 'step 3: 1.8/s', 'step 4: 2/s']);
});

test('monitors: selectors kept, interval defaulted; cancellation checks against a monitor or the mock', () => {
  const plan = planOf('cancellations-monitor.stampede.yaml');
  assert.deepEqual(plan.monitors, [
    {
      type: 'prometheus',
      url: 'http://localhost:8000/metrics',
      intervalMs: 500,
      series: {
        running: 'vllm:num_requests_running',
        queueDepth: 'vllm:num_requests_waiting{model_name="meta-llama/Llama-3.1-8B-Instruct"}',
        kvCacheUsage: 'vllm:gpu_cache_usage_perc{model_name=~"meta-.*", engine!="1"}',
      },
    },
    { type: 'prometheus', url: '${env:GATEWAY_METRICS_URL}', intervalMs: 1000, series: { gatewayErrors: 'gateway_errors_total{code!~"2.."}' } },
  ]);
  assert.deepEqual(plan.workload.cancellations.verify, { series: 'running', withinMs: 3000 });
  const mock = planOf('cancellations-mock.stampede.yaml');
  assert.deepEqual(mock.workload.cancellations, { fraction: 0.2, afterMinMs: 500, afterMaxMs: 1000, verify: { series: 'running', withinMs: 5000 } });
  assert.ok(mock.providers[0].type === 'mock' && mock.providers[0].behaviour?.leakOnDisconnect === true);
});

test('verify: unknown series suggests one; a non-mock provider without monitors needs one; no cancellations is a warning', () => {
  const openai = 'providers:\n  - { id: o, type: openai, baseUrl: "http://localhost:1/v1", model: m, pricing: { input: 1, output: 1 } }\n';
  const unknown = analyzeScenario(
    `name: t\n${openai}monitors:\n  - { url: "http://localhost:1/metrics", series: { running: vllm:num_requests_running } }\nworkload:\n  mix: [{ name: a }]\n  cancellations: { fraction: 10%, verify: { series: runing } }\nload: { stages: [{ for: 1s, rate: 1/s }] }\n`,
  );
  assert.deepEqual(unknown.problems.map(at), ['error unknown-series 8:53']);
  assert.match(unknown.problems[0].message, /did you mean 'running'/);
  const needs = analyzeScenario(`name: t\n${openai}workload:\n  mix: [{ name: a }]\n  cancellations: { fraction: 10%, verify: {} }\nload: { stages: [{ for: 1s, rate: 1/s }] }\n`);
  assert.deepEqual(needs.problems.map(at), ['error needs-monitor 6:35']);
  const none = analyzeScenario(scenario('').replace('    - { name: chat }\n', '    - { name: chat }\n  cancellations: { fraction: 0, verify: {} }\n'));
  assert.deepEqual(none.problems.map(at), ['warning no-effect 5:33']);
});

test('the failure-modes example in docs/scenario.md validates clean', () => {
  const docs = readFileSync(join(import.meta.dirname, '../../../docs/scenario.md'), 'utf8');
  const section = docs.slice(docs.indexOf('## Failure modes'));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(yaml);
  const text = `name: docs example\n${yaml.replace('workload:\n', 'workload:\n  stream: true\n')}load:\n  timeScale: 2\n  stages:\n    - { for: 240s, rate: 2/s }\n`;
  const { problems, plan } = analyzeScenario(text);
  assert.deepEqual(problems.map((p) => `${at(p)} ${p.message}`), []);
  assert.ok(plan?.cacheExperiment?.herd);
});

test('references: env in an http url, body and monitor url; a secret in a body (issue 11) but never in a monitor url', () => {
  const text = `name: t
providers:
  - id: f
    type: http
    url: \${env:FEATURE_URL}
    body: { key: "\${env:TENANT}", token: "\${secret:TOKEN}", code: "\${not a reference}" }
    extract: { costUsd: "header:x-cost" }
monitors:
  - { url: "\${env:METRICS_URL}", series: { running: up } }
  - { url: "\${secret:METRICS_URL}", series: { other: up } }
workload:
  mix: [{ name: a }]
load: { stages: [{ for: 1s, rate: 1/s }] }
`;
  const { problems } = analyzeScenario(text);
  assert.deepEqual(problems.map(at), ['error secret-not-allowed 10:13']);
});

test('problems in issue-4 fields carry one-line messages naming the fix', () => {
  const text = scenario('').replace(
    'name: t\n',
    'name: t\nproviders:\n  - id: m\n    type: mock\n    faults:\n      - { kind: slow-stream, at: 1s, for: 1s, add: 1s }\n',
  );
  const { problems } = analyzeScenario(text);
  assert.deepEqual(problems.map(at), ['error missing-field 6:17', 'error fault-field 6:47']);
  assert.match(problems[0].message, /a slow-stream fault needs 'tokensPerSecond'/);
  assert.match(problems[1].message, /'add' does not apply to a slow-stream fault \(only to latency\)/);
});
