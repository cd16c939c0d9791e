import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import Ajv from 'ajv';
import { analyzeScenario } from '../../../src/core/analyze-scenario';
import { levelAt } from '../../../src/core/load-shape';
import { findMetric } from '../../../vocabulary/metric-catalog';

const examplesDir = join(import.meta.dirname, '../../../examples');
const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../../../media/stampede.schema.json'), 'utf8'));

function analyzeExample(name: string) {
  const file = join(examplesDir, name);
  return analyzeScenario(readFileSync(file, 'utf8'), { fileName: file });
}

test('every example validates clean: no errors, no warnings', () => {
  const names = readdirSync(examplesDir).filter((n) => /\.stampede\.ya?ml$/.test(n));
  assert.ok(names.length >= 3);
  for (const name of names) {
    const { problems, plan } = analyzeExample(name);
    assert.deepEqual(problems, [], name);
    assert.ok(plan, name);
    for (const t of plan.thresholds) assert.ok(findMetric(t.metric), `${name}: ${t.metric}`);
  }
});

test('the schema on its own (as other editors use it) accepts every example', () => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validate = ajv.compile(schema);
  for (const name of readdirSync(examplesDir).filter((n) => n.endsWith('.stampede.yaml'))) {
    const ok = validate(parse(readFileSync(join(examplesDir, name), 'utf8')));
    assert.ok(ok, `${name}: ${JSON.stringify(validate.errors)}`);
  }
});

test('quickstart: a one-minute open-model run against the mock with a spike', () => {
  const { plan } = analyzeExample('quickstart.stampede.yaml');
  assert.ok(plan);
  assert.equal(plan.providers.length, 1);
  assert.equal(plan.providers[0].type, 'mock');
  assert.equal(plan.providers[0].type === 'mock' && plan.providers[0].profile, 'small-gpu');
  assert.equal(plan.load.model, 'open');
  assert.ok(plan.load.durationMs >= 50_000 && plan.load.durationMs <= 70_000);
  assert.deepEqual(plan.load.segments.map((s) => s.stage), ['baseline', 'ramp', 'spike', 'cool-down']);
  const spike = plan.load.segments[2];
  assert.ok(spike.from >= 3 * plan.load.baseline, 'the spike is a high multiple of the baseline');
  assert.ok(plan.workload.mix.length >= 2 && plan.workload.mix.length <= 3);
  const shares = plan.workload.mix.reduce((sum, m) => sum + m.share, 0);
  assert.ok(Math.abs(shares - 1) < 1e-9);
  assert.ok(plan.workload.cancellations.fraction > 0);
  const sources = plan.thresholds.map((t) => t.source);
  for (const wanted of ['ttft.p95 < 1.5s', 'errors.rate < 5%', 'cost.total < $1']) assert.ok(sources.includes(wanted), wanted);
  assert.deepEqual(plan.thresholds.find((t) => t.metric === 'ttft.p95')?.value, 1500);
});

test('burst: campaign at 10x and a 30x spike, compressed with timeScale', () => {
  const { plan } = analyzeExample('burst.stampede.yaml');
  assert.ok(plan);
  assert.equal(plan.load.timeScale, 60);
  const byStage = Object.fromEntries(plan.load.segments.map((s) => [s.stage, s]));
  assert.equal(byStage.campaign.from, 10 * plan.load.baseline);
  assert.equal(byStage['news-spike'].from, 30 * plan.load.baseline);
  assert.equal(byStage.campaign.endMs - byStage.campaign.startMs, 60_000, 'one hour at timeScale 60 is one minute');
  assert.equal(levelAt(plan.load, plan.load.durationMs), 0);
  assert.deepEqual(plan.resilience.retries.on, ['rate_limited', 'server_error', 'timeout']);
  assert.equal(plan.thresholds.find((t) => t.metric === 'errors.rate')?.abortOnFail, true);
});

test('mixed workload: closed model, file and CSV-templated prompts', () => {
  const { plan } = analyzeExample('mixed-workload.stampede.yaml');
  assert.ok(plan);
  assert.equal(plan.load.model, 'closed');
  assert.ok(plan.load.thinkTimeMaxMs > 0);
  const triage = plan.workload.mix.find((m) => m.prompt?.data);
  assert.ok(triage?.prompt?.template?.includes('{{'));
  assert.equal(triage?.prompt?.data?.format, 'csv');
  const contract = plan.workload.mix.find((m) => m.prompt?.file);
  assert.ok(contract);
  for (const entry of plan.workload.mix) {
    for (const file of [entry.prompt?.file, entry.prompt?.data?.file]) {
      if (file) assert.ok(readFileSync(join(examplesDir, file), 'utf8').length > 0, file);
    }
  }
  const csv = readFileSync(join(examplesDir, triage!.prompt!.data!.file), 'utf8').split('\n')[0].split(',');
  for (const placeholder of triage!.prompt!.template!.matchAll(/\{\{(\w+)\}\}/g)) assert.ok(csv.includes(placeholder[1]), placeholder[1]);
  assert.ok(plan.load.segments.some((s) => s.shape === 'sine'));
});
