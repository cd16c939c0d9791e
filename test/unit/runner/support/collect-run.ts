// Runs a plan in-process and collects its events.
import type { ResolvedPlan } from '../../../../src/core/plan';
import type { RunEvent, RunSummary, TickPoint, LogEntry } from '../../../../src/protocol/run-events';
import { startRun } from '../../../../src/runner/engine';
import type { RunHandle, RunOptions } from '../../../../src/runner/run-options';

export interface Collected {
  events: RunEvent[];
  ticks: TickPoint[];
  logs: LogEntry[];
  summary: RunSummary;
}

/** `events` fills as the run goes, for tests that act on its progress. */
export function startCollecting(plan: ResolvedPlan, extra: Partial<RunOptions> = {}): { handle: RunHandle; result: Promise<Collected>; events: readonly RunEvent[] } {
  const events: RunEvent[] = [];
  const handle = startRun({ plan, onEvent: (e) => events.push(e), ...extra });
  const result = handle.done.then((summary) => ({
    events,
    ticks: events.flatMap((e) => (e.type === 'tick' ? [e.point] : [])),
    logs: events.flatMap((e) => (e.type === 'log' ? [e.entry] : [])),
    summary,
  }));
  return { handle, result, events };
}

export function runPlan(plan: ResolvedPlan, extra: Partial<RunOptions> = {}): Promise<Collected> {
  return startCollecting(plan, extra).result;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
