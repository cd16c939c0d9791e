// What a chart draws of one series: at most about MAX_DISPLAY points, kept up to date in place.
// Points are grouped into buckets of a power-of-two number of seconds and each bucket keeps its
// lowest and highest point (in time order), so spikes survive. Finished buckets are computed
// once; a tick only redoes the last, unfinished bucket, and the bucket size doubles (one
// rebuild) when the run outgrows it. A tick then costs the same with an hour on the chart as
// with a minute, where decimating the whole series on every update (Chart.js's decimation
// plugin) costs time in proportion to its length.
import type { PlotPoint } from './series-store';

/** Buckets kept at most, two points each: about one point per two pixels of a chart's width. */
export const MAX_BUCKETS = 60;

export class DisplaySeries {
  /** The points the chart's dataset references; changed in place. */
  readonly points: PlotPoint[] = [];
  private bucket = 1;
  /** Source points covered by finished buckets. */
  private done = 0;
  /** Display points of finished buckets. */
  private fixed = 0;
  /** Source length at the last sync. */
  private synced = 0;

  constructor(private readonly source: PlotPoint[]) {}

  /** Brings the display points up to date with the source; returns whether they changed. */
  sync(): boolean {
    const n = this.source.length;
    if (n === this.synced) return false;
    this.synced = n;
    if (n < this.done) this.rebuild(1);
    else if (Math.ceil(n / this.bucket) > MAX_BUCKETS) {
      let size = this.bucket;
      while (Math.ceil(n / size) > MAX_BUCKETS) size *= 2;
      this.rebuild(size);
    }
    this.points.length = this.fixed;
    while (n - this.done >= this.bucket) {
      this.pushBucket(this.done, this.done + this.bucket);
      this.done += this.bucket;
    }
    this.fixed = this.points.length;
    if (n > this.done) this.pushBucket(this.done, n);
    // The line reaches the latest second whatever its bucket's extremes are.
    const last = this.source[n - 1];
    if (last && this.points[this.points.length - 1] !== last) this.add(last);
    return true;
  }

  /** The source was emptied and refilled (a new run): build the view again on the next sync. */
  reset(): void {
    this.rebuild(1);
    this.synced = -1;
  }

  private rebuild(size: number): void {
    this.bucket = size;
    this.done = 0;
    this.fixed = 0;
    this.points.length = 0;
  }

  private pushBucket(from: number, to: number): void {
    const src = this.source;
    if (to - from === 1) {
      this.add(src[from]!);
      return;
    }
    let lo = from;
    let hi = from;
    for (let i = from + 1; i < to; i++) {
      const y = src[i]!.y;
      if (y < src[lo]!.y) lo = i;
      if (y > src[hi]!.y) hi = i;
    }
    // All equal: the first and the last keep the line's extent.
    if (lo === hi) this.add(src[from]!, src[to - 1]!);
    else if (lo < hi) this.add(src[lo]!, src[hi]!);
    else this.add(src[hi]!, src[lo]!);
  }

  /** Appends by index, not push: Chart.js wraps the push of a dataset's array to log each change
   * for its next full update, a log that data-only updates (ChartBoard) would never empty. It
   * finds new and removed points by the array's length instead. */
  private add(a: PlotPoint, b?: PlotPoint): void {
    const points = this.points;
    points[points.length] = a;
    if (b) points[points.length] = b;
  }
}
