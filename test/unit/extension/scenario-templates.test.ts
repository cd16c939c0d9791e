import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SCENARIO_TEMPLATES } from '../../../src/extension/scenario-templates';
import { analyzeScenario } from '../../../src/core/analyze-scenario';

test('every New Scenario template validates clean and runs against the mock in under a minute', () => {
  const ids = ['rate-limits', 'failover', 'burst', 'cache', 'cancellation', 'agent', 'cost'];
  assert.deepEqual(SCENARIO_TEMPLATES.map((t) => t.id), ids);
  for (const template of SCENARIO_TEMPLATES) {
    const { problems, plan } = analyzeScenario(template.text, { fileName: `${template.id}.stampede.yaml` });
    assert.deepEqual(problems, [], template.id);
    assert.ok(plan, template.id);
    assert.ok(plan.providers.every((p) => p.type === 'mock'), `${template.id} must not need a real provider`);
    assert.ok(plan.load.durationMs <= 60_000, `${template.id} lasts ${plan.load.durationMs} ms`);
    assert.ok(plan.thresholds.length > 0, `${template.id} has no thresholds`);
  }
});
