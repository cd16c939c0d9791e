// HDR histograms of integer microseconds, reported in milliseconds with 3 decimals.
import { build, type Histogram } from 'hdr-histogram-js';
import type { Percentiles } from '../protocol/run-events';

const HIGHEST_US = 3_600_000_000; // one hour; longer values are clamped

export function newHistogram(): Histogram {
  return build({ bitBucketSize: 32, lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 3, autoResize: false, useWebAssembly: false });
}

/** The parts of hdr-histogram-js's JsHistogram that recording touches. */
interface RecordView {
  unitMagnitude: number;
  subBucketHalfCountMagnitude: number;
  subBucketHalfCount: number;
  countsArrayLength: number;
  incrementCountAtIndex(index: number): void;
  updateMinAndMax(value: number): void;
  incrementTotalCount(): void;
}

/**
 * Records one latency. The library's recordValue finds the bucket with Math.log2 and two
 * Math.pow per call; every value here is an integer below 2^32 (HIGHEST_US), so the same
 * bucket and sub-bucket come from Math.clz32 and shifts. The index formula is the library's
 * (countsArrayIndex), so the counts, min, max and total are exactly what recordValue leaves.
 */
export function recordMs(h: Histogram, ms: number): void {
  let us = Math.round(ms * 1000);
  if (!(us > 0)) us = 0;
  else if (us > HIGHEST_US) us = HIGHEST_US;
  const v = h as unknown as RecordView;
  const unit = v.unitMagnitude;
  const half = v.subBucketHalfCountMagnitude;
  let bucket = 31 - Math.clz32(us) - half - unit;
  if (bucket < 0) bucket = 0;
  const index = ((bucket + 1) << half) + (us >>> (bucket + unit)) - v.subBucketHalfCount;
  if (index >= v.countsArrayLength) {
    h.recordValue(us);
    return;
  }
  v.incrementCountAtIndex(index);
  v.updateMinAndMax(us);
  v.incrementTotalCount();
}

const toMs = (us: number): number => Math.round(us) / 1000;

export const EMPTY_PERCENTILES: Percentiles = Object.freeze({ p50: null, p90: null, p95: null, p99: null, max: null, mean: null, min: null, count: 0 });

/** The parts of hdr-histogram-js's JsHistogram used for a one-pass summary (the library's own
 * getValueAtPercentile and mean each walk the whole counts array, mean through an iterator). */
interface CountsView {
  countsArrayLength: number;
  getCountAtIndex(index: number): number;
  valueFromIndex(index: number): number;
  highestEquivalentValue(value: number): number;
  medianEquivalentValue(value: number): number;
}

const PERCENTILES = [50, 90, 95, 99] as const;

/** p50/p90/p95/p99/mean in one walk over the counts, with the library's rounding rules. */
export function percentilesOf(h: Histogram): Percentiles {
  const count = h.totalCount;
  if (count === 0) return { ...EMPTY_PERCENTILES };
  const view = h as unknown as CountsView;
  const max = h.maxValue;
  const targets = PERCENTILES.map((p) => Math.max(Math.ceil((p / 100) * count - 1e-9), 1));
  const values = [0, 0, 0, 0];
  let next = 0;
  let seen = 0;
  let sum = 0;
  const n = view.countsArrayLength;
  for (let i = 0; i < n && seen < count; i++) {
    const c = view.getCountAtIndex(i);
    if (c === 0) continue;
    const v = view.valueFromIndex(i);
    seen += c;
    sum += c * view.medianEquivalentValue(v);
    while (next < 4 && seen >= targets[next]) values[next++] = view.highestEquivalentValue(v);
  }
  // HDR reports the top of a value's bucket; clamp so a percentile never exceeds the max.
  const at = (i: number) => toMs(Math.min(values[i], max));
  return {
    p50: at(0),
    p90: at(1),
    p95: at(2),
    p99: at(3),
    max: toMs(max),
    mean: Math.round(sum / count) / 1000,
    min: toMs(h.minNonZeroValue === Number.MAX_SAFE_INTEGER ? 0 : h.minNonZeroValue),
    count,
  };
}
