// The limits of src/core/limits.ts and the JSON schema say the same thing: the schema is what
// other editors and `validate` read, the constants are what the runner and the docs use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS, MAX_TIMER_MS } from '../../../src/core/limits';
import { resolveSchemaRef, scenarioSchema, schemaAt, type SchemaNode } from '../../../src/core/scenario-schema';
import { MOCK_PROFILES } from '../../../src/mock/profiles';

const defs = scenarioSchema.definitions as Record<string, SchemaNode>;

test('schema bounds match the limits', () => {
  assert.equal(defs.duration['x-maxMs'], LIMITS.durationMs);
  assert.equal(defs.durationRange['x-maxMs'], LIMITS.durationMs);
  assert.equal(defs.shapeDuration['x-maxMs'], LIMITS.shapeDurationMs);
  assert.ok(LIMITS.durationMs < MAX_TIMER_MS && LIMITS.runMs < MAX_TIMER_MS, 'every wait fits one Node timer');
  assert.equal(defs.rate['x-maxPerSecond'], LIMITS.ratePerSecond);
  assert.equal(defs.rate.maximum, LIMITS.ratePerSecond);
  assert.equal(defs.users.maximum, LIMITS.users);
  const load = schemaAt(['load'])!;
  assert.equal(resolveSchemaRef(load.properties!.timeScale).minimum, LIMITS.timeScaleMin);
  assert.equal(resolveSchemaRef(load.properties!.timeScale).maximum, LIMITS.timeScaleMax);
  assert.equal(resolveSchemaRef(load.properties!.maxInFlight).maximum, LIMITS.maxInFlight);
  assert.equal(schemaAt(['load', 'stages'])!.maxItems, LIMITS.stages);
  assert.equal(schemaAt(['workload', 'mix'])!.maxItems, LIMITS.mixEntries);
  assert.equal(schemaAt(['providers'])!.maxItems, LIMITS.providers);
  assert.equal(schemaAt(['thresholds'])!.maxItems, LIMITS.thresholds);
  assert.equal(schemaAt(['monitors'])!.maxItems, LIMITS.monitors);
  assert.equal(schemaAt(['providers', 0, 'faults'])!.maxItems, LIMITS.faults);
  assert.equal(schemaAt(['providers', 0, 'maxConnections'])!.maximum, LIMITS.maxConnections);
  assert.equal(schemaAt(['workload', 'mix', 0, 'maxTokens'])!.maximum, LIMITS.maxTokens);
  // Stage durations and the like are written before timeScale; waits are not scaled.
  assert.equal(schemaAt(['load', 'stages', 0, 'for'])!['x-maxMs'], LIMITS.shapeDurationMs);
  assert.equal(schemaAt(['resilience', 'timeouts', 'ttft'])!['x-maxMs'], LIMITS.durationMs);
});

test('mock overrides in the schema are the profile parameters, with their types', () => {
  const overrides = schemaAt(['providers', 0, 'overrides'])!;
  const profile = MOCK_PROFILES['small-gpu'] as unknown as Record<string, unknown>;
  assert.deepEqual(Object.keys(overrides.properties ?? {}).sort(), Object.keys(profile).sort());
  for (const [key, node] of Object.entries(overrides.properties ?? {})) {
    const type = typeof profile[key] === 'number' ? ['number', 'integer'] : [typeof profile[key]];
    assert.ok(type.includes(String(node.type)), `${key}: ${String(node.type)}`);
  }
});
