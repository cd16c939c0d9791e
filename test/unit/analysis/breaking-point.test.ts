import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ResolvedPlan } from '../../../src/core/plan';
import type { ThresholdState } from '../../../src/protocol/run-events';
import { breakingPointHeadline, breakingPointResult } from '../../../src/runner/breaking-point';

const steps = [2, 4, 6, 8].map((rate, i) => ({ stage: `step ${i + 1}: ${rate}/s`, stageIndex: i, startMs: i * 5000, endMs: i * 5000 + 5000, shape: 'constant' as const, from: rate, to: rate }));
const plan = { load: { segments: steps }, breakingPoint: { fromRate: 2, toRate: 8, stepRate: 2, holdMs: 5000 } } as unknown as ResolvedPlan;
const state = (t: number | null, source = 'ttft.p95 < 1.5s'): ThresholdState => ({
  id: 't0',
  source,
  metric: 'ttft.p95',
  pass: t === null,
  value: 1,
  firstBreach: t === null ? null : { t, stage: '', targetLevel: 0, achievedRate: 0, value: 2000 },
});

test('the highest step that ran to its end before the breach is sustainable', () => {
  const r = breakingPointResult(plan, [state(13)], 13_100);
  assert.deepEqual(r, { highestSustainableRate: 4, brokeAt: { rate: 6, threshold: 'ttft.p95 < 1.5s' } });
  assert.equal(breakingPointHeadline(r), 'sustains 4/s; broke at 6/s on ttft.p95 < 1.5s');
});

test('a breach in the first second of a step is that step', () => {
  assert.deepEqual(breakingPointResult(plan, [state(11)], 11_000).brokeAt, { rate: 6, threshold: 'ttft.p95 < 1.5s' });
  assert.equal(breakingPointResult(plan, [state(10)], 10_000).highestSustainableRate, 2);
});

test('the earliest breach of several thresholds wins; none broken means every step held', () => {
  const r = breakingPointResult(plan, [state(18, 'errors.rate < 1%'), state(3)], 18_000);
  assert.deepEqual(r, { highestSustainableRate: null, brokeAt: { rate: 2, threshold: 'ttft.p95 < 1.5s' } });
  assert.equal(breakingPointHeadline(r), 'sustains no step; broke at 2/s on ttft.p95 < 1.5s');
  const held = breakingPointResult(plan, [state(null)], 20_000);
  assert.deepEqual(held, { highestSustainableRate: 8, brokeAt: null });
  assert.match(breakingPointHeadline(held), /sustains 8\/s; no threshold broke/);
});
