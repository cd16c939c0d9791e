// A RunControl for testing the run's parts on their own (arrivals, the request flow, windows):
// the plan, a clock starting now, a phase the test sets, and what was logged, stopped or finished.
import { performance } from 'node:perf_hooks';
import { segmentAt } from '../../../../src/core/load-shape';
import type { ResolvedPlan } from '../../../../src/core/plan';
import type { LogEntry } from '../../../../src/protocol/run-events';
import type { RunControl, RunPhase } from '../../../../src/runner/run-control';

export interface FakeRun extends RunControl {
  phase: RunPhase;
  t0: number;
  multiplier: number;
  logs: Array<{ level: LogEntry['level']; message: string }>;
  stops: Array<{ reason: 'stopped' | 'aborted'; message?: string }>;
  finishes: number;
  errors: unknown[];
  /** When set, now() returns it (a clock the test moves); else the real time since t0. */
  clock: number | null;
  /** Moves the test's clock on by `ms` (starting it at 0). */
  advance(ms: number): void;
}

export function fakeRun(plan: ResolvedPlan): FakeRun {
  const run: FakeRun = {
    plan,
    phase: 'running',
    t0: performance.now(),
    multiplier: 1,
    logs: [],
    stops: [],
    finishes: 0,
    errors: [],
    clock: null,
    advance: (ms) => void (run.clock = (run.clock ?? 0) + ms),
    now: () => run.clock ?? performance.now() - run.t0,
    log: (level, message) => void run.logs.push({ level, message }),
    guarded: (fn) => {
      try {
        fn();
      } catch (error) {
        run.errors.push(error);
      }
    },
    stageIndexAt: (tMs) => segmentAt(plan.load, Math.min(tMs, plan.load.durationMs - 1))?.stageIndex ?? 0,
    stop: (reason, message) => void run.stops.push({ reason, message }),
    finish: async () => {
      run.finishes++;
    },
  };
  return run;
}
