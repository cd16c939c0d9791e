// Regression tests for the hostile scenario files of issue 11: every one is refused by
// `validate` (and so by `run`) with a problem that names the field and the limit, at a
// position, without a stack overflow, an endless loop or a quadratic scan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeScenario } from '../../../src/core/analyze-scenario';
import type { Problem } from '../../../src/core/problem';

const BASE = `name: hostile
providers:
  - { id: mock, type: mock, profile: instant }
workload:
  mix:
    - { name: chat, weight: 1, promptTokens: 20, maxTokens: 5 }
`;

function errorsOf(text: string): Problem[] {
  const { problems, plan } = analyzeScenario(text);
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) assert.equal(plan, null);
  return errors;
}

function onlyError(text: string, code: RegExp | string, message: RegExp): Problem {
  const errors = errorsOf(text);
  const hit = errors.find((p) => (typeof code === 'string' ? p.code === code : code.test(p.code)) && message.test(p.message));
  assert.ok(hit, `expected an error ${code} ${message}, got ${JSON.stringify(errors.map((e) => [e.code, e.message, e.path]))}`);
  return hit;
}

test('a 600 h stage is refused: the run would outlast the 48 h limit (Node timers overflow past 2^31-1 ms)', () => {
  const p = onlyError(`${BASE}load:\n  stages:\n    - { for: 600h, rate: 1/s }\n`, 'out-of-range', /48h/);
  assert.match(p.path, /load/);
});

test('a duration longer than 2^31-1 ms anywhere is refused, not wrapped to 1 ms', () => {
  onlyError(`${BASE}load:\n  stages:\n    - { for: 10s, rate: 1/s }\nresilience:\n  timeouts: { ttft: 700h }\n`, /out-of-range|bad-duration/, /24h/);
  onlyError(`${BASE}load:\n  stages:\n    - { for: 10s, rate: 1/s }\nresilience:\n  retries: { max: 1, base: 600h }\n`, /out-of-range|bad-duration/, /24h/);
});

test('timeScale: 1e-300 is refused by validate', () => {
  const p = onlyError(`${BASE}load:\n  timeScale: 1e-300\n  stages:\n    - { for: 1s, rate: 1/s }\n`, /out-of-range|minimum/, /timeScale|0\.001/);
  assert.equal(p.path, 'load.timeScale');
});

test('users: 1000000000 is refused with the limit', () => {
  const p = onlyError(`${BASE}load:\n  model: closed\n  stages:\n    - { for: 1s, users: 1000000000 }\n`, /out-of-range|maximum/, /100000|100,000/);
  assert.equal(p.path, 'load.stages[0].users');
});

test('a multiple that resolves above the user or rate limit is refused', () => {
  onlyError(`${BASE}load:\n  model: closed\n  stages:\n    - { for: 1s, users: 1000 }\n    - { for: 1s, users: 1000x }\n`, 'out-of-range', /100000|100,000/);
  onlyError(`${BASE}load:\n  stages:\n    - { for: 1s, rate: 1000/s }\n    - { for: 1s, rate: 100000x }\n`, 'out-of-range', /1000000|1,000,000/);
});

test('10,000 stages of 1 ms are refused: at most 200 stages', () => {
  const stages = Array.from({ length: 10_000 }, () => '    - { for: 1ms, rate: 1/s }').join('\n');
  const p = onlyError(`${BASE}load:\n  stages:\n${stages}\n`, /too-many-items|maxItems/, /200/);
  assert.equal(p.path, 'load.stages');
});

test('a breaking-point step of 0.000001/s is reported as too many steps, not "Invalid array length"', () => {
  const p = onlyError(`${BASE}load:\n  model: breaking-point\n  search: { from: 1/s, to: 1000000/s, step: 0.000001/s, hold: 1s }\n`, 'too-many-steps', /at most 200/);
  assert.equal(p.path, 'load.search.step');
});

test('"- " x 10000 under workload: a nesting-depth problem with a position, never a stack overflow', () => {
  const text = `name: deep\nworkload:\n  ${'- '.repeat(10_000)}a\nload:\n  stages:\n    - { for: 1s, rate: 1/s }\n`;
  const p = onlyError(text, 'too-deep', /nest/);
  assert.equal(p.range.line, 3);
});

test('deep flow nesting is reported the same way', () => {
  const text = `name: deep\nworkload: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
  const p = onlyError(text, 'too-deep', /nest/);
  assert.equal(p.range.line, 2);
});

test('a self-referencing alias is a cycle reported at the alias, not a stack overflow', () => {
  const text = `name: x\nworkload: &w\n  mix: [*w]\nload: {stages: [{for: 1s, rate: 1/s}]}\n`;
  const p = onlyError(text, 'alias-cycle', /\*w/);
  assert.equal(p.range.line, 3);
});

test('an undefined alias is reported as undefined, not as too many expansions', () => {
  const p = onlyError(`name: x\nworkload: *nope\nload: {stages: [{for: 1s, rate: 1/s}]}\n`, 'undefined-alias', /\*nope/);
  assert.equal(p.range.line, 2);
  assert.doesNotMatch(p.message, /too many/);
});

test('${ scanning is linear: a 2 MB apiKey of "${" is checked in one pass', () => {
  // Quadratic scanning of 1,000,000 "${" would take hours; linear takes milliseconds.
  const text = `name: x\nproviders:\n  - { id: a, type: openai, baseUrl: "http://127.0.0.1:1", model: m, apiKey: "${'${'.repeat(1_000_000)}" }\n`;
  const errors = errorsOf(text);
  assert.ok(errors.some((p) => p.code === 'bad-interpolation'));
});

test('a valid scenario with 40,000 warnings is analyzed in linear time (a valid 400 KB file took 62 s)', () => {
  // Each problem used to be compared with every other one to drop duplicates: quadratic in the
  // number of problems, so a file of warnings (faults after the end of the run) took minutes.
  const faults = Array.from({ length: 1000 }, (_, i) => `{ kind: outage, at: ${i + 10}s, for: 1s }`).join(', ');
  const providers = Array.from({ length: 40 }, (_, i) => `  - { id: m${i}, type: mock, faults: [${faults}] }`).join('\n');
  const text = `name: warnings\nproviders:\n${providers}\nworkload:\n  mix: [{ name: a }]\nload:\n  stages: [{ for: 1s, rate: 1/s }]\n`;
  const { problems, plan } = analyzeScenario(text);
  assert.deepEqual(problems.filter((p) => p.severity === 'error'), []);
  assert.equal(problems.length, 40_000);
  assert.ok(plan);
});

test('mock overrides are validated like the rest: kvCacheTokens: -1 fails validate, not the run start', () => {
  const text = `name: x\nproviders:\n  - { id: m, type: mock, overrides: { kvCacheTokens: -1 } }\nworkload:\n  mix: [{ name: a }]\nload: {stages: [{for: 1s, rate: 1/s}]}\n`;
  const p = onlyError(text, /out-of-range|minimum/, /kvCacheTokens|>= 1/);
  assert.equal(p.path, 'providers[0].overrides.kvCacheTokens');
  onlyError(text.replace('kvCacheTokens: -1', 'batchSlotz: 3'), /unknown-field|additionalProperties/, /batchSlotz/);
  onlyError(text.replace('kvCacheTokens: -1', 'prefixCache: "maybe"'), /type|bad-value/, /true or false/);
});
