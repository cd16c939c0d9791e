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
