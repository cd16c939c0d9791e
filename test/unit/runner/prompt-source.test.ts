import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateTokens } from '../../../src/core/token-estimate';
import { parseCsv } from '../../../src/core/csv';
import { buildFillerText, drawTokens, fillTemplate, syntheticPrompt } from '../../../src/runner/prompt-source';
import { SeededRandom } from '../../../src/runner/seeded-random';

test('synthetic prompts have the drawn token count under the shared estimate', () => {
  const rng = new SeededRandom(1);
  const filler = buildFillerText(rng);
  for (const n of [1, 2, 7, 100, 1500, 40_000]) {
    const p = syntheticPrompt(filler, n, rng);
    assert.equal(estimateTokens(p), n, `n=${n}`);
    assert.equal(p.split(' ').length, n);
  }
});

test('synthetic prompts differ between requests and repeat for the same seed', () => {
  const make = () => {
    const rng = new SeededRandom(9);
    const filler = buildFillerText(rng);
    return [syntheticPrompt(filler, 50, rng), syntheticPrompt(filler, 50, rng)];
  };
  const [a, b] = make();
  assert.notEqual(a, b);
  assert.deepEqual(make(), [a, b]);
});

test('token distributions: fixed, lognormal median/p95, normal clamped at 1, uniform', () => {
  const rng = new SeededRandom(3);
  assert.equal(drawTokens({ kind: 'fixed', tokens: 12 }, rng), 12);
  const logn = Array.from({ length: 4000 }, () => drawTokens({ kind: 'lognormal', median: 400, p95: 1500 }, rng)).sort((x, y) => x - y);
  assert.ok(Math.abs(logn[2000] - 400) < 40, `median ${logn[2000]}`);
  assert.ok(Math.abs(logn[3800] - 1500) < 250, `p95 ${logn[3800]}`);
  const norm = Array.from({ length: 2000 }, () => drawTokens({ kind: 'normal', mean: 5, stddev: 10 }, rng));
  assert.ok(norm.every((v) => v >= 1));
  const uni = Array.from({ length: 2000 }, () => drawTokens({ kind: 'uniform', min: 10, max: 20 }, rng));
  assert.equal(Math.min(...uni), 10);
  assert.equal(Math.max(...uni), 20);
});

test('CSV: quoted fields, doubled quotes, commas and line breaks inside quotes, CRLF, BOM', () => {
  assert.deepEqual(parseCsv('\ufeffa,b\r\n"x, y","say ""hi"""\r\n"multi\nline",2\n\n'), [
    ['a', 'b'],
    ['x, y', 'say "hi"'],
    ['multi\nline', '2'],
  ]);
  // A quote opens a quoted field only at the field's start; inside a plain field it is a quote.
  assert.deepEqual(parseCsv('5" screen,2\rx,"y"\n'), [
    ['5" screen', '2'],
    ['x', 'y'],
  ]);
});

test('templates fill {{column}} placeholders and leave unknown ones', () => {
  assert.equal(fillTemplate('Hi {{ name }}, {{missing}}', { name: 'Ada' }), 'Hi Ada, {{missing}}');
});

test('a wide prompt distribution is capped at the schema maximum of 2,000,000 tokens', () => {
  const rng = new SeededRandom(3);
  const draws = Array.from({ length: 2000 }, () => drawTokens({ kind: 'lognormal', median: 1_000_000, p95: 2_000_000 }, rng));
  assert.equal(Math.max(...draws), 2_000_000);
  assert.ok(draws.some((n) => n < 2_000_000));
  const normal = Array.from({ length: 100 }, () => drawTokens({ kind: 'normal', mean: 1_999_999, stddev: 1_000_000 }, rng));
  assert.equal(Math.max(...normal), 2_000_000);
});
