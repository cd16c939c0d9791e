import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from 'yaml';
import { applyOverrides, applyOverridesToText, parseOverridePath, parseSetArgument, type SetOverride } from '../../../src/core/scenario-overrides';

const SCENARIO = `name: demo
load:
  timeScale: 60  # compress
  stages:
    - { name: baseline, for: 5m, rate: 2/s }
    - name: spike
      for: 1m
      rate: 30x
workload:
  mix:
    - { name: faq, weight: 60 }
    - { name: agent, weight: 40 }
`;

function set(raw: string): SetOverride {
  const r = parseSetArgument(raw);
  if (!r.ok) throw new Error(r.message);
  return r.override;
}

test('paths and values parse as documented', () => {
  assert.deepEqual(parseOverridePath('load.stages[0].rate'), ['load', 'stages', 0, 'rate']);
  assert.deepEqual(set('load.timeScale=120').value, 120);
  assert.deepEqual(set('load.stages[0].rate=5/s').value, '5/s');
  assert.deepEqual(set('budget.onExceed=abort').value, 'abort');
  assert.deepEqual(set('workload.stream=false').value, false);
  assert.deepEqual(set('name="with: colon"').value, 'with: colon');
  assert.deepEqual(set('thresholds=[ttft.p95 < 2s]').value, ['ttft.p95 < 2s']);
  for (const bad of ['load.timeScale', '=1', 'load..x=1', 'load.stages[a]=1', 'load.stages[0=1', 'load.=1', '9x=1']) {
    const r = parseSetArgument(bad);
    assert.equal(r.ok, false, bad);
    if (!r.ok) assert.match(r.message, /^--set /, bad);
  }
});

test('existing scalars are spliced so every other position stays put', () => {
  const out = applyOverridesToText(SCENARIO, [set('load.timeScale=120'), set('load.stages[0].rate=5/s'), set('workload.mix[1].weight=0'), set('load.stages[1].for=2m')]);
  assert.deepEqual(out.errors, []);
  assert.equal(out.reserialized, false);
  assert.equal(out.text.split('\n').length, SCENARIO.split('\n').length);
  assert.match(out.text, /timeScale: 120  # compress/);
  assert.match(out.text, /- \{ name: baseline, for: 5m, rate: 5\/s \}/);
  assert.match(out.text, /- \{ name: agent, weight: 0 \}/);
  assert.match(out.text, /for: 2m/);
  const doc = parseDocument(out.text).toJS();
  assert.equal(doc.load.timeScale, 120);
  assert.equal(doc.workload.mix[1].weight, 0);
});

test('strings that YAML would misread are quoted, also inside flow maps', () => {
  const out = applyOverridesToText(SCENARIO, [set('workload.mix[0].name="a, b}"'), set('load.stages[0].name="123"')]);
  const doc = parseDocument(out.text).toJS();
  assert.equal(doc.workload.mix[0].name, 'a, b}');
  assert.equal(doc.load.stages[0].name, '123');
});

test('new keys are added (the text is re-serialized)', () => {
  const out = applyOverridesToText(SCENARIO, [set('budget.maxCostUsd=5'), set('load.maxInFlight=10')]);
  assert.deepEqual(out.errors, []);
  assert.equal(out.reserialized, true);
  const doc = parseDocument(out.text).toJS();
  assert.deepEqual(doc.budget, { maxCostUsd: 5 });
  assert.equal(doc.load.maxInFlight, 10);
  assert.equal(doc.load.timeScale, 60);
});

test('a bad path names the --set and what is wrong', () => {
  const cases: Array<[string, RegExp]> = [
    ['load.stages[5].rate=1/s', /^--set load\.stages\[5\]\.rate=1\/s: index \[5\] is out of range: load\.stages has 2 entries$/],
    ['name.first=x', /^--set name\.first=x: name is not a map/],
    ['load[0]=x', /^--set load\[0\]=x: load is not a list/],
    ['workload.mix.weight=1', /^--set workload\.mix\.weight=1: workload\.mix is not a map/],
  ];
  for (const [raw, expected] of cases) {
    const out = applyOverridesToText(SCENARIO, [set(raw)]);
    assert.equal(out.errors.length, 1, raw);
    assert.match(out.errors[0].message, expected);
    assert.equal(out.text, SCENARIO, 'text unchanged on error');
  }
});

test('applyOverrides works on a Document directly', () => {
  const doc = parseDocument(SCENARIO);
  assert.deepEqual(applyOverrides(doc, [set('load.timeScale=1')]), []);
  assert.equal(doc.getIn(['load', 'timeScale']), 1);
  assert.equal(applyOverrides(doc, [set('load.stages[9].rate=1')]).length, 1);
});

test('text that is not valid YAML is left for the analyzer to report', () => {
  const broken = 'name: [unclosed\n';
  const out = applyOverridesToText(broken, [set('name=x')]);
  assert.equal(out.text, broken);
  assert.deepEqual(out.errors, []);
});
