// The plotted points of every chart series, kept as arrays the charts reference directly: new
// ticks are appended in place and a new run empties them in place, so a chart is never rebuilt
// and Chart.js never re-parses (parsing: false reads {x, y} as they are).
import type { TickPoint } from '../src/protocol/run-events';
import type { ChartSpec } from './chart-catalog';

export interface PlotPoint {
  x: number;
  y: number;
  /** The series' own value when y is a stacked sum. */
  own?: number;
}

export class SeriesStore {
  /** chart id -> series id -> points in x order. */
  private readonly data = new Map<string, Map<string, PlotPoint[]>>();
  private lastT = Number.NEGATIVE_INFINITY;
  private count = 0;
  /** Charts with a value above zero so far. */
  private readonly nonZero = new Set<string>();

  constructor(private readonly charts: readonly ChartSpec[]) {
    for (const chart of charts) {
      const bySeries = new Map<string, PlotPoint[]>();
      for (const s of chart.series) bySeries.set(s.id, []);
      this.data.set(chart.id, bySeries);
    }
  }

  points(chartId: string, seriesId: string): PlotPoint[] {
    const arr = this.data.get(chartId)?.get(seriesId);
    if (!arr) throw new Error(`unknown series ${chartId}/${seriesId}`);
    return arr;
  }

  /** Ticks seen since the last reset. */
  get tickCount(): number {
    return this.count;
  }

  /** Seconds of the latest tick, or 0 before the first. */
  get lastSecond(): number {
    return this.count > 0 ? this.lastT : 0;
  }

  hasData(chartId: string): boolean {
    const bySeries = this.data.get(chartId);
    if (!bySeries) return false;
    for (const arr of bySeries.values()) if (arr.length > 0) return true;
    return false;
  }

  /** Whether any series of the chart has had a value above zero. */
  hasNonZero(chartId: string): boolean {
    return this.nonZero.has(chartId);
  }

  reset(): void {
    this.nonZero.clear();
    for (const bySeries of this.data.values()) for (const arr of bySeries.values()) arr.length = 0;
    this.lastT = Number.NEGATIVE_INFINITY;
    this.count = 0;
  }

  /** Appends ticks; a tick at or before the latest one (a duplicate after a replay) is skipped,
   * keeping every series sorted as the decimation plugin requires. Returns how many were added. */
  append(points: readonly TickPoint[]): number {
    let added = 0;
    for (const p of points) {
      if (p.t <= this.lastT) continue;
      this.lastT = p.t;
      this.count++;
      added++;
      for (const chart of this.charts) {
        const bySeries = this.data.get(chart.id)!;
        for (const s of chart.series) {
          const y = s.value(p);
          if (y === null || !Number.isFinite(y)) continue;
          if (y > 0) this.nonZero.add(chart.id);
          const point: PlotPoint = { x: p.t, y };
          if (s.own) point.own = s.own(p) ?? 0;
          bySeries.get(s.id)!.push(point);
        }
      }
    }
    return added;
  }
}
