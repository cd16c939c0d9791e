import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixesForProblem } from '../../../src/extension/problem-fixes';
import { analyzeScenario } from '../../../src/core/analyze-scenario';

const BROKEN = `name: x
workload:
  mix:
    - { name: a }
load:
  stges: []
  stages:
    - { for: 30, rate: 2/s }
thresholds:
  - errorz.rate < 1%
  - ttft.p95 =< 2s
  - ttft.p97 < 2s
  - errors.rate < 5
`;

/** Applies the first fix of each problem to the text, from the end so ranges stay valid. */
function fixAll(text: string): string {
  const lines = text.split('\n');
  const { problems } = analyzeScenario(text);
  const fixes = problems
    .map((p) => {
      const line = lines[p.range.line - 1];
      const flagged = line.slice(p.range.column - 1, p.range.endLine === p.range.line ? p.range.endColumn - 1 : undefined);
      const [fix] = fixesForProblem(p.code, p.message, flagged);
      return fix ? { p, fix } : undefined;
    })
    .filter((x) => x !== undefined)
    .sort((a, b) => b.p.range.line - a.p.range.line || b.p.range.column - a.p.range.column);
  for (const { p, fix } of fixes) {
    const line = lines[p.range.line - 1];
    lines[p.range.line - 1] = line.slice(0, p.range.column - 1) + fix.replacement + line.slice(p.range.endColumn - 1);
  }
  return lines.join('\n');
}

test('quick fixes from the analyzer\'s own suggestions repair a broken scenario', () => {
  const fixed = fixAll(BROKEN);
  assert.match(fixed, /  stages: \[\]\n  stages:/, 'stges → stages');
  assert.match(fixed, /for: 30s/);
  assert.match(fixed, /- errors\.rate < 1%/);
  assert.match(fixed, /ttft\.p95 <= 2s/);
  assert.match(fixed, /ttft\.p90 < 2s/);
  assert.match(fixed, /errors\.rate < 5%/);
});

test('a missing unit offers each written form; other problems offer nothing', () => {
  const fixes = fixesForProblem('bad-duration', "duration '30' has no unit: write 30s or 30ms", '30');
  assert.deepEqual(fixes.map((f) => f.replacement), ['30s', '30ms']);
  assert.equal(fixes[0].preferred, true);
  assert.deepEqual(fixesForProblem('missing-field', "missing field 'name'", 'x'), []);
});
