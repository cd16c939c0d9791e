import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeScenario } from '../../../src/core/analyze-scenario';

// Each broken file's expected errors, as "code line:col", live in the sidecar expected.json.
const dir = join(import.meta.dirname, '../../fixtures/scenarios/broken');
const expected: Record<string, string[]> = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));

test('the corpus has at least 30 broken files, each with expectations', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length >= 30, `${files.length} files`);
  assert.deepEqual(files.sort(), Object.keys(expected).sort());
});

for (const [file, errors] of Object.entries(expected)) {
  test(`broken: ${file}`, () => {
    const { problems, plan } = analyzeScenario(readFileSync(join(dir, file), 'utf8'), { fileName: file });
    const actual = problems.filter((p) => p.severity === 'error').map((p) => `${p.code} ${p.range.line}:${p.range.column}`);
    assert.deepEqual(actual, errors);
    assert.equal(plan, null);
    for (const problem of problems) {
      assert.ok(problem.message.length > 10 && !problem.message.includes('\n'), problem.message);
      assert.ok(problem.range.endLine > problem.range.line || problem.range.endColumn >= problem.range.column);
    }
  });
}
