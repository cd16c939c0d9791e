// The scenario validator is generated at build time (scripts/scenario-validator.mjs). It must be
// the code the schema compiles to today, and give exactly the errors a validator compiled at run
// time gives, on every example and every fixture, valid and broken.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { generateValidatorSource, newAjv, readSchema, VALIDATOR } from '../../../scripts/scenario-validator.mjs';
import { validateAgainstSchema } from '../../../src/core/scenario-schema';

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

test('the generated validator reports what a run-time compiled one reports', () => {
  const compiled = newAjv().compile(readSchema());
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
