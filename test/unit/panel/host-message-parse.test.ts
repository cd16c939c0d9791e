import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHostMessage } from '../../../webview/host-message-parse';
import { parseThresholdBound } from '../../../webview/threshold-bounds';
import { syntheticRun } from '../../browser/fixtures/synthetic-run';

const run = syntheticRun(5);
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

test('replay and update messages of a real run pass', () => {
  const replay = { type: 'replay', start: run.start, points: run.ticks, summary: run.summary, live: false };
  assert.deepEqual(parseHostMessage(clone(replay)), replay);
  assert.deepEqual(parseHostMessage({ type: 'replay', start: null, points: [], summary: null, live: false })?.type, 'replay');
  const update = parseHostMessage(clone({ type: 'update', start: run.start, points: run.ticks.slice(0, 2) }));
  assert.equal(update?.type, 'update');
  assert.ok(update?.type === 'update' && update.start && !('summary' in update));
});

test('a message with one malformed point is dropped whole', () => {
  const bad = clone(run.ticks);
  (bad[3] as unknown as Record<string, unknown>).sentRate = 'fast';
  assert.equal(parseHostMessage({ type: 'update', points: bad }), null);
  const nan = clone(run.ticks);
  (nan[1]!.ttft as unknown as Record<string, unknown>).p95 = '1';
  assert.equal(parseHostMessage({ type: 'update', points: nan }), null);
  const th = clone(run.ticks);
  (th[0]!.thresholds[0] as unknown as Record<string, unknown>).pass = 'yes';
  assert.equal(parseHostMessage({ type: 'update', points: th }), null);
});

test('unknown or incomplete messages are null', () => {
  for (const bad of [null, 1, 'replay', [], { type: 'tick' }, { type: 'update' }, { type: 'replay', start: null, points: [], summary: null }, { type: 'update', points: [], start: { type: 'start' } }, { type: 'update', points: [], summary: {} }]) {
    assert.equal(parseHostMessage(bad), null, JSON.stringify(bad));
  }
});

test('threshold limits are read in their metric unit', () => {
  assert.deepEqual(parseThresholdBound('ttft.p95 < 1.5s', 'ms'), { metric: 'ttft.p95', op: '<', value: 1500 });
  assert.deepEqual(parseThresholdBound('e2e.p99 <= 800ms', 'ms'), { metric: 'e2e.p99', op: '<=', value: 800 });
  assert.deepEqual(parseThresholdBound('e2e.p99 < 2m', 'ms')?.value, 120_000);
  assert.deepEqual(parseThresholdBound('ttft.p50 < 300', 'ms')?.value, 300);
  assert.deepEqual(parseThresholdBound('errors.rate < 1%', 'fraction')?.value, 0.01);
  assert.deepEqual(parseThresholdBound('errors.rate < 0.02', 'fraction')?.value, 0.02);
  assert.deepEqual(parseThresholdBound('cost.total < $5', 'usd')?.value, 5);
  assert.deepEqual(parseThresholdBound('cache.hitRate >= 30%', 'fraction'), { metric: 'cache.hitRate', op: '>=', value: 0.3 });
  assert.equal(parseThresholdBound('errors.rate < 1s', 'fraction'), null);
  assert.equal(parseThresholdBound('ttft.p95 < $1', 'ms'), null);
  assert.equal(parseThresholdBound('ttft.p95 < 1.5s abortOnFail', 'ms'), null);
});

test('threshold values are shown in their metric unit, by the formatter the reports use', async () => {
  const { formatMetricValue } = await import('../../../vocabulary/format');
  assert.equal(formatMetricValue('ttft.p95', 1620), '1.62 s');
  assert.equal(formatMetricValue('itl.p50', 35.4), '35.4 ms');
  assert.equal(formatMetricValue('errors.rate', 0.063), '6.3%');
  assert.equal(formatMetricValue('errors.rate', 0.004), '0.40%');
  assert.equal(formatMetricValue('cache.hitRate', 0.4), '40.0%');
  assert.equal(formatMetricValue('cost.total', 0.48), '$0.480');
  assert.equal(formatMetricValue('cost.perRequest.growth', 1.234), '1.23');
  assert.equal(formatMetricValue('requests.rate', 12), '12.0/s');
  assert.equal(formatMetricValue('ttft.p95', null), '–');
});

test('a tick\'s trailing window is checked too; a point without one (an older file) passes', () => {
  const point = JSON.parse(JSON.stringify(syntheticRun(3).ticks[0]));
  const update = (p: unknown) => parseHostMessage({ type: 'update', points: [p] });
  assert.ok(update(point));
  assert.ok(update({ ...point, recent: { seconds: 10, ttftP95: 320, errorRate: null } }));
  assert.equal(update({ ...point, recent: { seconds: 10, ttftP95: 'x', errorRate: 0 } }), null);
});
