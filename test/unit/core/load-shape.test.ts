import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeScenario } from '../../../src/core/analyze-scenario';
import { levelAt, segmentAt } from '../../../src/core/load-shape';
import type { PlanLoad } from '../../../src/core/plan';

function loadOf(loadYaml: string): PlanLoad {
  const text = `name: shape\nworkload:\n  mix:\n    - { name: chat }\nload:\n${loadYaml}`;
  const { plan, problems } = analyzeScenario(text);
  assert.deepEqual(problems, []);
  assert.ok(plan);
  return plan.load;
}

const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} != ${expected}`);

test('stages become back-to-back segments with multiples of the baseline', () => {
  const load = loadOf(`  stages:
    - { name: baseline, for: 15s, rate: 4/s }
    - { name: ramp, for: 15s, rampTo: 3x }
    - { name: spike, for: 20s, rate: 8x }
    - { for: 10s, rate: 1x }
`);
  assert.equal(load.baseline, 4);
  assert.equal(load.durationMs, 60_000);
  assert.deepEqual(
    load.segments.map((s) => [s.stage, s.stageIndex, s.startMs, s.endMs, s.shape, s.from, s.to]),
    [
      ['baseline', 0, 0, 15_000, 'constant', 4, 4],
      ['ramp', 1, 15_000, 30_000, 'linear', 4, 12],
      ['spike', 2, 30_000, 50_000, 'constant', 32, 32],
      ['stage 4', 3, 50_000, 60_000, 'constant', 4, 4],
    ],
  );
});

test('segment boundaries: the start belongs to the segment, the end to the next', () => {
  const load = loadOf(`  stages:
    - { for: 10s, rate: 2/s }
    - { for: 10s, rate: 6/s }
`);
  assert.equal(segmentAt(load, 0)?.stageIndex, 0);
  assert.equal(segmentAt(load, 9_999)?.stageIndex, 0);
  assert.equal(segmentAt(load, 10_000)?.stageIndex, 1);
  assert.equal(segmentAt(load, 20_000), undefined);
  assert.equal(segmentAt(load, -1), undefined);
  assert.equal(levelAt(load, 10_000), 6);
  assert.equal(levelAt(load, 20_000), 0);
  assert.equal(levelAt(load, 99_000), 0);
});

test('ramp end points and midpoint, from the previous level when the stage gives none', () => {
  const load = loadOf(`  stages:
    - { for: 10s, rate: 2/s }
    - { for: 10s, rampTo: 12/s }
    - { for: 10s, rate: 20/s, rampTo: 0/s }
    - { for: 10s }
`);
  const [, up, down, hold] = load.segments;
  assert.deepEqual([up.from, up.to], [2, 12]);
  assert.equal(levelAt(load, 10_000), 2);
  close(levelAt(load, 15_000), 7);
  close(levelAt(load, 19_999.999), 12 - 10 * (0.001 / 10_000));
  assert.deepEqual([down.from, down.to], [20, 0]);
  close(levelAt(load, 25_000), 10);
  assert.deepEqual([hold.shape, hold.from, hold.to], ['constant', 0, 0]);
});

test('rates in other units and bare numbers', () => {
  const load = loadOf(`  stages:
    - { for: 1m, rate: 120/m }
    - { for: 1m, rate: 3 }
    - { for: 1m, rate: 7200/h }
`);
  assert.deepEqual(load.segments.map((s) => s.from), [2, 3, 2]);
});

test('timeScale divides durations and periods, not rates', () => {
  const load = loadOf(`  timeScale: 60
  stages:
    - { name: baseline, for: 10m, rate: 2/s }
    - { name: campaign, for: 1h, rate: 10x }
    - { name: wave, for: 30m, diurnal: { peak: 30x, period: 20m } }
`);
  assert.equal(load.timeScale, 60);
  assert.deepEqual(load.segments.map((s) => [s.startMs, s.endMs]), [[0, 10_000], [10_000, 70_000], [70_000, 100_000]]);
  assert.equal(load.segments[1].from, 20);
  assert.equal(load.segments[2].periodMs, 20_000);
  assert.equal(load.durationMs, 100_000);
});

test('diurnal wave: start, quarter, half and full period', () => {
  const load = loadOf(`  stages:
    - { for: 10s, rate: 10/s }
    - { for: 40s, diurnal: { peak: 3x, period: 20s } }
`);
  const wave = load.segments[1];
  assert.deepEqual([wave.shape, wave.from, wave.to, wave.periodMs], ['sine', 10, 30, 20_000]);
  close(levelAt(load, 10_000), 10);
  close(levelAt(load, 15_000), 20);
  close(levelAt(load, 20_000), 30);
  close(levelAt(load, 25_000), 20);
  close(levelAt(load, 30_000), 10);
  close(levelAt(load, 40_000), 30);
});

test('diurnal period defaults to the stage duration', () => {
  const load = loadOf(`  stages:
    - { for: 24h, rate: 1/s, diurnal: { peak: 5/s } }
`);
  assert.equal(load.segments[0].periodMs, 86_400_000);
  close(levelAt(load, 43_200_000), 5);
  close(levelAt(load, 21_600_000), 3);
});

test('closed model: users, multiples and think time', () => {
  const load = loadOf(`  model: closed
  thinkTime: 1s..3s
  stages:
    - { for: 10s, users: 5 }
    - { for: 10s, rampTo: 20 }
    - { for: 10s, users: 4x }
`);
  assert.equal(load.model, 'closed');
  assert.equal(load.baseline, 5);
  assert.deepEqual([load.thinkTimeMinMs, load.thinkTimeMaxMs], [1000, 3000]);
  assert.deepEqual(load.segments.map((s) => [s.from, s.to]), [[5, 5], [5, 20], [20, 20]]);
});

test('defaults of the load section', () => {
  const load = loadOf(`  stages:
    - { for: 1s, rate: 1/s }
`);
  assert.equal(load.model, 'open');
  assert.equal(load.arrival, 'poisson');
  assert.equal(load.timeScale, 1);
  assert.equal(load.maxInFlight, 1000);
  assert.deepEqual([load.thinkTimeMinMs, load.thinkTimeMaxMs], [0, 0]);
});
