import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderScenarioDocs, schemaFieldPaths } from '../../../src/core/scenario-docs';
import { allMetrics, LATENCY_METRICS, SCALAR_METRICS } from '../../../vocabulary/metric-catalog';

const docs = readFileSync(join(import.meta.dirname, '../../../docs/scenario.md'), 'utf8');

test('docs/scenario.md is generated from the current schema (run node scripts/gen-scenario-docs.mjs)', () => {
  assert.equal(docs, renderScenarioDocs());
});

test('every schema field is documented', () => {
  const paths = schemaFieldPaths();
  assert.ok(paths.length > 60, `${paths.length} paths`);
  for (const path of [
    'name',
    'providers[].pricing.cachedInput',
    'load.stages[].diurnal.period',
    'workload.mix[].prompt.data.order',
    'thresholds[].abortOnFail',
    'providers[].faults[].tokensPerSecond',
    'providers[].extract.degradationLevel',
    'resilience.failover.halfOpenProbes',
    'workload.mix[].agent.tools[].failureRate',
    'workload.cancellations.verify.within',
    'monitors[].series',
    'cache.ab.switch.header',
    'load.search.hold',
    'degradation.levels',
  ]) {
    assert.ok(paths.includes(path), path);
  }
  const missing = paths.filter((path) => !docs.includes(`\`${path}\``));
  assert.deepEqual(missing, []);
});

test('every metric and the threshold grammar are documented', () => {
  for (const metric of LATENCY_METRICS) assert.ok(docs.includes(`\`${metric.name}\``), metric.name);
  for (const metric of SCALAR_METRICS) assert.ok(docs.includes(`\`${metric.key}\``), metric.key);
  assert.ok(allMetrics().some((m) => m.key === 'agent.steps.p95' && m.unit === 'count'));
  assert.match(docs, /`<metric> <operator> <value>`/);
});

test('every problem code the broken corpus produces is listed in the docs', () => {
  const expected: Record<string, string[]> = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/scenarios/broken/expected.json'), 'utf8'));
  const codes = new Set(Object.values(expected).flat().map((entry) => entry.split(' ')[0]));
  const section = docs.slice(docs.indexOf('## Problems'), docs.indexOf('## Field reference'));
  for (const code of codes) assert.ok(section.includes(`\`${code}\``), code);
});
