// The contract between front ends (CLI, extension worker, tests) and the engine.
import type { ResolvedPlan } from '../core/plan';
import type { RunEvent, RunSummary } from '../protocol/run-events';
import type { RunSink } from './run-sink';

export interface RunOptions {
  plan: ResolvedPlan;
  /** Receives start, one tick per second, logs and done, in order. Must not throw. */
  onEvent: (event: RunEvent) => void;
  /** Resolves `${secret:NAME}`; undefined means the secret is missing (a clear error, not a crash). */
  resolveSecret?: (name: string) => Promise<string | undefined>;
  /** Resolves `${env:NAME}`; defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** Folder that relative prompt and data files are read from (the scenario file's folder). */
  baseDir?: string;
  /** Run id used in events and file names; generated when absent. */
  runId?: string;
  /** More consumers of every sample, outcome, token and cost as it happens, beside the local
   * per-second statistics (run-sink.ts). A sink that throws ends the run with an error. Runs
   * in this thread only: a run in a worker thread (worker-client.ts) cannot carry them. */
  sinks?: readonly RunSink[];
}

export interface RunHandle {
  readonly runId: string;
  /** Ends the run within one second; what was measured is kept and `done` resolves. */
  stop(reason?: 'stopped' | 'aborted', message?: string): void;
  /** Scales the target rate (open) or users (closed) from now on; 1 = as planned. */
  setMultiplier(multiplier: number): void;
  /** Resolves with the summary after the `done` event; never rejects. */
  readonly done: Promise<RunSummary>;
}
