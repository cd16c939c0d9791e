// When a chart's layout can be reused. Chart.js lays a chart out again on every update: it finds
// each axis's data range, builds its ticks, formats and measures their labels and fits the boxes,
// which costs more than positioning the ~120 points it draws. That layout is a function of the
// chart's options, its canvas size and, per y axis, the range of the shown series on it (the x
// axis has a fixed min and max, so its data does not enter).
//
// The panel gives every y axis a max of its own, a "nice" number at or above the data's highest
// point (niceCeiling), so a new highest point changes the axis only when it passes that number;
// with the max set, Chart.js reads only the data's lowest point. Every y axis also begins at
// zero, and Chart.js then moves a positive minimum to zero before anything else reads it, so only
// min(lowest, 0) matters. A tick that changes neither, on a chart whose options and size did not
// change, lays the chart out exactly as before, so ChartBoard keeps the layout and updates only
// the data.
import type { PlotPoint } from './series-store';

export interface ShownSeries {
  axis: 'y' | 'y1';
  points: readonly PlotPoint[];
  /** Hidden by its legend toggle: Chart.js leaves it out of the axis range. */
  visible: boolean;
}

/** The lowest and highest y of the visible series on one axis ([Infinity, -Infinity] if none);
 * points at `ignoreX` (the last, partial second of an ended run) do not count for the highest. */
export function axisExtent(series: readonly ShownSeries[], axis: 'y' | 'y1', ignoreX: number | null = null): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    if (!s.visible || s.axis !== axis) continue;
    for (const p of s.points) {
      const v = p.y;
      if (p.x === ignoreX) {
        if (v < lo) lo = v;
        continue;
      }
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return [lo, hi];
}

/** What Chart.js's range of each y axis depends on, as one string: per axis, min(lowest, 0) and,
 * when the axis has no max of its own (`maxSet` false), max(highest, 0); `-` for an axis with no
 * value (Chart.js then uses its defaults). Both y axes begin at zero. */
export function axisRangeKey(series: readonly ShownSeries[], maxSet: { y: boolean; y1: boolean }): string {
  const part = (axis: 'y' | 'y1') => {
    const [lo, hi] = axisExtent(series, axis);
    if (lo > hi) return `${axis}:-`;
    return `${axis}:${Math.min(lo, 0)}..${maxSet[axis] ? 'set' : Math.max(hi, 0)}`;
  };
  return `${part('y')}|${part('y1')}`;
}

/** Mantissas of the axis tops: the data fills at least two thirds of the axis, and Chart.js
 * divides each top into at most six evenly spaced round ticks (with maxTicksLimit 6; 1.2 is left
 * out because Chart.js would tick it 0, 0.5, 1, 1.2). */
const NICE = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];

/** The smallest m × 10^k (m in NICE) at or above `v` (> 0): the top of an axis whose data
 * reaches v. Exact decimals (0.3, not 0.30000000000000004) so tick labels stay round. */
export function niceCeiling(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`niceCeiling of ${v}`);
  const k = Math.floor(Math.log10(v));
  const scaled = (m: number, e: number) => (e >= 0 ? m * 10 ** e : m / 10 ** -e);
  for (let e = k - 1; e <= k + 1; e++) {
    for (const m of NICE) {
      const candidate = scaled(m, e);
      if (candidate >= v) return candidate;
    }
  }
  return scaled(10, k + 1);
}
