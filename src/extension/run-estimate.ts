// A dry-run estimate of a plan: how many requests it sends and what they cost, from the load
// shape and prices alone (no I/O), for the CodeLens and the cost confirmation. It is an
// estimate ("≈"): the open model's arrivals are exact in expectation; the closed model assumes
// each request takes about LATENCY_BASE_MS + maxTokens x MS_PER_OUTPUT_TOKEN (a streaming
// model at ~50 tokens/s) plus the mean think time; cost assumes every request generates its
// full maxTokens and no prompt is served from a cache, so it errs high.
import type { PlanSegment, ResolvedPlan, TokenDistribution } from '../core/plan';

export const LATENCY_BASE_MS = 300;
export const MS_PER_OUTPUT_TOKEN = 20;

export interface RunEstimate {
  requests: number;
  costUsd: number;
  durationMs: number;
  /** Providers that are not the embedded mock (traffic that may cost real money). */
  realProviders: string[];
}

/** Integral of a segment's level over its duration, in level x seconds. */
export function segmentArea(segment: PlanSegment): number {
  const seconds = Math.max(0, segment.endMs - segment.startMs) / 1000;
  if (segment.shape === 'constant') return segment.from * seconds;
  if (segment.shape === 'linear') return ((segment.from + segment.to) / 2) * seconds;
  // sine: from + (to - from) * (1 - cos(2*pi*t/P)) / 2, integrated over [0, seconds].
  const period = (segment.periodMs ?? segment.endMs - segment.startMs) / 1000;
  if (period <= 0) return segment.from * seconds;
  const w = (2 * Math.PI) / period;
  return ((segment.from + segment.to) / 2) * seconds - ((segment.to - segment.from) / 2) * (Math.sin(w * seconds) / w);
}

export function meanTokens(distribution: TokenDistribution): number {
  switch (distribution.kind) {
    case 'fixed':
      return distribution.tokens;
    case 'normal':
      return Math.max(1, distribution.mean);
    case 'uniform':
      return (distribution.min + distribution.max) / 2;
    case 'lognormal': {
      // p95 = median * exp(1.645 sigma); the mean of a log-normal is median * exp(sigma^2 / 2).
      const sigma = distribution.p95 > distribution.median ? Math.log(distribution.p95 / distribution.median) / 1.6449 : 0;
      return distribution.median * Math.exp((sigma * sigma) / 2);
    }
  }
}

export function estimateRun(plan: ResolvedPlan): RunEstimate {
  const providers = new Map(plan.providers.map((p) => [p.id, p]));
  let costPerRequest = 0;
  let latencyMs = 0;
  for (const entry of plan.workload.mix) {
    const provider = providers.get(entry.provider) ?? plan.providers[0];
    const pricing = provider?.pricing ?? { input: 0, cachedInput: 0, output: 0 };
    costPerRequest += entry.share * ((meanTokens(entry.promptTokens) * pricing.input + entry.maxTokens * pricing.output) / 1e6);
    latencyMs += entry.share * (LATENCY_BASE_MS + entry.maxTokens * MS_PER_OUTPUT_TOKEN);
  }
  const area = plan.load.segments.reduce((sum, s) => sum + segmentArea(s), 0);
  let requests: number;
  if (plan.load.model === 'open') {
    requests = area;
  } else {
    const cycleS = (latencyMs + (plan.load.thinkTimeMinMs + plan.load.thinkTimeMaxMs) / 2) / 1000;
    requests = cycleS > 0 ? area / cycleS : 0;
  }
  return {
    requests: Math.round(requests),
    costUsd: requests * costPerRequest,
    durationMs: plan.load.durationMs,
    realProviders: plan.providers.filter((p) => p.type !== 'mock').map((p) => p.id),
  };
}

function formatUsdEstimate(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.01) return '< $0.01';
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** `≈ 18,400 requests · $3.10` */
export function formatEstimate(estimate: RunEstimate): string {
  const requests = estimate.requests.toLocaleString('en-US');
  return `≈ ${requests} request${estimate.requests === 1 ? '' : 's'} · ${formatUsdEstimate(estimate.costUsd)}`;
}
