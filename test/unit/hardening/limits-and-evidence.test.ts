// Regression tests for issue 11's smaller defects: monitor regexes that backtrack, a proxy
// latency past Node's timer range, the results file's fsync, and verdicts without evidence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMetricSelector, selectorMatches } from '../../../src/core/metric-selector';
import { parseFaultFile } from '../../../src/mock/fault-file';
import { ResultsWriter } from '../../../src/report/results-writer';
import { createResultsDocument } from '../../../src/report/results-document';
import { buildVerdict, judge, newThresholdStates } from '../../../src/runner/verdict';
import type { PlanThreshold } from '../../../src/core/plan';
import { emptyOutcomes } from '../../../src/report/text-progress';
import { makePlan } from '../runner/support/plan-fixture';

test('a monitor selector regex (a+)+$ against a crafted label matches in linear time (it used to hang a run for minutes)', () => {
  const parsed = parseMetricSelector('vllm:num_requests_waiting{model=~"(a+)+$"}');
  assert.ok(parsed.ok);
  // Backtracking needs about 2^40 steps for this label; a linear-time engine needs 41.
  const label = 'a'.repeat(40) + '!';
  assert.equal(selectorMatches(parsed.selector, 'vllm:num_requests_waiting', { model: label }), false);
  assert.equal(selectorMatches(parsed.selector, 'vllm:num_requests_waiting', { model: 'aaaa' }), true);
  const negated = parseMetricSelector('m{model!~"(x+x+)+y"}');
  assert.ok(negated.ok);
  assert.equal(selectorMatches(negated.selector, 'm', { model: 'x'.repeat(5000) }), true);
});

test('a proxy latency of 700 h is refused by the fault file, with the limit (it used to answer in 0.07 s)', () => {
  const result = parseFaultFile('faults:\n  - { kind: latency, at: 0s, for: 1h, add: 700h }\n', 'faults.yaml');
  assert.equal(result.ok, false);
  assert.match(result.ok ? '' : result.errors.join('\n'), /faults\.yaml:2:\d+: faults\[0\]\.add: .*24h/);
});

test('the results file is fsynced before it replaces the previous one, so a power loss cannot leave it empty', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-fsync-'));
  const original = fs.fsyncSync;
  const synced: number[] = [];
  (fs as { fsyncSync: typeof fs.fsyncSync }).fsyncSync = (fd: number) => {
    synced.push(fd);
    return original(fd);
  };
  try {
    const plan = makePlan({});
    const doc = createResultsDocument({ runId: 'r', toolVersion: '0', scenarioName: 'x', scenarioFile: 'x.yaml', overrides: [], redactedPlan: plan, now: new Date() });
    const writer = new ResultsWriter({ path: join(dir, 'results.json'), doc });
    writer.open();
    assert.equal(writer.close(), null);
    assert.ok(synced.length >= 2, `fsync calls: ${synced.length}`);
  } finally {
    (fs as { fsyncSync: typeof fs.fsyncSync }).fsyncSync = original;
    rmSync(dir, { recursive: true, force: true });
  }
});

const threshold = (source: string, metric: string, op: PlanThreshold['op'], value: number): PlanThreshold => ({
  id: `t-${metric}`,
  source,
  metric,
  op,
  value,
  abortOnFail: false,
  range: { line: 1, column: 1, endLine: 1, endColumn: 1 },
});

test('a threshold without a value fails as "no data" on the whole run', () => {
  const thresholds = [threshold('ttft.p95 < 1s', 'ttft.p95', '<', 1000), threshold('errors.rate < 1%', 'errors.rate', '<', 0.01)];
  const states = newThresholdStates(thresholds);
  judge(thresholds, states, (t) => (t.metric === 'errors.rate' ? 0 : null), () => null, true);
  assert.equal(states[0].pass, false);
  assert.equal(states[0].value, null);
  assert.equal(states[1].pass, true);
  const outcomes = { ...emptyOutcomes(), ok: 10 };
  const v = buildVerdict(states, { model: 'open', endReason: 'completed', peakTarget: 2, peakAchieved: 2, outcomes });
  assert.equal(v.pass, false);
  assert.match(v.headline, /^FAIL — ttft\.p95 < 1s: no data/);
});

test('a run where no request finished cannot pass, with or without thresholds', () => {
  const outcomes = { ...emptyOutcomes(), aborted: 22 };
  const none = buildVerdict([], { model: 'open', endReason: 'completed', peakTarget: 2, peakAchieved: 2, outcomes });
  assert.equal(none.pass, false);
  assert.match(none.headline, /^FAIL — no request finished/);
  const empty = buildVerdict([], { model: 'open', endReason: 'completed', peakTarget: 2, peakAchieved: 0, outcomes: emptyOutcomes() });
  assert.equal(empty.pass, false);
});
