// What the panel shows, as plain state: fed the host's messages, it keeps the chart series, the
// thresholds list and the KPI figures. No DOM here, so it is tested in plain Node.
import type { HostMessage, RunStartInfo } from '../src/protocol/panel-messages';
import type { RunSummary, TickPoint } from '../src/protocol/run-events';
import { CHARTS, errorsIn, finishedIn, type ChartSpec } from './chart-catalog';
import { SeriesStore } from './series-store';
import { ThresholdBoard, type ThresholdFlip } from './threshold-board';

/** Seconds the error share KPI is taken over: one second at a low rate is too noisy to read. */
export const ERROR_WINDOW_S = 10;

export interface Kpis {
  achievedRate: number | null;
  targetLevel: number | null;
  ttftP95: number | null;
  errorShare: number | null;
  tokensPerSecond: number | null;
  cost: number | null;
  multiplier: number;
}

export interface ModelChange {
  /** A new run (or a replay): every view must redraw from scratch. */
  reset: boolean;
  appended: number;
  ended: boolean;
  flips: ThresholdFlip[];
}

export class PanelModel {
  readonly store: SeriesStore;
  readonly thresholds = new ThresholdBoard();
  start: RunStartInfo | null = null;
  summary: RunSummary | null = null;
  live = false;
  /** Set by the host when it shows a run it did not watch to its end (after a window reload). */
  note: string | null = null;
  /** The latest ticks, enough for windowed KPIs. */
  private recent: TickPoint[] = [];

  constructor(readonly charts: readonly ChartSpec[] = CHARTS) {
    this.store = new SeriesStore(charts);
  }

  apply(message: HostMessage): ModelChange {
    const change: ModelChange = { reset: false, appended: 0, ended: false, flips: [] };
    // A comparison is shown by its own view; the live run's state stays as it is.
    if (message.type === 'compare') return change;
    if (message.type === 'replay') {
      this.begin(message.start);
      this.live = message.live;
      this.note = message.note ?? null;
      change.reset = true;
    } else if (message.start) {
      this.begin(message.start);
      this.live = true;
      this.note = null;
      change.reset = true;
    }
    change.appended = this.store.append(message.points);
    for (const p of message.points.slice(message.points.length - change.appended)) {
      change.flips.push(...this.thresholds.applyPoint(p));
      this.recent.push(p);
    }
    if (this.recent.length > ERROR_WINDOW_S * 2) this.recent = this.recent.slice(-ERROR_WINDOW_S);
    if (message.summary) {
      this.summary = message.summary;
      this.live = false;
      this.thresholds.applySummary(message.summary);
      change.ended = true;
    }
    return change;
  }

  get lastPoint(): TickPoint | null {
    return this.recent[this.recent.length - 1] ?? null;
  }

  /** Seconds on the shared x axis: the planned length, or longer if the run went past it. */
  get xMax(): number {
    const planned = this.start ? this.start.durationMs / 1000 : 0;
    return Math.max(planned, this.store.lastSecond, 1);
  }

  kpis(): Kpis {
    const s = this.summary;
    const last = this.lastPoint;
    if (s) {
      return {
        achievedRate: s.requests.rate,
        targetLevel: last?.targetLevel ?? null,
        ttftP95: s.ttft.p95,
        errorShare: s.metrics['errors.rate'] ?? null,
        tokensPerSecond: s.tokens.perSecond,
        cost: s.cost.total,
        multiplier: last?.multiplier ?? 1,
      };
    }
    if (!last) {
      return { achievedRate: null, targetLevel: null, ttftP95: null, errorShare: null, tokensPerSecond: null, cost: null, multiplier: 1 };
    }
    let finished = 0;
    let errors = 0;
    for (const p of this.recent.slice(-ERROR_WINDOW_S)) {
      finished += finishedIn(p);
      errors += errorsIn(p);
    }
    return {
      achievedRate: last.achievedRate,
      targetLevel: last.targetLevel,
      ttftP95: last.ttft.p95,
      errorShare: finished > 0 ? errors / finished : null,
      tokensPerSecond: last.tokensPerSecond,
      cost: last.costCumulative,
      multiplier: last.multiplier,
    };
  }

  private begin(start: RunStartInfo | null): void {
    this.start = start;
    this.summary = null;
    this.recent = [];
    this.store.reset();
    this.thresholds.reset(start);
  }
}
