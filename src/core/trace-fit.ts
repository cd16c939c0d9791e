// Fitting a scenario to a trace, as the trace streams by in time order: arrivals per bucket,
// request counts and size histograms per route, and the shared-prefix share. Memory does not
// grow with the trace: histograms are 1 % buckets, the rate series coarsens itself.
import { PrefixShare } from './trace-prefix-share';
import { RateSeries, bucketRates } from './trace-rate-series';
import type { TraceRecord } from './trace-record';
import { SizeHistogram } from './size-histogram';
import { fitStages, type FittedBurst, type FittedStage } from './trace-stages';
import { fitDiurnal, type DiurnalFit } from './trace-diurnal';
import { MOONCAKE_BLOCK_TOKENS } from './trace-mooncake';

export interface RouteFit {
  /** Route or model as the trace names it ('' when the trace has none). */
  route: string;
  count: number;
  share: number;
  prompt: SizeStats;
  output: SizeStats;
}

export interface SizeStats {
  median: number;
  p95: number;
  min: number;
  max: number;
  mean: number;
}

export interface TraceFit {
  requests: number;
  firstMs: number;
  spanMs: number;
  meanRate: number;
  peakRate: number;
  typicalRate: number;
  /** Width of the buckets the stages and bursts were found in. */
  bucketMs: number;
  routes: RouteFit[];
  stages: FittedStage[];
  bursts: FittedBurst[];
  diurnal: DiurnalFit | null;
  /** Share of prompt tokens that repeat an earlier request's prefix; null without prefix data. */
  sharedPrefixShare: number | null;
  promptTokens: number;
  outputTokens: number;
}

/** Most routes kept apart; the rest are pooled as "other" (a trace keyed by user id would
 * otherwise make a mix of thousands). */
export const MAX_ROUTES = 50;
const OTHER = 'other';

/** Widths the stages are found in: the smallest that cuts the trace into at most ~120 buckets. */
const NICE_BUCKETS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 21_600, 43_200, 86_400];
const TARGET_BUCKETS = 120;

function sizeStats(h: SizeHistogram): SizeStats {
  return { median: h.quantile(0.5), p95: h.quantile(0.95), min: h.count ? h.min : 0, max: h.count ? h.max : 0, mean: h.mean };
}

export function chooseBucketMs(spanMs: number, baseMs: number): number {
  for (const s of NICE_BUCKETS_S) {
    const ms = s * 1000;
    if (ms < baseMs || ms % baseMs !== 0) continue;
    if (spanMs / ms <= TARGET_BUCKETS) return ms;
  }
  let ms = baseMs;
  while (spanMs / ms > TARGET_BUCKETS) ms *= 2;
  return ms;
}

export class TraceFitter {
  private readonly routes = new Map<string, { count: number; prompt: SizeHistogram; output: SizeHistogram }>();
  private readonly rate = new RateSeries();
  private readonly prefixes: PrefixShare;
  private requests = 0;
  private promptTokens = 0;
  private outputTokens = 0;

  constructor(blockTokens = MOONCAKE_BLOCK_TOKENS) {
    this.prefixes = new PrefixShare(blockTokens);
  }

  /** Records must come in time order (TraceOrder sees to that). */
  add(record: TraceRecord): void {
    this.requests++;
    this.promptTokens += record.promptTokens;
    this.outputTokens += record.outputTokens;
    this.rate.add(record.timeMs);
    this.prefixes.add(record);
    let key = record.route;
    if (!this.routes.has(key) && this.routes.size >= MAX_ROUTES) key = OTHER;
    let r = this.routes.get(key);
    if (!r) this.routes.set(key, (r = { count: 0, prompt: new SizeHistogram(), output: new SizeHistogram() }));
    r.count++;
    r.prompt.add(record.promptTokens);
    r.output.add(record.outputTokens);
  }

  get count(): number {
    return this.requests;
  }

  result(): TraceFit | null {
    if (this.requests === 0 || this.rate.firstMs === undefined) return null;
    const spanMs = this.rate.spanMs;
    const bucketMs = chooseBucketMs(spanMs, this.rate.bucketMs);
    const counts = this.rate.rebucket(bucketMs);
    const hourly = this.rate.bucketMs <= 3_600_000 && 3_600_000 % this.rate.bucketMs === 0 ? this.rate.rebucket(3_600_000) : [];
    const diurnal = fitDiurnal(hourly, this.rate.firstMs, spanMs, counts, bucketMs);
    const plain = fitStages(counts, bucketMs, spanMs);
    const routes = [...this.routes.entries()]
      .map(([route, r]) => ({ route, count: r.count, share: r.count / this.requests, prompt: sizeStats(r.prompt), output: sizeStats(r.output) }))
      .sort((a, b) => b.count - a.count);
    const peakRate = Math.max(...bucketRates(counts, bucketMs, spanMs));
    return {
      requests: this.requests,
      firstMs: this.rate.firstMs,
      spanMs,
      meanRate: this.requests / (spanMs / 1000),
      peakRate,
      typicalRate: diurnal ? diurnal.typicalRate : plain.typicalRate,
      bucketMs,
      routes,
      stages: diurnal ? diurnal.stages : plain.stages,
      bursts: diurnal ? diurnal.bursts : plain.bursts,
      diurnal,
      sharedPrefixShare: this.prefixes.share,
      promptTokens: this.promptTokens,
      outputTokens: this.outputTokens,
    };
  }
}
