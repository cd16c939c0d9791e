// Stages that follow a trace's arrival rate: the counts per bucket are cut where the rate
// changes (binary segmentation on the Poisson likelihood), short in-between pieces are folded
// into a neighbour, runs of steady steps in one direction become ramps, and pieces at twice
// the trace's typical rate or more are bursts, named in order. A trace that spans days gets a
// daily wave instead (see trace-diurnal.ts).
import { bucketExposures, bucketRates } from './trace-rate-series';

export interface FittedStage {
  name: string;
  /** Offset from the trace's start, and length, in trace milliseconds. */
  startMs: number;
  durationMs: number;
  /** Arrivals per second at the start of the stage. */
  rate: number;
  /** Linear ramp to this rate by the end of the stage. */
  rampTo?: number;
  /** A daily wave from `rate` up to `peak` and back, over `periodMs`. */
  diurnal?: { peak: number; periodMs: number };
  kind: 'baseline' | 'level' | 'ramp' | 'burst' | 'wave';
}

export interface FittedBurst {
  name: string;
  startMs: number;
  durationMs: number;
  /** Mean rate in the burst over the typical rate around it. */
  factor: number;
  rate: number;
}

/** A piece of the trace at a roughly constant rate: buckets [from, to). */
interface Piece {
  from: number;
  to: number;
  count: number;
  exposure: number;
}

/** Pieces at least this many times the typical rate are bursts. */
export const BURST_FACTOR = 2;
/** Neighbouring pieces within this ratio of each other are one level. */
const SAME_LEVEL = 1.2;
const MAX_PIECES = 24;

function rateOf(p: Piece): number {
  return p.exposure > 0 ? p.count / p.exposure : 0;
}

/** Poisson log-likelihood of a piece at its own rate (constant terms left out). */
function loglik(count: number, exposure: number): number {
  return count > 0 && exposure > 0 ? count * Math.log(count / exposure) - count : 0;
}

