import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeScenario } from '../../../src/core/analyze-scenario';

function laughs(levels: number, fanOut: number): string {
  let text = `name: lol\nl0: &a0 [${Array(fanOut).fill('"lol"').join(',')}]\n`;
  for (let i = 1; i < levels; i++) text += `l${i}: &a${i} [${Array(fanOut).fill(`*a${i - 1}`).join(',')}]\n`;
  return text;
}

// The issue asks that a billion-laughs file fail fast; the bound is generous for a shared machine.
test('a billion-laughs file fails fast with a clear problem', () => {
  const started = performance.now();
  const { problems, plan } = analyzeScenario(laughs(10, 10));
  const elapsed = performance.now() - started;
  assert.equal(plan, null);
  assert.equal(problems.length, 1);
  assert.equal(problems[0].code, 'alias-limit');
  assert.match(problems[0].message, /too many alias expansions/);
  assert.ok(elapsed < 5000, `took ${elapsed} ms`);
});

test('a deeper and wider bomb is stopped as quickly', () => {
  const started = performance.now();
  const { problems } = analyzeScenario(laughs(30, 30));
  assert.equal(problems[0]?.code, 'alias-limit');
  assert.ok(performance.now() - started < 5000);
});

test('ordinary anchors, aliases and merge keys still work', () => {
  const text = `name: anchors
workload:
  mix:
    - &chat { name: chat, maxTokens: 100, promptTokens: 300 }
    - { <<: *chat, name: chat-long, maxTokens: 800 }
load:
  stages:
    - &step { for: 10s, rate: 2/s }
    - *step
`;
  const { problems, plan } = analyzeScenario(text);
  assert.deepEqual(problems, []);
  assert.deepEqual(plan?.workload.mix.map((m) => [m.name, m.maxTokens]), [['chat', 100], ['chat-long', 800]]);
  assert.equal(plan?.load.segments.length, 2);
});
