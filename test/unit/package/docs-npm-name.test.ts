// The npm name `stampede` belongs to an unrelated package: a bare `npx stampede …` copied into a
// folder without stampede-ai installed would download and run it. Every document that shows one
// must say, in the same file, how stampede-ai gets installed first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');

function markdown(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: false })
    .map(String)
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(ROOT, dir, f));
}

test('a bare npx stampede appears only beside the install of stampede-ai', () => {
  const files = [join(ROOT, 'README.md'), join(ROOT, 'packages/stampede-ai/README.md'), ...markdown('docs'), ...markdown('media/walkthrough')];
  const offending: string[] = [];
  let checked = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    if (!/npx (--yes )?stampede-ai/.test(text) && !/npx stampede\b/.test(text)) continue;
    checked++;
    const installs = /npm install (--save-dev|-D|--global|-g)\b[^\n]*\bstampede-ai/.test(text);
    text.split('\n').forEach((line, i) => {
      if (/\bnpx stampede(?![-\w])/.test(line) && !installs) offending.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.ok(checked >= 4, `${checked} documents show npx`);
  assert.deepEqual(offending, []);
});