function median(values: number[]): number {
  if (!values.length) return 0;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Cuts counts (with per-bucket exposure, 1 except a partial last bucket) into pieces. */
export function segmentCounts(counts: readonly number[], exposures: readonly number[]): Array<{ from: number; to: number }> {
  const n = counts.length;
  const cumC = [0];
  const cumE = [0];
  for (let i = 0; i < n; i++) {
    cumC.push(cumC[i] + counts[i]);
    cumE.push(cumE[i] + exposures[i]);
  }
  const piece = (from: number, to: number): Piece => ({ from, to, count: cumC[to] - cumC[from], exposure: cumE[to] - cumE[from] });
  // A cut must beat the penalty of a model with one more change point (BIC) and change the
  // rate by a margin people would call a change, not just a significant wobble. A piece is cut
  // once or twice: a short burst in the middle of a steady piece is two changes, and no single
  // cut either side of it gains enough on its own to pass.
  const penalty = 2 * Math.log(Math.max(2, n)) + 4;
  const differs = (a: Piece, b: Piece) => {
    const ratio = (rateOf(a) + 1e-9) / (rateOf(b) + 1e-9);
    return ratio >= SAME_LEVEL || ratio <= 1 / SAME_LEVEL;
  };
  const bestSplit = (p: Piece): { at: number[]; net: number } | null => {
    let best: { at: number[]; net: number } | null = null;
    const whole = loglik(p.count, p.exposure);
    for (let k = p.from + 1; k < p.to; k++) {
      const l = piece(p.from, k);
      const r = piece(k, p.to);
      if (differs(l, r)) {
        const net = loglik(l.count, l.exposure) + loglik(r.count, r.exposure) - whole - penalty;
        if (net > 0 && (!best || net > best.net)) best = { at: [k], net };
      }
      for (let j = k + 1; j < p.to; j++) {
        const m = piece(k, j);
        const rest = piece(j, p.to);
        if (!differs(l, m) || !differs(m, rest)) continue;
        const net = loglik(l.count, l.exposure) + loglik(m.count, m.exposure) + loglik(rest.count, rest.exposure) - whole - 2 * penalty;
        if (net > 0 && (!best || net > best.net)) best = { at: [k, j], net };
      }
    }
    return best;
  };
  let pieces: Piece[] = [piece(0, n)];
  while (pieces.length < MAX_PIECES) {
    let bestIndex = -1;
    let best: { at: number[]; net: number } | null = null;
    pieces.forEach((p, i) => {
      const s = bestSplit(p);
      if (s && (!best || s.net > best.net)) {
        best = s;
        bestIndex = i;
      }
    });
    if (!best || bestIndex < 0) break;
    const p = pieces[bestIndex];
    const edges = [p.from, ...(best as { at: number[] }).at, p.to];
    const parts = edges.slice(1).map((to, e) => piece(edges[e], to));
    pieces = [...pieces.slice(0, bestIndex), ...parts, ...pieces.slice(bestIndex + 1)];
  }
  // A one-bucket piece whose rate lies between its neighbours' is a change caught mid-bucket:
  // it belongs to the nearer level.
  for (let i = 1; i < pieces.length - 1; i++) {
    const p = pieces[i];
    if (p.to - p.from !== 1) continue;
    const [a, b, c] = [rateOf(pieces[i - 1]), rateOf(p), rateOf(pieces[i + 1])];
    if (!((a <= b && b <= c) || (a >= b && b >= c))) continue;
    const toLeft = Math.abs(Math.log((b + 1e-9) / (a + 1e-9))) <= Math.abs(Math.log((b + 1e-9) / (c + 1e-9)));
    const j = toLeft ? i - 1 : i + 1;
    const merged = piece(Math.min(pieces[j].from, p.from), Math.max(pieces[j].to, p.to));
    pieces.splice(Math.min(i, j), 2, merged);
    i = Math.max(0, i - 2);
  }
  return pieces.map((p) => ({ from: p.from, to: p.to }));
}

/** Stages and bursts from counts per bucket of `bucketMs` over a trace of `spanMs`. */
export function fitStages(counts: readonly number[], bucketMs: number, spanMs: number): { stages: FittedStage[]; bursts: FittedBurst[]; typicalRate: number } {
  const n = counts.length;
  const exposures = bucketExposures(n, bucketMs, spanMs);
  const bucketS = bucketMs / 1000;
  const ratesPerBucket = bucketRates(counts, bucketMs, spanMs);
  const typicalRate = median(ratesPerBucket);
  const cuts = segmentCounts(counts, exposures);
  const sum = (from: number, to: number, values: readonly number[]) => values.slice(from, to).reduce((a, b) => a + b, 0);
  const pieces = cuts.map(({ from, to }) => {
    const exposure = sum(from, to, exposures);
    return { from, to, rate: sum(from, to, counts) / (exposure * bucketS), startMs: from * bucketMs, durationMs: Math.min(spanMs, (from + exposure) * bucketMs) - from * bucketMs };
  });
  const stages: FittedStage[] = [];
  const bursts: FittedBurst[] = [];
  let levels = 0;
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i];
    const isBurst = typicalRate > 0 && p.rate >= BURST_FACTOR * typicalRate;
    if (isBurst) {
      const name = `burst ${bursts.length + 1}`;
      // The level a burst rises from: the pieces on either side that are not bursts themselves.
      const around = [pieces[i - 1], pieces[i + 1]].filter((q) => q && q.rate < BURST_FACTOR * typicalRate).map((q) => q!.rate);
      const base = around.length ? around.reduce((a, b) => a + b, 0) / around.length : typicalRate;
      bursts.push({ name, startMs: p.startMs, durationMs: p.durationMs, factor: base > 0 ? p.rate / base : 0, rate: p.rate });
      stages.push({ name, startMs: p.startMs, durationMs: p.durationMs, rate: p.rate, kind: 'burst' });
      continue;
    }
    // Three or more steady steps in one direction read better as one ramp.
    let j = i;
    const dir = pieces[i + 1] ? Math.sign(pieces[i + 1].rate - p.rate) : 0;
    while (dir !== 0 && j + 1 < pieces.length && pieces[j + 1].rate < BURST_FACTOR * typicalRate && Math.sign(pieces[j + 1].rate - pieces[j].rate) === dir) j++;
    if (j - i >= 2) {
      const last = pieces[j];
      stages.push({ name: dir > 0 ? 'ramp up' : 'ramp down', startMs: p.startMs, durationMs: last.startMs + last.durationMs - p.startMs, rate: p.rate, rampTo: last.rate, kind: 'ramp' });
      i = j;
      continue;
    }
    const previous = stages[stages.length - 1];
    const name = stages.length === 0 ? 'baseline' : previous?.kind === 'burst' ? `after ${previous.name}` : `level ${++levels}`;
    stages.push({ name, startMs: p.startMs, durationMs: p.durationMs, rate: p.rate, kind: stages.length === 0 ? 'baseline' : 'level' });
  }
  dedupeNames(stages);
  return { stages, bursts, typicalRate };
}

/** Stage names must be unique for reports; ramps may repeat, so number them. */
function dedupeNames(stages: FittedStage[]): void {
  const seen = new Map<string, number>();
  for (const s of stages) seen.set(s.name, (seen.get(s.name) ?? 0) + 1);
  const next = new Map<string, number>();
  for (const s of stages) {
    if ((seen.get(s.name) ?? 0) < 2) continue;
    const k = (next.get(s.name) ?? 0) + 1;
    next.set(s.name, k);
    s.name = `${s.name} ${k}`;
  }
}
