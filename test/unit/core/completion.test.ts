import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completeAt, itemSnippets } from '../../../src/core/schema-completion';
import { cursorContext } from '../../../src/core/completion-cursor';
import { analyzeScenario } from '../../../src/core/analyze-scenario';
import { scenarioSchema } from '../../../src/core/scenario-schema';

/** Text with a `|` marking the cursor. */
function at(marked: string): { text: string; offset: number } {
  const offset = marked.indexOf('|');
  assert.ok(offset >= 0, 'no cursor mark');
  return { text: marked.slice(0, offset) + marked.slice(offset + 1), offset };
}

const labels = (marked: string) => {
  const { text, offset } = at(marked);
  return completeAt(text, offset).map((e) => e.label);
};

const HEAD = `name: x
providers:
  - id: primary
    type: openai
    baseUrl: https://api.example.com/v1
    model: m
  - id: spare
    type: mock
`;

test('top-level keys at an empty line of the root', () => {
  const got = labels('name: x\n|\n');
  for (const key of ['providers', 'workload', 'load', 'thresholds', 'budget', 'resilience', 'seed']) assert.ok(got.includes(key), key);
  assert.ok(!got.includes('name'), 'offers a key already present');
});

test('keys of a block mapping inside an array item, without the ones present', () => {
  const got = labels(`${HEAD}    |\n`);
  assert.ok(got.includes('profile') && got.includes('pricing') && got.includes('maxConnections'));
  assert.ok(!got.includes('id') && !got.includes('type'));
});

test('keys of a nested flow mapping', () => {
  const { text, offset } = at('name: x\nworkload:\n  mix:\n    - { name: faq, promptTokens: { med| } }\n');
  const ctx = cursorContext(text, offset);
  assert.deepEqual(ctx.path, ['workload', 'mix', 0, 'promptTokens']);
  assert.equal(ctx.kind, 'key');
  assert.equal(ctx.prefix, 'med');
  const got = completeAt(text, offset).map((e) => e.label);
  for (const key of ['max', 'mean', 'median', 'min', 'p95', 'stddev']) assert.ok(got.includes(key), key);
  assert.ok(!got.includes('name'), 'keys of the mix entry leak into promptTokens');
});

test('a flow mapping after a block key, and a flow sequence', () => {
  const retries = at('name: x\nresilience:\n  retries: { max: 2, back| }\n');
  const ctx = cursorContext(retries.text, retries.offset);
  assert.deepEqual(ctx.path, ['resilience', 'retries']);
  assert.deepEqual(ctx.siblings, ['max']);
  assert.ok(completeAt(retries.text, retries.offset).some((e) => e.label === 'backoff'));
  const on = at('name: x\nresilience:\n  retries: { on: [timeout, | ] }\n');
  assert.deepEqual(cursorContext(on.text, on.offset).path, ['resilience', 'retries', 'on', 0]);
  assert.ok(completeAt(on.text, on.offset).some((e) => e.label === 'rate_limited'));
});

test('a compact sequence (dash at the key column) still resolves its parent key', () => {
  const { text, offset } = at('name: x\nload:\n  stages:\n  - for: 1s\n    |\n');
  assert.deepEqual(cursorContext(text, offset).path, ['load', 'stages', 0]);
});

test('enum values for a field', () => {
  // Straight from the schema, so the language can grow without touching completion.
  const modelEnum = (scenarioSchema.properties?.load?.properties?.model?.enum ?? []).map(String);
  assert.ok(modelEnum.includes('open') && modelEnum.includes('closed'));
  // breaking-point needs a search to step through, replay a trace to replay: each offered once
  // the load has it, and then alone.
  assert.deepEqual(labels('name: x\nload:\n  model: |\n'), modelEnum.filter((m) => m !== 'breaking-point' && m !== 'replay'));
  assert.deepEqual(labels('name: x\nload:\n  model: |\n  search: { from: 1/s, to: 9/s, step: 1/s, hold: 5s }\n'), ['breaking-point']);
  assert.deepEqual(labels('name: x\nload:\n  model: |\n  trace: { file: traces/requests.jsonl }\n'), ['replay']);
  const profiles = labels(`${HEAD}    profile: |\n`);
  for (const profile of ['h100-8b', 'instant', 'rate-limited-api', 'small-gpu']) assert.ok(profiles.includes(profile), profile);
});

test('provider ids where a mix entry names its provider', () => {
  const got = labels(`${HEAD}workload:\n  mix:\n    - name: a\n      provider: |\n`);
  assert.deepEqual(got, ['primary', 'spare']);
});

