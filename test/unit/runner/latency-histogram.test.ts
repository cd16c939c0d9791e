import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newHistogram, percentilesOf, recordMs } from '../../../src/runner/latency-histogram';

/** The library's own path, as recordMs did before it computed the bucket itself. */
function recordWithLibrary(h: ReturnType<typeof newHistogram>, ms: number): void {
  let us = Math.round(ms * 1000);
  if (!(us > 0)) us = 0;
  else if (us > 3_600_000_000) us = 3_600_000_000;
  h.recordValue(us);
}

test('recordMs fills exactly the buckets, min, max and count that recordValue does', () => {
  const fast = newHistogram();
  const lib = newHistogram();
  const values: number[] = [0, 0.0004, 0.001, 0.0015, 1, 2.047, 2.048, 2.049, 4.095, 4.096, 1000, 65_535, 3_600_000, 5_000_000, -3];
  let x = 12345;
  for (let i = 0; i < 20_000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    // Spread over every power of two from 1 µs to about an hour.
    values.push((x / 2 ** 32) * 2 ** ((i % 32) - 10));
  }
  for (const v of values) {
    recordMs(fast, v);
    recordWithLibrary(lib, v);
  }
  assert.equal(fast.totalCount, lib.totalCount);
  assert.equal(fast.maxValue, lib.maxValue);
  assert.equal(fast.minNonZeroValue, lib.minNonZeroValue);
  const view = (h: ReturnType<typeof newHistogram>) => h as unknown as { countsArrayLength: number; getCountAtIndex(i: number): number };
  const n = view(lib).countsArrayLength;
  for (let i = 0; i < n; i++) assert.equal(view(fast).getCountAtIndex(i), view(lib).getCountAtIndex(i), `bucket ${i}`);
  assert.deepEqual(percentilesOf(fast), percentilesOf(lib));
});

test('merging per-second histograms with add() gives the same percentiles as recording into one', () => {
  const whole = newHistogram();
  const merged = newHistogram();
  const second = newHistogram();
  for (let s = 0; s < 5; s++) {
    second.reset();
    for (let i = 0; i < 500; i++) {
      const ms = 1 + ((i * 7919 + s * 104_729) % 10_000) / 13;
      recordMs(whole, ms);
      recordMs(second, ms);
    }
    merged.add(second);
  }
  assert.deepEqual(percentilesOf(merged), percentilesOf(whole));
});
