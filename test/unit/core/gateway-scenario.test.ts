// The scenario language of issue 12: the gateway section, ${upstream:NAME}, expect on mix
// entries, extract on every provider type, and gateway thresholds — each mistake at its field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeScenario } from '../../../src/core/analyze-scenario';
import type { Problem } from '../../../src/core/problem';

const base = (extra: string, provider = `  - id: gw
    type: openai
    baseUrl: \${upstream:primary}/v1
    model: m
    pricing: { input: 1, output: 1 }`): string => `name: gateway
providers:
${provider}
workload:
  mix:
    - { name: chat }
load:
  timeScale: 2
  stages:
    - { for: 10s, rate: 2/s }
${extra}`;

const GATEWAY = `gateway:
  upstreams:
    - name: primary
      mock: { profile: instant }
      faults: [ { kind: outage, at: 4s, for: 2s, mode: refuse } ]
    - name: fallback
      url: http://127.0.0.1:9/base
      port: 18999
      pricing: { input: 0.5, output: 1 }
`;

const errors = (problems: Problem[]) => problems.filter((p) => p.severity === 'error').map((p) => `${p.code}@${p.range.line}: ${p.message}`);

test('a gateway section resolves: upstreams, faults on the run clock (timeScale applied), the default request id header', () => {
  const { plan, problems } = analyzeScenario(base(GATEWAY), { fileName: 'g.stampede.yaml' });
  assert.deepEqual(errors(problems), []);
  assert.deepEqual(plan!.gateway, {
    requestIdHeader: 'x-stampede-request-id',
    upstreams: [
      { name: 'primary', port: 0, host: '127.0.0.1', faults: [{ kind: 'outage', startMs: 2000, endMs: 3000, mode: 'refuse', status: 503 }], pricing: null, mock: { profile: 'instant', overrides: {} } },
      { name: 'fallback', port: 18999, host: '127.0.0.1', faults: [], pricing: { input: 0.5, output: 1 }, url: 'http://127.0.0.1:9/base' },
    ],
  });
  const off = analyzeScenario(base(GATEWAY + '  requestIdHeader: false\n'), { fileName: 'g.stampede.yaml' });
  assert.equal(off.plan!.gateway!.requestIdHeader, null);
});

test('mistakes are reported at their field: unknown upstream references, url and mock together, a port used twice', () => {
  const unknown = analyzeScenario(base(GATEWAY).replace('${upstream:primary}/v1', '${upstream:primry}/v1'), { fileName: 'g.stampede.yaml' });
  assert.match(errors(unknown.problems).join('\n'), /unknown-upstream@5: unknown upstream 'primry' — did you mean 'primary'\?/);
  const none = analyzeScenario(base(''), { fileName: 'g.stampede.yaml' });
  assert.match(errors(none.problems).join('\n'), /needs a 'gateway' section/);
  const both = analyzeScenario(base(GATEWAY.replace('mock: { profile: instant }', 'mock: { profile: instant }\n      url: http://x')), { fileName: 'g.stampede.yaml' });
  assert.match(errors(both.problems).join('\n'), /conflict@\d+: an upstream is a proxy in front of 'url' or of an embedded 'mock', not both/);
  const ports = analyzeScenario(base(GATEWAY.replace('    - name: primary\n', '    - name: primary\n      port: 18999\n')), { fileName: 'g.stampede.yaml' });
  assert.match(errors(ports.problems).join('\n'), /duplicate-port/);
});

test('faults on a real provider point at gateway.upstreams and stampede proxy', () => {
  const { problems } = analyzeScenario(base('', `  - id: real
    type: openai
    baseUrl: http://127.0.0.1:1/v1
    model: m
    pricing: { input: 1, output: 1 }
    faults: [ { kind: outage, at: 1s, for: 1s } ]`), { fileName: 'g.stampede.yaml' });
  const message = errors(problems).join('\n');
  assert.match(message, /'faults' applies to mock providers only: .*gateway\.upstreams .*stampede proxy --upstream URL --faults FILE/);
});

