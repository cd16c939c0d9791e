// Work per turn of the event loop is bounded whatever the inputs, so a stop is never queued
// behind a long computation: the arrival walk over a long stretch of zero rate goes in slices,
// the arrivals owed at the end are integrated in closed form, closed users join in batches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { levelAt } from '../../../src/core/load-shape';
import type { PlanLoad, PlanSegment } from '../../../src/core/plan';
import { advanceArrival, arrivalsOwedFrom, nextArrivalAt, type ArrivalStep } from '../../../src/runner/arrivals';
import { makePlan } from '../runner/support/plan-fixture';
import { startCollecting } from '../runner/support/collect-run';
import { startScriptedServer } from '../runner/support/scripted-server';

const HOUR = 3_600_000;

function load(segments: Array<Partial<PlanSegment> & { from: number; ms: number }>, arrival: 'uniform' | 'poisson' = 'uniform'): PlanLoad {
  let start = 0;
  const segs = segments.map((s, i): PlanSegment => {
    const seg: PlanSegment = { stage: `s${i}`, stageIndex: i, startMs: start, endMs: start + s.ms, shape: s.shape ?? 'constant', from: s.from, to: s.to ?? s.from, ...(s.periodMs ? { periodMs: s.periodMs } : {}) };
    start += s.ms;
    return seg;
  });
  return { model: 'open', arrival, timeScale: 1, maxInFlight: 1000, thinkTimeMinMs: 0, thinkTimeMaxMs: 0, baseline: segs[0].from || 1, segments: segs, durationMs: start };
}

test('a 40 h pause is walked in slices of 1,000 s of shape, and the arrival after it is still found', () => {
  const l = load([{ from: 0, ms: 40 * HOUR }, { from: 2, ms: 10_000 }]);
  const first = advanceArrival(l, 1, 0, 1, 20_000);
  assert.ok('resumeFrom' in first, 'the walk stops at its budget');
  assert.equal(first.resumeFrom, 1_000_000);
  let step: ArrivalStep = first;
  let slices = 1;
  while ('resumeFrom' in step) {
    step = advanceArrival(l, 1, step.resumeFrom, step.need, 20_000);
    slices++;
  }
  assert.ok('at' in step);
  assert.equal(step.at, 40 * HOUR + 500);
  assert.equal(slices, 145);
  assert.equal(nextArrivalAt(l, 1, 0, 1), 40 * HOUR + 500);
});

/** The arrivals owed as the scheduler's 50 ms steps count them (the old way: step by step). */
function owedByStepping(l: PlanLoad, fromMs: number): number {
  let work = 0;
  for (let t = fromMs; t < l.durationMs; ) {
    const stepEnd = Math.min(l.durationMs, Math.floor(t / 50) * 50 + 50);
    work += (levelAt(l, t) * (stepEnd - t)) / 1000;
    t = stepEnd;
  }
  return l.arrival === 'uniform' ? Math.max(1, Math.ceil(work - 1e-6)) : 1 + Math.floor(work);
}

test('arrivals owed at the end are integrated in closed form: exact at constant rates, within an arrival or two on ramps and waves', () => {
  const constant = load([{ from: 20, ms: 2000 }, { from: 7, ms: 3000 }]);
  for (const from of [0, 1500, 1999, 2000, 4321]) assert.equal(arrivalsOwedFrom(constant, 1, from), owedByStepping(constant, from), `from ${from}`);
  const ramp = load([{ from: 5, ms: 10_000, shape: 'linear', to: 50 }, { from: 10, ms: 20_000, shape: 'sine', to: 40, periodMs: 7000 }]);
  for (const from of [0, 3333, 12_000]) assert.ok(Math.abs(arrivalsOwedFrom(ramp, 1, from) - owedByStepping(ramp, from)) <= 2, `from ${from}`);
  // A day behind costs the same as a second: no step per 50 ms.
  const day = load([{ from: 1000, ms: 24 * HOUR }]);
  assert.equal(arrivalsOwedFrom(day, 1, 0), 1000 * 24 * 3600);
});

test('a run paused at zero rate for hours stops at once and launches nothing', async () => {
  const server = await startScriptedServer((_req, res) => res.end('{}'));
  try {
    const plan = makePlan({ baseUrl: `${server.url}/v1`, segments: [{ from: 0, ms: 40 * HOUR }, { from: 5, ms: 1000 }] });
    const { handle, result } = startCollecting(plan);
    await new Promise((r) => setTimeout(r, 300));
    handle.stop('stopped', 'test stop');
    const r = await result;
    assert.equal(r.summary.requests.sent, 0);
    assert.equal(r.summary.endReason, 'stopped');
  } finally {
    await server.close();
  }
});

test('a wait longer than one Node timer can hold is chained, never fired after 1 ms', async () => {
  const { LongTimeout } = await import('../../../src/runner/long-timer');
  const { MAX_TIMER_MS } = await import('../../../src/core/limits');
  let fired = false;
  const t = new LongTimeout(() => (fired = true), MAX_TIMER_MS * 3 + 5);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(fired, false, 'a 74-day wait did not fire after 1 ms');
  t.clear();
  const short = new LongTimeout(() => (fired = true), 5);
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(fired, true);
  short.clear();
});
