// The live thresholds list: each threshold's pass/fail, latest value and the second it first
// broke, from the ticks as they come; and at the end the "what broke first" timeline.
import type { RunStartInfo } from '../src/protocol/panel-messages';
import type { RunSummary, ThresholdState, TickPoint, TracePosition } from '../src/protocol/run-events';

export interface ThresholdRow {
  id: string;
  source: string;
  metric: string;
  pass: boolean | null;
  value: number | null;
  /** Seconds since start of the first breach, and the stage it happened in. */
  firstBreachT: number | null;
  firstBreachStage: string | null;
}

export interface ThresholdFlip {
  id: string;
  /** Tick second at which the state changed. */
  t: number;
  pass: boolean | null;
}

export interface TimelineEntry {
  id: string;
  source: string;
  metric: string;
  t: number;
  stage: string;
  targetLevel: number;
  achievedRate: number;
  value: number;
  /** Replay: where in the trace it broke, and the rate the trace recorded there. */
  trace?: TracePosition;
}

export class ThresholdBoard {
  private readonly rows = new Map<string, ThresholdRow>();

  reset(start: RunStartInfo | null): void {
    this.rows.clear();
    for (const th of start?.thresholds ?? []) {
      this.rows.set(th.id, { ...th, pass: null, value: null, firstBreachT: null, firstBreachStage: null });
    }
  }

  list(): ThresholdRow[] {
    return [...this.rows.values()];
  }

  get(id: string): ThresholdRow | undefined {
    return this.rows.get(id);
  }

  /** Applies a tick's threshold states; returns the thresholds whose pass/fail changed. */
  applyPoint(point: TickPoint): ThresholdFlip[] {
    const flips: ThresholdFlip[] = [];
    for (const state of point.thresholds) {
      const before = this.rows.get(state.id);
      if (before?.pass !== state.pass) flips.push({ id: state.id, t: point.t, pass: state.pass });
      this.set(state, before, point.t, point.stage);
    }
    return flips;
  }

  applySummary(summary: RunSummary): void {
    for (const state of summary.thresholds) this.set(state, this.rows.get(state.id), null, null);
  }

  private set(state: ThresholdState, before: ThresholdRow | undefined, t: number | null, stage: string | null): void {
    let firstT = before?.firstBreachT ?? null;
    let firstStage = before?.firstBreachStage ?? null;
    if (state.firstBreach) {
      firstT = state.firstBreach.t;
      firstStage = state.firstBreach.stage;
    } else if (state.pass === false && firstT === null && t !== null) {
      // A runner that reports the failure before filling firstBreach: the tick is the moment.
      firstT = t;
      firstStage = stage;
    }
    this.rows.set(state.id, {
      id: state.id,
      source: state.source,
      metric: state.metric,
      pass: state.pass,
      value: state.value,
      firstBreachT: firstT,
      firstBreachStage: firstStage,
    });
  }
}

/** The "what broke first" timeline: every threshold that breached, earliest first. */
export function breachTimeline(summary: RunSummary): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const th of summary.thresholds) {
    const b = th.firstBreach;
    if (!b) continue;
    const entry: TimelineEntry = {
      id: th.id,
      source: th.source,
      metric: th.metric,
      t: b.t,
      stage: b.stage,
      targetLevel: b.targetLevel,
      achievedRate: b.achievedRate,
      value: b.value,
    };
    if (b.trace) entry.trace = b.trace;
    entries.push(entry);
  }
  return entries.sort((a, b) => a.t - b.t || a.id.localeCompare(b.id));
}
