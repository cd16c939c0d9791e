// The scenario shown in the README is what new users copy first: it must stay valid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyzeScenario } from '../../../src/core/analyze-scenario';

test('the README scenario validates without problems', () => {
  const readme = readFileSync(resolve(__dirname, '../../../README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length >= 1, 'README has a yaml block');
  for (const block of blocks) {
    const { problems, plan } = analyzeScenario(block, { fileName: 'README.md' });
    assert.deepEqual(problems.map((p) => `${p.range.line}:${p.range.column} ${p.message}`), []);
    assert.ok(plan);
  }
});
