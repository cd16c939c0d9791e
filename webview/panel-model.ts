// What the panel shows, as plain state: fed the host's messages, it keeps the chart series, the
// thresholds list and the KPI figures. No DOM here, so it is tested in plain Node.
import type { HostMessage, RunStartInfo } from '../src/protocol/panel-messages';
import type { RunSummary, TickPoint } from '../src/protocol/run-events';
import { RECENT_SECONDS, WINDOW, peakTarget, recentFigures, runFigures, type WindowLabel } from '../vocabulary/figures';
import { CHARTS, type ChartSpec } from './chart-catalog';
import { SeriesStore } from './series-store';
import { ThresholdBoard, type ThresholdFlip } from './threshold-board';

/** The tiles' figures, each with the window it is taken over (see vocabulary/figures.ts). */
export interface Kpis {
  achievedRate: number | null;
  achievedWindow: WindowLabel;
  /** The target now, or once the run is over its peak (its last target is 0). */
  targetLevel: number | null;
  targetIsPeak: boolean;
  ttftP95: number | null;
  ttftWindow: WindowLabel;
  errorRate: number | null;
  errorWindow: WindowLabel;
  tokensPerSecond: number | null;
  tokensWindow: WindowLabel;
  cost: number | null;
  costWindow: WindowLabel;
  costPerRequest: number | null;
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
  /** Highest target of the run so far. */
  private peak = 0;

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
    this.peak = Math.max(this.peak, peakTarget(this.recent));
    if (this.recent.length > RECENT_SECONDS * 2) this.recent = this.recent.slice(-RECENT_SECONDS);
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

  /** The second of an ended run's last tick when that tick covered less than a second (the
   * engine's final tick): its per-second rates, and the requests a Stop aborted at once, are
   * artefacts no axis should be scaled to. */
  get partialLastSecond(): number | null {
    const last = this.lastPoint;
    if (!this.summary || !last) return null;
    return this.summary.durationMs / 1000 < last.t - 0.001 ? last.t : null;
  }

  kpis(): Kpis {
    const s = this.summary;
    const last = this.lastPoint;
    if (s) {
      const figures = runFigures(s);
      return {
        achievedRate: s.requests.rate,
        achievedWindow: WINDOW.wholeRun,
        targetLevel: this.peak > 0 ? this.peak : null,
        targetIsPeak: true,
        ttftP95: figures.ttftP95,
        ttftWindow: WINDOW.wholeRun,
        errorRate: figures.errorRate,
        errorWindow: WINDOW.wholeRun,
        tokensPerSecond: s.tokens.perSecond,
        tokensWindow: WINDOW.wholeRun,
        cost: figures.costTotal,
        costWindow: WINDOW.wholeRun,
        costPerRequest: s.cost.perRequest,
        multiplier: last?.multiplier ?? 1,
      };
    }
    const recent = recentFigures(this.recent);
    return {
      achievedRate: last?.achievedRate ?? null,
      achievedWindow: WINDOW.achieved,
      targetLevel: last?.targetLevel ?? null,
      targetIsPeak: false,
      ttftP95: recent?.ttftP95 ?? null,
      ttftWindow: recent?.ttftWindow ?? WINDOW.recent,
      errorRate: recent?.errorRate ?? null,
      errorWindow: recent?.errorWindow ?? WINDOW.recent,
      tokensPerSecond: last?.tokensPerSecond ?? null,
      tokensWindow: WINDOW.second,
      cost: last?.costCumulative ?? null,
      costWindow: WINDOW.soFar,
      costPerRequest: null,
      multiplier: last?.multiplier ?? 1,
    };
  }

  private begin(start: RunStartInfo | null): void {
    this.start = start;
    this.summary = null;
    this.recent = [];
    this.peak = 0;
    this.store.reset();
    this.thresholds.reset(start);
  }
}