test('units after a number in a duration field', () => {
  const got = labels('name: x\nload:\n  stages:\n    - name: a\n      for: 30|\n');
  for (const unit of ['30ms', '30s', '30m', '30h']) assert.ok(got.includes(unit), unit);
});

test('threshold metrics, then operators, then units', () => {
  const metrics = labels('name: x\nthresholds:\n  - |\n');
  assert.ok(metrics.includes('ttft.p95') && metrics.includes('errors.rate') && metrics.includes('cost.total'));
  const ops = labels('name: x\nthresholds:\n  - ttft.p95 |\n');
  assert.deepEqual(ops, ['<', '<=', '>', '>=', '==', '!=']);
  const msUnits = labels('name: x\nthresholds:\n  - ttft.p95 < 1.5|\n');
  assert.deepEqual(msUnits, ['1.5ms', '1.5s', '1.5m']);
  assert.deepEqual(labels('name: x\nthresholds:\n  - errors.rate < 5|\n'), ['5%']);
  const expr = labels('name: x\nthresholds:\n  - expr: e2e.p9|\n');
  assert.ok(expr.includes('e2e.p99'));
});

test('the metric entry replaces exactly the typed word', () => {
  const { text, offset } = at('name: x\nthresholds:\n  - ttf|\n');
  const entry = completeAt(text, offset).find((e) => e.label === 'ttft.p95');
  assert.ok(entry);
  assert.equal(text.slice(entry.start, entry.end), 'ttf');
});

test('key insert text follows the field type', () => {
  const { text, offset } = at('name: x\n|\n');
  const byLabel = new Map(completeAt(text, offset).map((e) => [e.label, e]));
  // With a value that validates: the first item of a list, an object's first useful field.
  assert.equal(byLabel.get('providers')?.insertText, 'providers:\n  - id: ${1:mock}\n    type: mock\n    profile: ${2|small-gpu,instant,h100-8b,rate-limited-api|}');
  assert.equal(byLabel.get('load')?.insertText, 'load:\n  stages:\n    - name: ${1:baseline}\n      for: ${2:30s}\n      rate: ${3:2/s}');
  assert.equal(byLabel.get('budget')?.insertText, 'budget:\n  maxCostUsd: ${1:\\$5}');
  assert.equal(byLabel.get('thresholds')?.insertText, 'thresholds:\n  - ${1:ttft.p95 < 1.5s}');
  assert.equal(byLabel.get('seed')?.insertText, 'seed: ${1:1}');
  const inFlow = at('name: x\nload:\n  stages:\n    - { for: 1s, r| }\n');
  const rate = completeAt(inFlow.text, inFlow.offset).find((e) => e.label === 'rate');
  assert.equal(rate?.insertText, 'rate: ${1:2/s}');
});

test('a new item of providers, mix and stages offers snippets', () => {
  assert.ok(labels(`${HEAD}  - |\n`).includes('provider: mock'));
  assert.ok(labels('name: x\nworkload:\n  mix:\n    - |\n').includes('mix entry'));
  const stages = labels('name: x\nload:\n  stages:\n    |\n');
  assert.ok(stages.includes('stage: ramp') && stages.includes('stage: constant rate'));
});

test('a stage picked after a typed "- " is indented under the dash, as the editor inserts it (whitespace kept)', () => {
  const { text, offset } = at('name: x\nload:\n  stages:\n    - name: baseline\n      for: 10s\n      rate: 2/s\n    - |\n');
  const spike = completeAt(text, offset).find((e) => e.label === 'stage: spike');
  assert.ok(spike);
  assert.equal(spike.insertText, 'name: ${1:spike}\n      for: ${2:20s}\n      rate: ${3:10x}');
  // On an empty line under stages: the dash comes with it, the rest under the dash's content.
  const empty = at('name: x\nload:\n  stages:\n    - { name: a, for: 1s, rate: 1/s }\n    |\n');
  const ramp = completeAt(empty.text, empty.offset).find((e) => e.label === 'stage: ramp');
  assert.equal(ramp?.insertText, '- name: ${1:ramp}\n      for: ${2:30s}\n      rampTo: ${3:5x}');
});

