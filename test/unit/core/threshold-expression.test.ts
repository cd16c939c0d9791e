import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseThresholdExpression, thresholdHolds } from '../../../src/core/threshold-expression';
import { allMetrics } from '../../../vocabulary/metric-catalog';

function good(text: string) {
  const result = parseThresholdExpression(text);
  assert.ok(result.ok, result.ok ? '' : `${text}: ${result.message}`);
  return result.expression;
}

function bad(text: string) {
  const result = parseThresholdExpression(text);
  assert.equal(result.ok, false, `${text} should not parse`);
  if (result.ok) throw new Error('unreachable');
  return { ...result, part: text.slice(result.start, result.end) };
}

test('time metrics take ms, s, m, h or a bare number of ms', () => {
  assert.deepEqual(good('ttft.p95 < 1.5s'), { metric: 'ttft.p95', op: '<', value: 1500, unit: 'ms' });
  assert.equal(good('e2e.p99 <= 800ms').value, 800);
  assert.equal(good('itl.mean < 40').value, 40);
  assert.equal(good('e2eIntended.max < 2m').value, 120_000);
  assert.equal(good('  scheduleLag.p50   >=   1h  ').value, 3_600_000);
});

test('fraction, usd and plain metrics', () => {
  assert.equal(good('errors.rate < 1%').value, 0.01);
  assert.equal(good('errors.rate < 0.01').value, 0.01);
  assert.equal(good('cost.total < $5').value, 5);
  assert.equal(good('cost.total < 5').value, 5);
  assert.equal(good('cost.perRequest <= $0.002').value, 0.002);
  assert.equal(good('dropped.count == 0').op, '==');
  assert.equal(good('retries.amplification != 1.2').value, 1.2);
  assert.equal(good('tokens.perSecond > 50').op, '>');
});

test('every catalogue metric parses', () => {
  for (const metric of allMetrics()) {
    const value = metric.unit === 'ms' ? '1s' : metric.unit === 'fraction' ? '1%' : metric.unit === 'usd' ? '$1' : '1';
    assert.equal(good(`${metric.key} < ${value}`).metric, metric.key);
  }
});

test('unknown metric, with a suggestion, at the metric', () => {
  const e = bad('ttfb.p95 < 1s');
  assert.equal(e.code, 'threshold-metric');
  assert.equal(e.part, 'ttfb.p95');
  assert.match(e.message, /did you mean 'ttft.p95'/);
  assert.equal(bad('latency < 1s').code, 'threshold-metric');
});

test('unknown statistic points at the statistic', () => {
  const e = bad('ttft.p97 < 1s');
  assert.equal(e.code, 'threshold-stat');
  assert.equal(e.part, 'p97');
  assert.equal(bad('ttft < 1s').code, 'threshold-stat');
});

test('bad operators', () => {
  const e = bad('errors.rate =< 5%');
  assert.equal(e.code, 'threshold-operator');
  assert.equal(e.part, '=<');
  assert.match(e.message, /did you mean '<='/);
  assert.match(bad('errors.count = 0').message, /did you mean '=='/);
  assert.equal(bad('errors.count 0').code, 'threshold-operator');
  assert.equal(bad('errors.count <<< 0').code, 'threshold-operator');
});

test('bad units and values point at the value', () => {
  const parsecs = bad('ttft.p95 < 1.5 parsecs');
  assert.equal(parsecs.code, 'threshold-unit');
  assert.equal(parsecs.part, 'parsecs');
  const percent = bad('ttft.p95 < 5%');
  assert.equal(percent.code, 'threshold-unit');
  assert.equal(percent.part, '%');
  const overOne = bad('errors.rate < 5');
  assert.equal(overOne.code, 'threshold-value');
  assert.match(overOne.message, /did you mean 5%\?/);
  assert.equal(bad('dropped.count == 1s').code, 'threshold-unit');
  assert.equal(bad('cost.total < $five').code, 'threshold-value');
  assert.equal(bad('ttft.p95 <').code, 'threshold-value');
  assert.equal(bad('ttft.p95 < fast').code, 'threshold-value');
  assert.equal(bad('').code, 'threshold-metric');
});

test('thresholdHolds compares with each operator', () => {
  assert.equal(thresholdHolds('<', 1, 2), true);
  assert.equal(thresholdHolds('<', 2, 2), false);
  assert.equal(thresholdHolds('<=', 2, 2), true);
  assert.equal(thresholdHolds('>', 3, 2), true);
  assert.equal(thresholdHolds('>=', 1, 2), false);
  assert.equal(thresholdHolds('==', 0, 0), true);
  assert.equal(thresholdHolds('!=', 0, 0), false);
});
