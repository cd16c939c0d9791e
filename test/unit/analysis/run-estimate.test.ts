import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeScenario } from '../../../src/core/analyze-scenario';
import { estimateRun } from '../../../src/core/run-estimate';
import { formatDryRun } from '../../../src/cli/dry-run';

const EXAMPLES = join(__dirname, '..', '..', '..', 'examples');
const planOf = (name: string) => analyzeScenario(readFileSync(join(EXAMPLES, name), 'utf8'), { fileName: name }).plan!;

test('the estimate splits requests, tokens and cost by stage and they add up', () => {
  const e = estimateRun(planOf('cost-spike-budget.stampede.yaml'));
  assert.deepEqual(e.stages.map((s) => [s.name, s.requests]), [['baseline', 8], ['spike', 450]]);
  assert.equal(e.requests, 458);
  assert.ok(Math.abs(e.outputTokens - 458 * 300) <= 300, `${e.outputTokens}`);
  const sum = e.stages.reduce((n, s) => n + s.costUsd, 0);
  assert.ok(Math.abs(sum - e.costUsd) < 1e-9);
  assert.ok(e.costUsd > 20, `${e.costUsd}`);
});

test('agent entries count one model call per step up to maxSteps', () => {
  const e = estimateRun(planOf('agent-divergence.stampede.yaml'));
  // 600 output tokens per task (10 calls x 60), against 60 for a plain request
  assert.ok(Math.abs(e.outputTokens / e.requests - 600) < 5, `${e.outputTokens / e.requests}`);
});

test('the dry-run text has a row per stage and a total', () => {
  const plan = planOf('breaking-point.stampede.yaml');
  const lines = formatDryRun(plan, estimateRun(plan));
  assert.match(lines[0], /nothing is sent/);
  assert.equal(lines.filter((l) => /^\s+step \d+: /.test(l)).length, 12);
  assert.ok(lines.some((l) => /^\s+total\s+1m12s\s+468\s/.test(l)));
});

test('the dry-run estimate counts prompt files and system prompts with the provider\'s tokenizer', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const o200k = await import('gpt-tokenizer/encoding/o200k_base');
  const dir = mkdtempSync(join(tmpdir(), 'stampede-estimate-'));
  const prompt = 'Résumé de la réunion — 東京オフィスの議事録。 function total(xs) { return xs.reduce((a, b) => a + b, 0); } '.repeat(40);
  const system = 'Answer in French. Cite the minutes by paragraph number; never invent numbers.';
  writeFileSync(join(dir, 'minutes.txt'), prompt);
  const file = join(dir, 'estimate.stampede.yaml');
  const text = `name: estimate
providers:
  - { id: live, type: openai, baseUrl: "https://api.openai.com/v1", model: gpt-4o-mini, pricing: { input: 1, output: 1 } }
workload:
  mix:
    - { name: minutes, prompt: { file: minutes.txt }, system: "${system}", maxTokens: 10 }
load:
  stages:
    - { for: 10s, rate: 1/s }
`;
  writeFileSync(file, text);
  const plan = analyzeScenario(text, { fileName: file }).plan!;
  const exact = o200k.encode(prompt).length + o200k.encode(system).length;
  const { measurePrompts } = await import('../../../src/runner/prompt-measure');
  const e = estimateRun(plan, { measured: measurePrompts(plan, dir) });
  assert.equal(e.inputTokens, 10 * exact);
  assert.notEqual(e.inputTokens, estimateRun(plan).inputTokens, 'without measuring, the estimate would draw default prompt sizes');
  // What stampede run --dry-run and the editor ask for (runner/plan-estimate.ts) measures too.
  const { estimatePlan } = await import('../../../src/runner/plan-estimate');
  const lines = formatDryRun(plan, (await estimatePlan(plan, dir)).estimate);
  assert.ok(lines.some((l) => new RegExp(`^\\s+total\\s+10s\\s+10\\s+${(10 * exact).toLocaleString('en-US')}\\s`).test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /Tokens counted with: o200k_base \(live\)/.test(l)));
});
