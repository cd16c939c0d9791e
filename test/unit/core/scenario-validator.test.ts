// The scenario validator is generated at build time (scripts/scenario-validator.mjs). It must be
// the code the schema compiles to today, and give exactly the errors a validator compiled at run
// time gives, on every example and every fixture, valid and broken.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parseAllDocuments } from 'yaml';
import { generateJsonSchemaValidatorSource, generateValidatorSource, JSON_SCHEMA_VALIDATOR, newAjv, readSchema, VALIDATOR } from '../../../scripts/scenario-validator.mjs';
import { validateAgainstSchema } from '../../../src/core/scenario-schema';
import { jsonSchemaProblem } from '../../../src/core/resolve-expect';
import { rangeWithinMaxMs, rateWithinMaxPerSecond } from '../../../src/core/units';

const root = join(import.meta.dirname, '../../..');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: false })
    .map(String)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(dir, f));
}

test('the generated validator is up to date with the schema', () => {
  assert.equal(readFileSync(VALIDATOR, 'utf8'), generateValidatorSource(), 'run npm run build to regenerate src/core/generated/scenario-validator.js');
});

test('the generated draft-07 meta-schema validator (expect.jsonSchema) is up to date with ajv', () => {
  assert.equal(readFileSync(JSON_SCHEMA_VALIDATOR, 'utf8'), generateJsonSchemaValidatorSource(), 'run npm run build to regenerate src/core/generated/json-schema-validator.js');
});

test('the generated validator reports what a run-time compiled one reports', () => {
  // The bound keywords (x-maxMs, x-maxPerSecond) call the functions the generated code requires.
  const compiled = newAjv({}, { rangeWithinMaxMs, rateWithinMaxPerSecond }).compile(readSchema());
  const files = [...yamlFiles(join(root, 'examples')), ...yamlFiles(join(root, 'test/fixtures/scenarios')), ...yamlFiles(join(root, 'test/e2e'))];
  assert.ok(files.length > 40, `${files.length} scenario files`);
  let withErrors = 0;
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      if (!('toJS' in doc)) continue;
      let value: unknown;
      try {
        value = doc.toJS();
      } catch {
        continue;
      }
      const ok = compiled(value);
      const errors = validateAgainstSchema(value);
      assert.equal(errors.length === 0, ok, file);
      assert.deepEqual(errors, compiled.errors ?? [], file);
      if (errors.length) withErrors++;
    }
  }
  assert.ok(withErrors >= 20, `only ${withErrors} files had schema errors: the comparison would prove little`);
});

test('expect.jsonSchema is refused in the editor exactly when the runner\'s ajv cannot compile it', () => {
  const schemas: unknown[] = [
    { type: 'object', required: ['answer'] },
    { type: 'nonsense' },
    { type: ['string', 'null'] },
    { required: 'answer' },
    { minLength: -1 },
    { properties: { a: { pattern: '^[a-z]+$' } } },
    { properties: { a: { pattern: '(' } } },
    { patternProperties: { '[': { type: 'string' } } },
    { patternProperties: { '^x-': { type: 'string' } } },
    { definitions: { item: { type: 'string' } }, items: { $ref: '#/definitions/item' } },
    { items: { $ref: '#/definitions/nope' } },
    { $ref: '#' },
    { $ref: 'http://json-schema.org/draft-07/schema#' },
    { $ref: 'https://example.com/other.json' },
    { properties: { pattern: { type: 'string' }, $ref: { type: 'string' } } },
    { enum: [{ pattern: '(' }], default: { $ref: 'nowhere' } },
    { additionalProperties: 3 },
    { anyOf: [] },
  ];
  // As src/runner/answer-check.ts compiles it.
  const ajv = new Ajv({ allErrors: false, strict: false });
  let refused = 0;
  for (const schema of schemas) {
    let compiles = true;
    try {
      ajv.compile(schema as object);
    } catch {
      compiles = false;
    } finally {
      ajv.removeSchema(schema as object);
    }
    const problem = jsonSchemaProblem(schema as Record<string, unknown>);
    assert.equal(problem === null, compiles, `${JSON.stringify(schema)}: ${problem?.message ?? 'accepted'}`);
    if (!compiles) refused++;
  }
  assert.ok(refused >= 8, `${refused} refused`);
});

test('the generated validator applies the unit bounds x-maxMs and x-maxPerSecond, as a run-time compiled one does', () => {
  const compiled = newAjv({}, { rangeWithinMaxMs, rateWithinMaxPerSecond }).compile(readSchema());
  const scenario = (stage: Record<string, unknown>, thinkTime: string) => ({
    name: 'bounds',
    workload: { mix: [{ name: 'chat', weight: 1 }] },
    load: { model: 'closed', thinkTime, stages: [stage] },
  });
  const broken = scenario({ for: '9000h', rate: '2000000/s' }, '1s..25h');
  const errors = validateAgainstSchema(broken);
  assert.deepEqual(
    errors.map((e) => `${e.instancePath} ${e.keyword}`).sort(),
    ['/load/stages/0/for x-maxMs', '/load/stages/0/rate x-maxPerSecond', '/load/thinkTime x-maxMs'],
  );
  assert.equal(compiled(broken), false);
  assert.deepEqual(errors, compiled.errors);
  // In bounds: a range ending at 24h, a multiple of the baseline (not bounded per second), and a
  // value that does not parse is left to `pattern` alone.
  assert.deepEqual(validateAgainstSchema(scenario({ for: '48h', rate: '100000x' }, '1s..24h')), []);
  const unparsable = validateAgainstSchema(scenario({ for: '1s', rate: '5/s' }, '2s..1s'));
  assert.deepEqual(unparsable.map((e) => e.keyword), []);
});
