import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hoverAt, schemasAtPath, describeMetric } from '../../../src/core/schema-hover';
import type { SchemaNode } from '../../../src/core/scenario-schema';

const TEXT = `name: Hover target
providers:
  - { id: gpu, type: mock, profile: small-gpu }
workload:
  mix:
    - name: chat
      maxTokens: 100
load:
  stages:
    - { name: base, for: 10s, rate: 1/s }
thresholds:
  - ttft.p95 < 1.5s
  - expr: "errors.rate < 1%"
    abortOnFail: true
`;

const hoverOn = (needle: string, skip = 1) => {
  const offset = TEXT.indexOf(needle) + skip;
  assert.ok(offset >= skip, `no ${needle}`);
  return hoverAt(TEXT, offset);
};

test('a key shows its description, type and default', () => {
  const hover = hoverOn('maxTokens');
  assert.ok(hover);
  assert.match(hover.markdown, /\*\*maxTokens\*\*/);
  assert.match(hover.markdown, /max_tokens/);
  assert.match(hover.markdown, /Default: `256`/);
  assert.equal(TEXT.slice(hover.start, hover.end), 'maxTokens');
});

test('a key inside a flow mapping and a $ref field show the definition\'s expectations', () => {
  const hover = hoverOn('for:');
  assert.ok(hover);
  assert.match(hover.markdown, /How long the stage lasts/);
  assert.match(hover.markdown, /duration such as 250ms/);
  assert.match(hover.markdown, /Examples?: `30s`/);
});

test('an enum value shows what that value means', () => {
  const hover = hoverOn('small-gpu', 2);
  assert.ok(hover);
  assert.match(hover.markdown, /^`small-gpu` — a modest GPU/);
  assert.match(hover.markdown, /Allowed: `instant`/);
});

test('a threshold shows its metric\'s meaning and unit', () => {
  const plain = hoverOn('ttft.p95');
  assert.ok(plain);
  assert.match(plain.markdown, /\*\*ttft\.p95\*\* — milliseconds/);
  assert.match(plain.markdown, /first content token/);
  assert.equal(TEXT.slice(plain.start, plain.end), 'ttft.p95');
  const quoted = hoverOn('errors.rate');
  assert.ok(quoted);
  assert.match(quoted.markdown, /\*\*errors\.rate\*\* — a share/);
  assert.equal(TEXT.slice(quoted.start, quoted.end), 'errors.rate');
});

test('a top-level key and unknown places', () => {
  assert.match(hoverOn('thresholds')?.markdown ?? '', /Pass\/fail criteria/);
  assert.equal(hoverAt('nonsense: 1\n', 2), undefined);
  assert.equal(hoverAt('{{{', 1), undefined);
  assert.match(describeMetric('ttft') ?? '', /ttft\.p95/);
});

test('schema navigation follows $ref, oneOf and additionalProperties', () => {
  const root: SchemaNode = {
    type: 'object',
    properties: {
      a: { $ref: '#/definitions/thing' },
      m: { type: 'object', additionalProperties: { type: 'string', description: 'a value' } },
    },
    definitions: { thing: { oneOf: [{ type: 'object', properties: { x: { description: 'X' } } }, { type: 'string' }] } },
  };
  assert.equal(schemasAtPath(['a', 'x'], root)[0]?.description, 'X');
  assert.equal(schemasAtPath(['m', 'anything'], root)[0]?.description, 'a value');
  assert.deepEqual(schemasAtPath(['nope'], root), []);
});
