// Every completion item at every cursor position of every example, applied as the editor
// applies it (the range replaced by the snippet with its placeholders' defaults, whitespace kept
// as given: the extension sets keepWhitespace), must leave a document that parses with no new
// errors. Positions that give the same replacement are applied once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { completeAt, type CompletionEntry } from '../../../src/core/schema-completion';
import { analyzeScenario } from '../../../src/core/analyze-scenario';
import type { Problem } from '../../../src/core/problem';

const examples = resolve(__dirname, '../../../examples');

/** A snippet as inserted when the user accepts every placeholder as offered. */
export function expandSnippet(snippet: string): string {
  let out = '';
  for (let i = 0; i < snippet.length; i++) {
    const c = snippet[i]!;
    if (c === '\\' && i + 1 < snippet.length && '$}\\'.includes(snippet[i + 1]!)) {
      out += snippet[++i];
      continue;
    }
    if (c !== '$') {
      out += c;
      continue;
    }
    const tabstop = /^\$(\d+)/.exec(snippet.slice(i));
    if (tabstop) {
      i += tabstop[0].length - 1;
      continue;
    }
    const choice = /^\$\{\d+\|((?:\\.|[^,|\\])*)[,|]/.exec(snippet.slice(i));
    if (choice) {
      out += choice[1]!.replace(/\\(.)/g, '$1');
      // Skip to the closing "|}".
      i = snippet.indexOf('|}', i + choice[0].length - 1) + 1;
      continue;
    }
    const placeholder = /^\$\{\d+:/.exec(snippet.slice(i));
    if (placeholder) {
      // The default runs to the matching brace (defaults may hold escaped braces, not nested ones).
      let j = i + placeholder[0].length;
      let text = '';
      while (j < snippet.length && snippet[j] !== '}') {
        if (snippet[j] === '\\' && j + 1 < snippet.length) j++;
        text += snippet[j];
        j++;
      }
      out += text;
      i = j;
      continue;
    }
    const bare = /^\$\{\d+\}/.exec(snippet.slice(i));
    if (bare) {
      i += bare[0].length - 1;
      continue;
    }
    out += c;
  }
  return out;
}

function apply(text: string, entry: CompletionEntry): string {
  const insert = entry.snippet ? expandSnippet(entry.insertText) : entry.insertText;
  return text.slice(0, entry.start) + insert + text.slice(Math.max(entry.start, entry.end));
}

/** Errors by code and message: positions move with an insertion, the error does not. */
function errorKeys(problems: readonly Problem[]): Map<string, number> {
  const keys = new Map<string, number>();
  for (const p of problems) {
    if (p.severity !== 'error') continue;
    // The whole run's length (at most 48h) comes from several fields together: a hold of "6h"
    // is a fine value on its own, and only the search's step count makes it too long. That is
    // the validator's to say, not something a completion of one field can know.
    if (/a run lasts at most/.test(p.message)) continue;
    const key = `${p.code}: ${p.message}`;
    keys.set(key, (keys.get(key) ?? 0) + 1);
  }
  return keys;
}

function newErrors(before: Map<string, number>, after: readonly Problem[]): string[] {
  const seen = new Map(before);
  const added: string[] = [];
  for (const p of after) {
    if (p.severity !== 'error') continue;
    // The whole run's length (at most 48h) comes from several fields together: a hold of "6h"
    // is a fine value on its own, and only the search's step count makes it too long. That is
    // the validator's to say, not something a completion of one field can know.
    if (/a run lasts at most/.test(p.message)) continue;
    const key = `${p.code}: ${p.message}`;
    const left = seen.get(key) ?? 0;
    if (left > 0) seen.set(key, left - 1);
    else added.push(`${key} (${p.path} at ${p.range.line}:${p.range.column})`);
  }
  return added;
}

test('snippet expansion takes each placeholder as offered', () => {
  assert.equal(expandSnippet('name: ${1:spike}\nfor: ${2:20s}$0'), 'name: spike\nfor: 20s');
  assert.equal(expandSnippet('profile: ${2|small-gpu,instant|}'), 'profile: small-gpu');
  assert.equal(expandSnippet('baseUrl: ${2:\\${env:OPENAI_BASE_URL\\}}'), 'baseUrl: ${env:OPENAI_BASE_URL}');
  assert.equal(expandSnippet('\\$${1:5}'), '$5');
});

for (const file of readdirSync(examples).filter((f) => f.endsWith('.stampede.yaml')).sort()) {
  test(`every completion at every position of ${file} leaves it parsing with no new error`, () => {
    const path = join(examples, file);
    const text = readFileSync(path, 'utf8');
    const baseline = errorKeys(analyzeScenario(text, { fileName: path }).problems);
    // An insertion that leaves the text as it was (the value already there) needs no check.
    const tried = new Set<string>([text]);
    const failures: string[] = [];
    let items = 0;
    for (let offset = 0; offset <= text.length; offset++) {
      for (const entry of completeAt(text, offset)) {
        items++;
        const result = apply(text, entry);
        if (tried.has(result)) continue;
        tried.add(result);
        const added = newErrors(baseline, analyzeScenario(result, { fileName: path }).problems);
        if (added.length) {
          const line = text.slice(0, offset).split('\n').length;
          const column = offset - text.lastIndexOf('\n', offset - 1);
          failures.push(`${line}:${column} "${entry.label}" → ${added[0]}`);
        }
      }
    }
    assert.ok(items > 0);
    assert.deepEqual(failures.slice(0, 15), [], `${failures.length} of ${tried.size} distinct insertions break ${file}`);
  });
}
