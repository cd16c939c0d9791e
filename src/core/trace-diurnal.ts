// The daily wave of a trace that spans days: the first harmonic of its hour-of-day profile
// gives the trough, the peak and when they come. The fitted scenario starts at a trough, so the
// language's `diurnal` stage (a wave that starts at its low point) lines up with the trace.
// Bursts are found against the wave, not against the day's average, and the wave is fitted
// again without the hours they fill (a 10x hour would otherwise pull the wave's peak towards
// it); a day with a burst is written as ramps that follow the wave, with the burst between them.
import { bucketExposures } from './trace-rate-series';
import { BURST_FACTOR, type FittedBurst, type FittedStage } from './trace-stages';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A trace shorter than this has no daily shape to speak of. */
export const DIURNAL_MIN_SPAN_MS = 36 * HOUR;
/** Peak over trough below which a trace is not called diurnal. */
const MIN_SWING = 1.5;
/** Length of the ramps that stand in for the wave on a day with a burst. */
const RAMP_MS = 2 * HOUR;

export interface DiurnalFit {
  stages: FittedStage[];
  bursts: FittedBurst[];
  troughRate: number;
  peakRate: number;
  /** Hour of day (UTC for epoch timestamps, else hours since the start) of trough and peak. */
  troughHour: number;
  peakHour: number;
  /** Trace time the scenario's wave starts at (the first trough). */
  shiftMs: number;
  typicalRate: number;
}

interface Wave {
  mean: number;
  troughRate: number;
  peakRate: number;
  /** Hour of day of the peak (the trough is 12 h later). */
  peakHour: number;
}

/** Whether `count` arrivals where `expected` were due is a burst (a noise margin for small
 * counts). */
function isBurst(count: number, expected: number): boolean {
  return count >= BURST_FACTOR * expected && count >= expected + 4 * Math.sqrt(expected) + 2;
}

/** The first harmonic of the hour-of-day profile, leaving out the hours in `skip`. */
function fitWave(hourly: readonly number[], startHour: number, spanMs: number, skip: ReadonlySet<number>): Wave {
  const sums = new Array<number>(24).fill(0);
  const hours = new Array<number>(24).fill(0);
  const exposures = bucketExposures(hourly.length, HOUR, spanMs);
  hourly.forEach((c, j) => {
    if (skip.has(j)) return;
    const hod = Math.floor(startHour + j) % 24;
    sums[hod] += c;
    hours[hod] += exposures[j];
  });
  const profile = sums.map((s, h) => (hours[h] > 0 ? s / hours[h] / 3600 : 0));
  const mean = profile.reduce((a, b) => a + b, 0) / 24;
  let c = 0;
  let s = 0;
  profile.forEach((p, h) => {
    c += p * Math.cos((2 * Math.PI * (h + 0.5)) / 24);
    s += p * Math.sin((2 * Math.PI * (h + 0.5)) / 24);
  });
  const amplitude = (2 / 24) * Math.hypot(c, s);
  return {
    mean,
    troughRate: Math.max(mean * 0.02, mean - amplitude),
    peakRate: mean + amplitude,
    peakHour: (((Math.atan2(s, c) * 24) / (2 * Math.PI)) % 24 + 24) % 24,
  };
}

/** The wave's rate at `traceMs` (ms from the trace's first arrival). */
function waveLevel(wave: Wave, startHour: number, traceMs: number): number {
  const fromPeak = (traceMs / HOUR + startHour - wave.peakHour) / 24;
  return wave.troughRate + ((wave.peakRate - wave.troughRate) * (1 + Math.cos(2 * Math.PI * fromPeak))) / 2;
}