test('a provider is offered the fields of its type only, and its type only among those its fields fit', () => {
  const mock = labels('name: x\nproviders:\n  - id: m\n    type: mock\n    |\n');
  // `extract` applies to every provider type (validation accepts it on a mock).
  for (const field of ['baseUrl', 'url', 'body', 'headers', 'apiKey', 'method']) assert.ok(!mock.includes(field), `${field} offered under type: mock`);
  for (const field of ['profile', 'overrides', 'faults', 'responseCache']) assert.ok(mock.includes(field), field);
  const openai = labels('name: x\nproviders:\n  - id: o\n    type: openai\n    baseUrl: http://x/v1\n    model: m\n    |\n');
  assert.ok(openai.includes('apiKey') && openai.includes('headers') && !openai.includes('profile') && !openai.includes('url'));
  assert.deepEqual(labels('name: x\nproviders:\n  - id: m\n    type: |\n    profile: small-gpu\n'), ['mock']);
  assert.deepEqual(labels('name: x\nproviders:\n  - id: o\n    type: |\n    baseUrl: http://x/v1\n    model: m\n'), ['openai']);
});

const GATEWAY = `name: x
gateway:
  upstreams:
    - name: primary
      mock: { profile: instant }
      faults:
        - kind: outage
          at: 10s
          for: 5s
          status: 503
    - name: fallback
      url: http://127.0.0.1:9/v1
providers:
  - { id: g, type: openai, baseUrl: http://127.0.0.1:8787/v1, model: m }
workload:
  mix:
    - { name: a, weight: 1, promptTokens: { median: 10, p95: 20 }, maxTokens: 10 }
load:
  stages:
    - { name: base, for: 30s, rate: 1/s }
`;

/** Errors of `text` after `entry` is applied with its placeholders' defaults. */
function errorsAfter(text: string, label: string, offset: number): string[] {
  const entry = completeAt(text, offset).find((e) => e.label === label);
  assert.ok(entry, `${label} offered`);
  const insert = entry.insertText.replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d+/g, '');
  const result = text.slice(0, entry.start) + insert + text.slice(entry.end);
  return analyzeScenario(result, { fileName: 'x.stampede.yaml' }).problems.filter((p) => p.severity === 'error').map((p) => `${p.code}: ${p.message}`);
}

test('gateway: the key comes with an upstream, a fault kind fits its fields, an upstream name is not offered twice, url and mock exclude each other', () => {
  assert.deepEqual(analyzeScenario(GATEWAY, { fileName: 'x.stampede.yaml' }).problems.filter((p) => p.severity === 'error'), []);
  const noGateway = GATEWAY.replace(/^gateway:[\s\S]*?(?=^providers:)/m, '');
  const top = noGateway.indexOf('providers:');
  assert.deepEqual(errorsAfter(`${noGateway.slice(0, top)}\n${noGateway.slice(top)}`, 'gateway', top), []);
  const upstreamItems = labels('name: x\ngateway:\n  upstreams:\n    |\n');
  assert.ok(upstreamItems.some((l) => l.startsWith('upstream:')), upstreamItems.join(', '));
  // The outage has a status and no rate, add, rpm or tokensPerSecond: no other kind fits it.
  const kind = at(GATEWAY.replace('kind: outage', 'kind: |outage'));
  assert.deepEqual(completeAt(kind.text, kind.offset).map((e) => e.label), ['outage']);
  const name = at(GATEWAY.replace('name: fallback', 'name: |fallback'));
  assert.ok(!completeAt(name.text, name.offset).some((e) => e.label === 'primary'), 'primary offered to a second upstream');
  const mockKeys = labels(GATEWAY.replace('      faults:', '      |\n      faults:'));
  assert.ok(!mockKeys.includes('url') && mockKeys.includes('pricing'), mockKeys.join(', '));
  const urlKeys = labels(GATEWAY.replace('      url: http://127.0.0.1:9/v1\n', '      url: http://127.0.0.1:9/v1\n      |\n'));
  assert.ok(!urlKeys.includes('mock') && urlKeys.includes('faults'), urlKeys.join(', '));
  // An outage's fields: not those of other kinds.
  const faultKeys = labels(GATEWAY.replace('          status: 503\n', '          status: 503\n          |\n'));
  assert.ok(faultKeys.includes('mode') && !faultKeys.includes('rate') && !faultKeys.includes('add') && !faultKeys.includes('tokensPerSecond'), faultKeys.join(', '));
  // The same for a mock provider's faults.
  const mockFault = labels('name: x\nproviders:\n  - id: m\n    type: mock\n    faults:\n      - kind: latency\n        at: 1s\n        for: 1s\n        add: 1s\n        |\n');
  assert.ok(!mockFault.includes('status') && !mockFault.includes('rate'), mockFault.join(', '));
});

