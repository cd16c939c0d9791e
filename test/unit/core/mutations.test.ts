import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeScenario } from '../../../src/core/analyze-scenario';

// Half-typed files are the editor's normal state: whatever the text, analysis must return
// positioned problems, never throw, and never hand out a plan alongside an error.
const examplesDir = join(import.meta.dirname, '../../../examples');
const validDir = join(import.meta.dirname, '../../fixtures/scenarios/valid');
const sources = [examplesDir, validDir].flatMap((dir) =>
  readdirSync(dir)
    .filter((n) => n.endsWith('.stampede.yaml'))
    .map((n) => readFileSync(join(dir, n), 'utf8')),
);

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const REPLACEMENTS = ['', ' ', '\n', ':', '-', '[', '{', '}', '"', "'", '&x', '*x', '0', '-1', 'x', '10x', '${secret:K}', '\t', '#', '..', '%', '$'];

test('random edits of the examples never crash the analysis', () => {
  const next = random(12345);
  let withErrors = 0;
  for (let i = 0; i < 600; i++) {
    const source = sources[i % sources.length];
    let text = source;
    for (let edits = 1 + Math.floor(next() * 3); edits > 0; edits--) {
      const at = Math.floor(next() * text.length);
      const length = Math.floor(next() * 6);
      text = text.slice(0, at) + REPLACEMENTS[Math.floor(next() * REPLACEMENTS.length)] + text.slice(at + length);
    }
    const lines = text.split('\n').length;
    const { problems, plan } = analyzeScenario(text);
    const hasError = problems.some((p) => p.severity === 'error');
    if (hasError) withErrors++;
    assert.equal(hasError ? plan : 'ok', hasError ? null : 'ok');
    for (const problem of problems) {
      assert.ok(problem.range.line >= 1 && problem.range.line <= lines + 1, JSON.stringify(problem));
      assert.ok(problem.range.column >= 1, JSON.stringify(problem));
      assert.ok(problem.message && !problem.message.includes('\n'), JSON.stringify(problem));
    }
  }
  assert.ok(withErrors > 100, `${withErrors} edited files had errors`);
});