test('expect: checks resolve; a bad regex, a schema that does not compile and min > max are errors at their field', () => {
  const good = analyzeScenario(base(GATEWAY).replace('    - { name: chat }', '    - { name: chat, expect: { models: [m], contains: refund, matches: "^Order", jsonSchema: { type: object, required: [answer] }, minOutputTokens: 2, maxOutputTokens: 50, finishReason: stop } }'), { fileName: 'g.stampede.yaml' });
  assert.deepEqual(errors(good.problems), []);
  assert.deepEqual(good.plan!.workload.mix[0]!.expect, { models: ['m'], contains: ['refund'], matches: '^Order', jsonSchema: { type: 'object', required: ['answer'] }, minOutputTokens: 2, maxOutputTokens: 50, finishReasons: ['stop'] });
  const bad = analyzeScenario(base(GATEWAY).replace('    - { name: chat }', '    - { name: chat, expect: { matches: "(", jsonSchema: { type: nonsense }, minOutputTokens: 9, maxOutputTokens: 3 } }'), { fileName: 'g.stampede.yaml' });
  const message = errors(bad.problems).join('\n');
  assert.match(message, /bad-regex@\d+: not a valid regular expression/);
  assert.match(message, /bad-json-schema@\d+: not a valid JSON Schema \(draft-07\): type must be equal to one of the allowed values \(array, boolean/);
  assert.match(message, /out-of-range@\d+: maxOutputTokens \(3\) is below minOutputTokens \(9\)/);
});

test('expect.jsonSchema: a problem the runner would meet is an error at its place inside the schema, without ajv\'s compiler', () => {
  const scenario = (schema: string) => base(GATEWAY).replace('    - { name: chat }', `    - name: chat
      expect:
        jsonSchema:
${schema}`);
  const at = (schema: string) => {
    const { problems } = analyzeScenario(scenario(schema), { fileName: 'g.stampede.yaml' });
    return problems.filter((p) => p.severity === 'error').map((p) => ({ path: p.path, line: p.range.line, column: p.range.column, message: p.message }));
  };
  // The schema's first line is line 13 of the file; each error sits on its value.
  assert.deepEqual(at('          type: object\n          properties:\n            answer: { type: string, pattern: "(" }'), [
    { path: 'workload.mix[0].expect.jsonSchema.properties.answer.pattern', line: 15, column: 46, message: 'not a valid JSON Schema (draft-07): pattern is not a valid regular expression: /(/u: Unterminated group' },
  ]);
  assert.deepEqual(at('          type: object\n          required: answer'), [
    { path: 'workload.mix[0].expect.jsonSchema.required', line: 14, column: 21, message: 'not a valid JSON Schema (draft-07): required must be array' },
  ]);
  assert.deepEqual(at('          type: object\n          properties: { pattern: { type: string }, answer: { enum: [{ pattern: "(" }] } }'), []);
});

test('extract applies to openai providers, with an upstream rule mapped to upstream names', () => {
  const text = base(GATEWAY, `  - id: gw
    type: openai
    baseUrl: \${upstream:primary}/v1
    model: m
    pricing: { input: 1, output: 1 }
    extract:
      costUsd: header:x-cost
      upstream: { from: header:x-served-by, map: { a: primary, b: fallbak } }`);
  const { problems } = analyzeScenario(text, { fileName: 'g.stampede.yaml' });
  assert.deepEqual(errors(problems).map((e) => e.replace(/@\d+/, '')), ["unknown-upstream: unknown upstream 'fallbak' — did you mean 'fallback'?"]);
  const fixed = analyzeScenario(text.replace('fallbak', 'fallback'), { fileName: 'g.stampede.yaml' });
  assert.deepEqual(errors(fixed.problems), []);
  const p = fixed.plan!.providers[0]!;
  assert.deepEqual(p.extract, { costUsd: 'header:x-cost', upstream: { from: 'header:x-served-by', map: { a: 'primary', b: 'fallback' } } });
});

test('gateway thresholds: per-upstream metrics name a declared upstream; without a gateway they have no data', () => {
  const ok = analyzeScenario(base(GATEWAY + 'thresholds:\n  - gateway.failover.time < 2s\n  - gateway.share.fallback < 90%\n  - quality.primary > 99%\n  - unacceptable.rate < 1%\n'), { fileName: 'g.stampede.yaml' });
  assert.deepEqual(errors(ok.problems), []);
  assert.deepEqual(ok.plan!.thresholds.map((t) => [t.metric, t.value]), [['gateway.failover.time', 2000], ['gateway.share.fallback', 0.9], ['quality.primary', 0.99], ['unacceptable.rate', 0.01]]);
  const typo = analyzeScenario(base(GATEWAY + 'thresholds:\n  - gateway.share.fallbak < 90%\n'), { fileName: 'g.stampede.yaml' });
  assert.match(errors(typo.problems).join('\n'), /unknown upstream 'fallbak' in gateway.share.fallbak/);
  const without = analyzeScenario(base('thresholds:\n  - gateway.failover.time < 2s\n', `  - id: m\n    type: mock`), { fileName: 'g.stampede.yaml' });
  assert.ok(without.problems.some((p) => p.severity === 'warning' && /will have no data/.test(p.message)));
});