test('stage and load fields follow the load model', () => {
  const open = labels('name: x\nload:\n  model: open\n  stages:\n    - for: 1s\n      |\n');
  assert.ok(open.includes('rate') && !open.includes('users'));
  const closed = labels('name: x\nload:\n  model: closed\n  stages:\n    - for: 1s\n      |\n');
  assert.ok(closed.includes('users') && !closed.includes('rate'));
  assert.ok(!labels('name: x\nload:\n  model: open\n  |\n').includes('thinkTime'));
  assert.ok(labels('name: x\nload:\n  model: closed\n  |\n').includes('thinkTime'));
  assert.ok(!labels('name: x\nload:\n  model: |\n  stages:\n    - { for: 1s, users: 5 }\n').includes('open'));
});

test('nothing is offered in a comment, in the indentation before a line\'s content, or on a key that has its value', () => {
  assert.deepEqual(labels('name: x # a comm|ent\n'), []);
  assert.deepEqual(labels('name: x\nload:\n | model: open\n'), []);
  assert.deepEqual(labels('name: x\nload:\n  mo|del: open\n'), []);
});

test('a value is written so it reads back: strings quoted where YAML needs it, booleans bare', () => {
  const { text, offset } = at('name: x\nworkload:\n  stream: |\n');
  assert.deepEqual(completeAt(text, offset).map((e) => e.insertText), ['true', 'false']);
});

test('an empty file offers a whole scenario', () => {
  assert.ok(labels('|').includes('scenario'));
});

test('every property in the schema is reachable by completion', () => {
  // Walks the schema: each object's keys must be offered at an empty line of that object.
  const missing: string[] = [];
  const paths: Array<{ text: string; keys: string[] }> = [
    { text: 'name: x\nresilience:\n  retries:\n    |\n', keys: ['max', 'backoff', 'base', 'cap', 'jitter', 'respectRetryAfter', 'on'] },
    { text: 'name: x\nworkload:\n  cancellations:\n    |\n', keys: ['fraction', 'after'] },
    { text: 'name: x\nload:\n  stages:\n    - diurnal:\n        |\n', keys: ['peak', 'period'] },
    { text: 'name: x\nworkload:\n  mix:\n    - prompt:\n        data:\n          |\n', keys: ['file', 'format', 'order'] },
  ];
  for (const { text, keys } of paths) {
    const got = labels(text);
    for (const key of keys) if (!got.includes(key)) missing.push(`${key} in ${JSON.stringify(text)}`);
  }
  assert.deepEqual(missing, []);
  assert.ok(scenarioSchema.properties);
});

test('snippets, expanded with their defaults, validate clean', () => {
  const expand = (body: string) =>
    body
      .replace(/\$\{\d+\|([^,|]+)[^}]*\|\}/g, '$1')
      .replace(/\$\{\d+:((?:\\\}|[^}])*)\}/g, (_m, d: string) => d.replace(/\\([$}\\])/g, '$1'))
      .replace(/\$\d/g, '');
  const indent = (body: string, pad: string) => expand(body).split('\n').join(`\n${pad}`);
  for (const provider of itemSnippets('providers')) {
    const text = `name: x\nproviders:\n  - ${indent(provider.body, '    ')}\nworkload:\n  mix:\n    - { name: a }\nload:\n  stages:\n    - { for: 1s, rate: 1/s }\n`;
    const problems = analyzeScenario(text).problems.filter((p) => p.severity === 'error');
    assert.deepEqual(problems, [], provider.label);
  }
  for (const entry of itemSnippets('workload.mix')) {
    const text = `name: x\nworkload:\n  mix:\n    - ${indent(entry.body, '      ')}\nload:\n  stages:\n    - { for: 1s, rate: 1/s }\n`;
    assert.deepEqual(analyzeScenario(text).problems, [], entry.label);
  }
  for (const stage of itemSnippets('load.stages')) {
    const text = `name: x\nworkload:\n  mix:\n    - { name: a }\nload:\n  stages:\n    - { for: 1s, rate: 1/s }\n    - ${indent(stage.body, '      ')}\n`;
    assert.deepEqual(analyzeScenario(text).problems, [], stage.label);
  }
  for (const upstream of itemSnippets('gateway.upstreams')) {
    const text = `name: x\ngateway:\n  upstreams:\n    - ${indent(upstream.body, '      ')}\nproviders:\n  - { id: g, type: openai, baseUrl: http://127.0.0.1:8787/v1, model: m }\nworkload:\n  mix:\n    - { name: a }\nload:\n  stages:\n    - { for: 1s, rate: 1/s }\n`;
    assert.deepEqual(analyzeScenario(text).problems.filter((p) => p.severity === 'error'), [], upstream.label);
  }
});
