// Arrivals counted per time bucket as a sorted trace streams by. Buckets start at 1 s and
// grow through widths that each divide the next and an hour, whenever there would be more than
// MAX_BUCKETS, so a month-long trace costs the same memory as a minute-long one and can still
// be cut into hours.

const MAX_BUCKETS = 65_536;

/** How much of each of `buckets` buckets a trace of `spanMs` covers: all of every one but the
 * last, which its end may cut short (at least 5 %, so a lone last arrival is not a spike). */
export function bucketExposures(buckets: number, bucketMs: number, spanMs: number): number[] {
  const last = Math.max(0.05, Math.min(1, spanMs / bucketMs - (buckets - 1)));
  return Array.from({ length: buckets }, (_, i) => (i < buckets - 1 ? 1 : last));
}

/** Arrivals per second in each bucket, over the part of it the trace covers. */
export function bucketRates(counts: readonly number[], bucketMs: number, spanMs: number): number[] {
  const exposures = bucketExposures(counts.length, bucketMs, spanMs);
  return counts.map((c, i) => c / ((exposures[i] * bucketMs) / 1000));
}
const WIDTHS_S = [1, 2, 4, 8, 16, 48, 144, 720, 3600, 86_400];

export class RateSeries {
  bucketMs = 1000;
  counts: number[] = [];
  firstMs: number | undefined;
  lastMs: number | undefined;

  add(timeMs: number): void {
    if (this.firstMs === undefined) this.firstMs = timeMs;
    this.lastMs = timeMs;
    let i = Math.floor((timeMs - this.firstMs) / this.bucketMs);
    while (i >= MAX_BUCKETS) {
      this.coarsen();
      i = Math.floor((timeMs - this.firstMs) / this.bucketMs);
    }
    while (this.counts.length <= i) this.counts.push(0);
    this.counts[i]++;
  }

  /** Span of the trace: first to last arrival, plus one mean gap (the last arrival's share). */
  get spanMs(): number {
    if (this.firstMs === undefined || this.lastMs === undefined) return 0;
    const n = this.counts.reduce((a, b) => a + b, 0);
    const raw = this.lastMs - this.firstMs;
    return n > 1 ? raw + raw / (n - 1) : Math.max(raw, 1000);
  }

  /** Counts re-bucketed to `widthMs` (a multiple of the current width). */
  rebucket(widthMs: number): number[] {
    const k = Math.max(1, Math.round(widthMs / this.bucketMs));
    const out: number[] = [];
    for (let i = 0; i < this.counts.length; i++) {
      const j = Math.floor(i / k);
      out[j] = (out[j] ?? 0) + this.counts[i];
    }
    return out;
  }

  private coarsen(): void {
    const next = WIDTHS_S.find((w) => w * 1000 > this.bucketMs) ?? (this.bucketMs / 1000) * 2;
    const k = Math.round((next * 1000) / this.bucketMs);
    const merged: number[] = [];
    for (let i = 0; i < this.counts.length; i += k) {
      let c = 0;
      for (let j = i; j < i + k && j < this.counts.length; j++) c += this.counts[j];
      merged.push(c);
    }
    this.counts = merged;
    this.bucketMs = next * 1000;
  }
}
