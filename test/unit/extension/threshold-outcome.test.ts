// What Test Explorer says about a threshold: passed or failed with expected (as written) and
// actual (the measured value), and "no data" when the run measured nothing for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { thresholdOutcome } from '../../../src/extension/threshold-outcome';

const planned = { source: 'ttft.p95 < 1.5s', metric: 'ttft.p95' };

test('a failed threshold reports its value and when it first broke', () => {
  const o = thresholdOutcome(planned, {
    id: 't0',
    source: planned.source,
    metric: planned.metric,
    pass: false,
    value: 2310.5,
    firstBreach: { t: 34, stage: 'spike', targetLevel: 6, achievedRate: 5.8, value: 1900 },
  });
  assert.equal(o.passed, false);
  assert.equal(o.expected, 'ttft.p95 < 1.5s');
  assert.equal(o.actual, 'ttft.p95 = 2.31 s');
  assert.match(o.message, /failed, ttft\.p95 = 2\.31 s \(whole run\) — first broke at 34s in spike \(target 6\/s, achieved 5\.8\/s\): 1\.90 s/);
});

test('a passing threshold and one without data', () => {
  const ok = thresholdOutcome(planned, { id: 't0', source: planned.source, metric: planned.metric, pass: true, value: 420, firstBreach: null });
  assert.equal(ok.passed, true);
  assert.match(ok.message, /held \(ttft\.p95 = 420 ms, whole run\)/);
  const none = thresholdOutcome(planned, { id: 't0', source: planned.source, metric: planned.metric, pass: null, value: null, firstBreach: null });
  assert.equal(none.passed, null);
  assert.equal(thresholdOutcome(planned, undefined).passed, null);
});
