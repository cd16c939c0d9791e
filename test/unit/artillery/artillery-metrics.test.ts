// Threshold metrics as `ensure` expressions, and the evaluator that judges them on a report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allCounterNames, artilleryExpression, formatNumber, translateThresholds } from '../../../src/core/artillery-metrics';
import { evaluateFormula } from '../../../src/core/formula';
import { allMetrics } from '../../../vocabulary/metric-catalog';
import { analyzeScenario } from '../../../src/core/analyze-scenario';

function planWith(thresholds: string[], extra = ''): NonNullable<ReturnType<typeof analyzeScenario>['plan']> {
  const text = `name: t\nproviders:\n  - { id: m, type: mock, profile: instant${extra} }\nworkload:\n  mix: [{ name: a, weight: 1, promptTokens: 10, maxTokens: 5 }]\nload:\n  stages: [{ name: s, for: 2s, rate: 1/s }]\nthresholds:\n${thresholds.map((t) => `  - ${JSON.stringify(t)}`).join('\n')}\n`;
  const { plan, problems } = analyzeScenario(text);
  assert.ok(plan, JSON.stringify(problems));
  return plan;
}

test('every catalog metric either has an expression or says why it has none', () => {
  for (const m of allMetrics()) {
    const e = artilleryExpression(m.key);
    if (e.ok) assert.match(e.expression, /^[\w.()+\-*/ ]+$/, m.key);
    else assert.ok(e.reason.length > 10, m.key);
  }
  assert.deepEqual(artilleryExpression('ttft.p95'), { ok: true, expression: 'stampede.ttft.p95' });
  assert.deepEqual(artilleryExpression('e2eIntended.max'), { ok: true, expression: 'stampede.e2e_intended.max' });
  assert.equal(artilleryExpression('ttft.growth').ok, false);
  assert.equal(artilleryExpression('agent.steps.p95').ok, false);
});

test('thresholds become ensure conditions in canonical units; the rest are listed', () => {
  const t = translateThresholds(planWith(['ttft.p95 < 1.5s', 'errors.rate < 1%', 'cost.total <= $5', 'requests.total >= 10', 'ttft.growth < 2']));
  assert.deepEqual(t.conditions.map((c) => c.expression), [
    'stampede.ttft.p95 < 1500',
    '(stampede.requests_failed / (stampede.requests_finished - stampede.requests.aborted)) < 0.01',
    '(stampede.cost.micro_usd / 1000000) <= 5',
    'stampede.requests_finished >= 10',
  ]);
  assert.deepEqual(t.untranslated.map((u) => u.source), ['ttft.growth < 2']);
  assert.equal(formatNumber(0.0000001), '0.0000001');
  assert.equal(formatNumber(1500), '1500');
});

test('the cache hit rate is not translated when the scenario counts hits from responses', () => {
  const plain = translateThresholds(planWith(['cache.hitRate > 50%']));
  assert.equal(plain.conditions.length, 1);
  const cached = translateThresholds(planWith(['cache.hitRate > 50%'], ', responseCache: { ttl: 10s }'));
  assert.equal(cached.conditions.length, 0);
  assert.match(cached.untranslated[0].reason, /responseCache/);
});

test('no metric name an expression uses is a substring of another (ensure replaces names by substring)', () => {
  const names = [...allCounterNames(3), ...['ttft', 'itl', 'e2e', 'e2e_intended', 'schedule_lag', 'tpot'].flatMap((h) => ['p50', 'p90', 'p95', 'p99', 'max', 'mean', 'min'].map((s) => `stampede.${h}.${s}`))];
  for (const a of names) for (const b of names) if (a !== b) assert.ok(!b.includes(a), `${a} is inside ${b}`);
});

test('formulas evaluate like filtrex on numbers; missing names and zero denominators are no data', () => {
  const v = (m: Record<string, number>) => (n: string) => m[n];
  assert.equal(evaluateFormula('(a.b / (c - d)) * 2 + 1', v({ 'a.b': 3, c: 4, d: 1 })), 3);
  assert.equal(evaluateFormula('a / b', v({ a: 1, b: 0 })), null);
  assert.equal(evaluateFormula('a - b', v({ a: 1 })), null);
  assert.equal(evaluateFormula('-a + 2.5', v({ a: 1 })), 1.5);
  assert.throws(() => evaluateFormula('a +', v({ a: 1 })), /expected a number or a name/);
});