/** hourly: arrivals per hour from the trace's first arrival; fit: counts per `fitBucketMs`. */
export function fitDiurnal(hourly: readonly number[], firstMs: number, spanMs: number, fit: readonly number[], fitBucketMs: number): DiurnalFit | null {
  if (spanMs < DIURNAL_MIN_SPAN_MS || hourly.length < 36) return null;
  const startHour = firstMs >= 1e11 ? (firstMs % DAY) / HOUR : 0;
  const first = fitWave(hourly, startHour, spanMs, new Set());
  const burstHours = new Set<number>();
  hourly.forEach((c, j) => {
    if (isBurst(c, waveLevel(first, startHour, (j + 0.5) * HOUR) * 3600)) burstHours.add(j);
  });
  // Every day of an hour a burst: leave the profile as it is.
  const wave = burstHours.size && burstHours.size < hourly.length / 2 ? fitWave(hourly, startHour, spanMs, burstHours) : first;
  const { mean, troughRate, peakRate, peakHour } = wave;
  if (mean <= 0 || peakRate / troughRate < MIN_SWING) return null;
  const troughHour = (peakHour + 12) % 24;
  const shiftMs = (((troughHour - startHour) % 24) + 24) % 24 * HOUR;
  const level = (traceMs: number) => waveLevel(wave, startHour, traceMs);

  const bursts: FittedBurst[] = [];
  const bucketS = fitBucketMs / 1000;
  let open: { from: number; count: number; expected: number } | null = null;
  const close = (to: number) => {
    if (!open) return;
    const startMs = open.from * fitBucketMs;
    const durationMs = Math.min(spanMs, to * fitBucketMs) - startMs;
    bursts.push({ name: `burst ${bursts.length + 1}`, startMs, durationMs, factor: open.count / open.expected, rate: open.count / (durationMs / 1000) });
    open = null;
  };
  fit.forEach((count, i) => {
    const expected = level((i + 0.5) * fitBucketMs) * bucketS;
    if (isBurst(count, expected)) {
      if (!open) open = { from: i, count: 0, expected: 0 };
      open.count += count;
      open.expected += expected;
    } else close(i);
  });
  close(fit.length);

  const days = Math.max(1, Math.round((spanMs - shiftMs) / DAY));
  const stages: FittedStage[] = [];
  let waveFrom: number | null = null;
  const flushWave = (toDay: number) => {
    if (waveFrom === null) return;
    const startMs = shiftMs + waveFrom * DAY;
    const name = toDay - waveFrom === 1 ? `day ${waveFrom + 1}` : `days ${waveFrom + 1}-${toDay}`;
    stages.push({ name, startMs, durationMs: (toDay - waveFrom) * DAY, rate: troughRate, diurnal: { peak: peakRate, periodMs: DAY }, kind: 'wave' });
    waveFrom = null;
  };
  for (let d = 0; d < days; d++) {
    const dayStart = shiftMs + d * DAY;
    const dayEnd = dayStart + DAY;
    const inDay = bursts.filter((b) => b.startMs < dayEnd && b.startMs + b.durationMs > dayStart);
    if (!inDay.length) {
      waveFrom ??= d;
      continue;
    }
    flushWave(d);
    // Ramps every RAMP_MS that follow the wave, cut at each burst's edges.
    const cuts = new Set<number>([dayStart, dayEnd]);
    for (let t = dayStart + RAMP_MS; t < dayEnd; t += RAMP_MS) if (!inDay.some((b) => b.startMs < t && t < b.startMs + b.durationMs)) cuts.add(t);
    for (const b of inDay) {
      cuts.add(Math.max(dayStart, b.startMs));
      cuts.add(Math.min(dayEnd, b.startMs + b.durationMs));
    }
    const points = [...cuts].sort((a, b) => a - b);
    for (let k = 0; k + 1 < points.length; k++) {
      const [from, to] = [points[k], points[k + 1]];
      if (to - from <= 0) continue;
      const burst = inDay.find((b) => b.startMs <= from && to <= b.startMs + b.durationMs);
      if (burst) {
        stages.push({ name: burst.name, startMs: from, durationMs: to - from, rate: burst.factor * level((from + to) / 2), kind: 'burst' });
      } else {
        const hoursIn = Math.round(((from - dayStart) / HOUR) * 10) / 10;
        stages.push({ name: `day ${d + 1} +${hoursIn}h`, startMs: from, durationMs: to - from, rate: level(from), rampTo: level(to), kind: 'ramp' });
      }
    }
  }
  flushWave(days);
  return { stages, bursts, troughRate, peakRate, troughHour, peakHour, shiftMs, typicalRate: mean };
}
