// The engine as Artillery drives it — constructed with the script, createScenario, one virtual
// user — but in this process, with an emitter that keeps the metric events, against the embedded
// instant mock. (scale-out.test.ts runs it under real Artillery.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COUNTERS, HISTOGRAMS, requestOutcomeCounter, stageMetric } from '../../../src/core/artillery-metrics';
import { StampedeEngine, readEngineConfig, workerSeed, workerShare } from '../../../src/artillery/stampede-engine';

const SCENARIO = `name: engine test
seed: 3
providers:
  - { id: m, type: mock, profile: instant }
workload:
  stream: true
  mix: [{ name: a, weight: 1, promptTokens: 20, maxTokens: 6 }]
load:
  arrival: uniform
  stages:
    - { name: one, for: 1s, rate: 20/s }
    - { name: two, for: 1s, rate: 10/s }
`;

function collect(ee: EventEmitter) {
  const counters: Record<string, number> = {};
  const histograms: Record<string, number[]> = {};
  const errors: string[] = [];
  let started = 0;
  ee.on('counter', (name: string, value: number) => (counters[name] = (counters[name] ?? 0) + value));
  ee.on('histogram', (name: string, value: number) => (histograms[name] ??= []).push(value));
  ee.on('error', (code: string) => errors.push(code));
  ee.on('started', () => started++);
  return { counters, histograms, errors, started: () => started };
}

function runUser(engine: StampedeEngine, ee: EventEmitter): Promise<Error | null> {
  const vu = engine.createScenario({}, ee);
  return new Promise((resolve) => vu({ vars: {} }, (error) => resolve(error)));
}

test('one virtual user runs its worker share and emits every sample as Artillery metrics', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-engine-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'test.stampede.yaml'), SCENARIO);
  const script = { config: { stampede: { scenario: 'test.stampede.yaml', workers: 2, set: ['load.stages[1].rate=4/s'] } }, _scriptPath: join(dir, 'artillery.yml') };
  const engine = new StampedeEngine(script);
  const ee = new EventEmitter();
  const m = collect(ee);
  const prev = process.env.STAMPEDE_WORKER_INDEX;
  process.env.STAMPEDE_WORKER_INDEX = '1';
  t.after(() => (prev === undefined ? delete process.env.STAMPEDE_WORKER_INDEX : (process.env.STAMPEDE_WORKER_INDEX = prev)));
  const error = await runUser(engine, ee);
  assert.equal(error, null);
  assert.equal(m.started(), 1);
  assert.equal(m.counters[COUNTERS.workers], 1);
  // Half of 20/s for 1 s, then half of 4/s (the --set) for 1 s.
  assert.equal(m.counters[stageMetric(0, 'sent')], 10);
  assert.equal(m.counters[stageMetric(1, 'sent')], 2);
  assert.equal(m.counters[COUNTERS.sent], 12);
  assert.equal(m.counters[requestOutcomeCounter('ok')], 12);
  assert.equal(m.counters[COUNTERS.finished], 12);
  assert.equal(m.counters[requestOutcomeCounter('rate_limited')], 0, 'every counter exists, at 0 when nothing happened');
  assert.equal(m.histograms[HISTOGRAMS.ttft].length, 12);
  assert.equal(m.histograms[HISTOGRAMS.e2e].length, 12);
  assert.equal(m.histograms[stageMetric(0, 'ttft')].length, 10);
  assert.ok(m.histograms[HISTOGRAMS.itl].length >= 12 * 4, 'ITL gaps of 6-token streams');
  assert.equal(m.counters[COUNTERS.outputTokens], 12 * 6);
  assert.ok(m.counters[COUNTERS.workerMs] >= 1900);
  assert.equal(m.counters['stampede.end.completed'], 1);
});

test('a scenario that cannot run fails the virtual user with the file and line, and counts an error', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-engine-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'bad.stampede.yaml'), SCENARIO.replace('rate: 10/s', 'rate: ten'));
  const engine = new StampedeEngine({ config: { stampede: { scenario: 'bad.stampede.yaml', workers: 1 } }, _scriptPath: join(dir, 'artillery.yml') });
  const ee = new EventEmitter();
  const m = collect(ee);
  const error = await runUser(engine, ee);
  assert.match(error?.message ?? '', /bad\.stampede\.yaml:\d+:\d+: /);
  assert.deepEqual(m.errors, ['stampede_worker_failed']);
});

test('config.stampede and STAMPEDE_WORKER_INDEX are checked with messages that name them', () => {
  assert.throws(() => readEngineConfig({ config: {} }), /config\.stampede is missing/);
  assert.throws(() => readEngineConfig({ config: { stampede: { scenario: 'a.yaml', workers: 1.5 } } }), /config\.stampede\.workers must be a whole number/);
  assert.throws(() => readEngineConfig({ config: { stampede: { scenario: '' } } }), /config\.stampede\.scenario/);
  assert.throws(() => readEngineConfig({ config: { stampede: { scenario: 'a', set: [1] } } }), /config\.stampede\.set/);
  assert.deepEqual(readEngineConfig({ config: { stampede: { scenario: 'a.yaml' } } }), { scenario: 'a.yaml', workers: 1, set: [] });
  assert.throws(() => workerShare(2, { STAMPEDE_WORKER_INDEX: '2' }), /use 0 to 1/);
  const numbered = workerShare(4, { STAMPEDE_WORKER_INDEX: '3' });
  assert.deepEqual(numbered, { workers: 4, index: 3, numbered: true });
  assert.equal(workerSeed(7, numbered), workerSeed(7, numbered), 'a numbered worker repeats its seed');
  assert.notEqual(workerSeed(7, numbered), workerSeed(7, { ...numbered, index: 2 }));
  const anonymous = workerShare(4, {});
  assert.ok(anonymous.index >= 0 && anonymous.index < 4 && !anonymous.numbered);
});

test('a second virtual user in the same worker is refused: the share runs once', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-engine-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'one.stampede.yaml'), SCENARIO.replace('for: 1s, rate: 20/s', 'for: 1s, rate: 2/s'));
  const engine = new StampedeEngine({ config: { stampede: { scenario: 'one.stampede.yaml', workers: 1 } }, _scriptPath: join(dir, 'artillery.yml') });
  const ee = new EventEmitter();
  collect(ee);
  const [first, second] = await Promise.all([runUser(engine, ee), runUser(engine, ee)]);
  assert.equal(first, null);
  assert.match(second?.message ?? '', /config\.phases must start exactly one per worker/);
});
