import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateRun, formatEstimate, meanTokens, segmentArea } from '../../../src/core/run-estimate';
import { analyzeScenario } from '../../../src/core/analyze-scenario';
import type { ResolvedPlan } from '../../../src/core/plan';

function plan(text: string): ResolvedPlan {
  const { plan, problems } = analyzeScenario(text);
  assert.ok(plan, JSON.stringify(problems));
  return plan;
}

const MIX = 'workload:\n  mix:\n    - { name: a, promptTokens: 1000, maxTokens: 500 }\n';

test('open model: arrivals integrate the load shape (constant, ramp, multiples, timeScale)', () => {
  const p = plan(`name: x\n${MIX}load:\n  stages:\n    - { for: 10s, rate: 2/s }\n    - { for: 10s, rampTo: 3x }\n    - { for: 10s, rate: 120/m }\n`);
  // 20 + (2+6)/2*10 + 20 = 80
  assert.equal(estimateRun(p).requests, 80);
  const scaled = plan(`name: x\n${MIX}load:\n  timeScale: 60\n  stages:\n    - { for: 10m, rate: 2/s }\n`);
  assert.equal(estimateRun(scaled).requests, 20);
});

test('a diurnal stage over one whole period averages its two levels', () => {
  const area = segmentArea({ stage: 'd', stageIndex: 0, startMs: 0, endMs: 100_000, shape: 'sine', from: 1, to: 3, periodMs: 100_000 });
  assert.ok(Math.abs(area - 200) < 1e-6, String(area));
  const half = segmentArea({ stage: 'd', stageIndex: 0, startMs: 0, endMs: 50_000, shape: 'sine', from: 1, to: 3, periodMs: 100_000 });
  assert.ok(Math.abs(half - 100) < 1e-6, String(half));
});

test('cost: mean prompt and full maxTokens at the provider\'s prices', () => {
  const p = plan(`name: x\nproviders:\n  - { id: m, type: mock, pricing: { input: 1, output: 2 } }\n${MIX}load:\n  stages:\n    - { for: 10s, rate: 1/s }\n`);
  const e = estimateRun(p);
  // 10 requests x (1000 x $1 + 500 x $2) / 1M = $0.02
  assert.ok(Math.abs(e.costUsd - 0.02) < 1e-9, String(e.costUsd));
  assert.deepEqual(e.realProviders, []);
  assert.equal(formatEstimate(e), '≈ 10 requests · $0.02');
});

test('closed model: users over an assumed request time plus think time', () => {
  const p = plan(`name: x\n${MIX}load:\n  model: closed\n  thinkTime: 1s..3s\n  stages:\n    - { for: 60s, users: 10 }\n`);
  // cycle = 0.3 s + 500 x 20 ms + 2 s = 12.3 s; 10 users x 60 s / 12.3 s
  assert.equal(estimateRun(p).requests, Math.round(600 / 12.3));
});

test('real providers are named, large numbers get separators', () => {
  const p = plan(`name: x\nproviders:\n  - { id: live, type: openai, baseUrl: "https://api.example.com/v1", model: m, apiKey: "\${secret:K}", pricing: { input: 0.15, output: 0.6 } }\n${MIX}load:\n  stages:\n    - { for: 1h, rate: 5/s }\n`);
  const e = estimateRun(p);
  assert.deepEqual(e.realProviders, ['live']);
  assert.match(formatEstimate(e), /^≈ 18,000 requests · \$\d+\.\d\d$/);
});

test('mean of each token distribution', () => {
  assert.equal(meanTokens({ kind: 'fixed', tokens: 7 }), 7);
  assert.equal(meanTokens({ kind: 'uniform', min: 10, max: 30 }), 20);
  assert.equal(meanTokens({ kind: 'normal', mean: 50, stddev: 5 }), 50);
  const lognormal = meanTokens({ kind: 'lognormal', median: 400, p95: 1500 });
  assert.ok(lognormal > 400 && lognormal < 1500, String(lognormal));
});
