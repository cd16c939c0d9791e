// What the parts of a run — arrivals (open-arrivals.ts, closed-users.ts), the request flow
// (request-flow.ts) and the windows (run-windows.ts) — need from the run itself: its plan, its
// clock and phase, a log, and the ways to end it. engine.ts's Run is the one implementation.
import type { ResolvedPlan } from '../core/plan';
import type { LogEntry } from '../protocol/run-events';

/** starting: setting up providers; running: the load shape; draining: the shape ended and
 * requests in flight may finish; ending: finishing (aborting, summarising); ended: done sent. */
export type RunPhase = 'starting' | 'running' | 'draining' | 'ending' | 'ended';

export interface RunControl {
  readonly plan: ResolvedPlan;
  readonly phase: RunPhase;
  /** performance.now() at run time 0; 0 until the run starts. */
  readonly t0: number;
  /** Scales the load shape's level (RunHandle.setMultiplier); 1 = as planned. */
  readonly multiplier: number;
  /** Run time in ms (performance.now() - t0). */
  now(): number;
  log(level: LogEntry['level'], message: string): void;
  /** Runs a timer callback; an exception ends the run with endReason 'error'. */
  guarded(fn: () => void): void;
  /** The stage a run time falls in (the last stage past the end). */
  stageIndexAt(tMs: number): number;
  stop(reason: 'stopped' | 'aborted', message?: string): void;
  /** Ends the run now: aborts what is in flight, builds the summary, sends done. */
  finish(): Promise<void>;
}
