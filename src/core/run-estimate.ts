// A dry-run estimate of a plan: how many requests it sends, the tokens they carry and what they
// cost, per stage and in total, from the load shape and prices alone (no I/O). Shared by the
// editor (CodeLens, cost confirmation) and `stampede run --dry-run`. It is an estimate ("≈"):
// the open model's arrivals are exact in expectation; the closed model assumes each request
// takes about LATENCY_BASE_MS + maxTokens x MS_PER_OUTPUT_TOKEN (a streaming model at ~50
// tokens/s) plus the mean think time; cost assumes every request generates its full maxTokens
// and no prompt is served from a cache, so it errs high. Agent entries count one model call
// per step up to maxSteps, so they err high too. Prompt sizes are the drawn sizes' mean, or —
// when the caller measured them with each provider's tokenizer (prompt files, templates,
// system prompts) — those counts.
import type { PlanSegment, ResolvedPlan, TokenDistribution } from './plan';

export const LATENCY_BASE_MS = 300;
export const MS_PER_OUTPUT_TOKEN = 20;

export interface StageEstimate {
  name: string;
  index: number;
  durationMs: number;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** Token counts of each mix entry's fixed text, measured under its provider's tokenizer (by
 * the runner's measurePrompts; core cannot read files). */
export interface MeasuredPrompts {
  /** Per mix entry, in plan order: the mean tokens of its file or template prompt (null for a
   * synthetic prompt, whose size is drawn), and of its system prompt. */
  entries: Array<{ promptTokens: number | null; systemTokens: number }>;
}

export interface RunEstimate {
  requests: number;
  costUsd: number;
  durationMs: number;
  inputTokens: number;
  outputTokens: number;
  stages: StageEstimate[];
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

export function estimateRun(plan: ResolvedPlan, measured?: MeasuredPrompts): RunEstimate {
  const providers = new Map(plan.providers.map((p) => [p.id, p]));
  let costPerRequest = 0;
  let inputPerRequest = 0;
  let outputPerRequest = 0;
  let latencyMs = 0;
  plan.workload.mix.forEach((entry, i) => {
    const provider = providers.get(entry.provider) ?? plan.providers[0];
    const pricing = provider?.pricing ?? { input: 0, cachedInput: 0, output: 0 };
    const calls = entry.agent ? Math.max(1, entry.agent.maxSteps) : 1;
    const m = measured?.entries[i];
    const input = ((m?.promptTokens ?? meanTokens(entry.promptTokens)) + (m?.systemTokens ?? 0)) * calls;
    const output = entry.maxTokens * calls;
    inputPerRequest += entry.share * input;
    outputPerRequest += entry.share * output;
    costPerRequest += entry.share * ((input * pricing.input + output * pricing.output) / 1e6);
    latencyMs += entry.share * calls * (LATENCY_BASE_MS + entry.maxTokens * MS_PER_OUTPUT_TOKEN);
  });
  const cycleS = (latencyMs + (plan.load.thinkTimeMinMs + plan.load.thinkTimeMaxMs) / 2) / 1000;
  const requestsOf = (area: number) => (plan.load.model === 'open' ? area : cycleS > 0 ? area / cycleS : 0);
  const byStage = new Map<number, StageEstimate>();
  for (const s of plan.load.segments) {
    let st = byStage.get(s.stageIndex);
    if (!st) byStage.set(s.stageIndex, (st = { name: s.stage, index: s.stageIndex, durationMs: 0, requests: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 }));
    st.durationMs += Math.max(0, s.endMs - s.startMs);
    st.requests += requestsOf(segmentArea(s));
  }
  const stages = [...byStage.values()].sort((a, b) => a.index - b.index);
  for (const st of stages) {
    st.inputTokens = Math.round(st.requests * inputPerRequest);
    st.outputTokens = Math.round(st.requests * outputPerRequest);
    st.costUsd = st.requests * costPerRequest;
  }
  const requests = stages.reduce((n, s) => n + s.requests, 0);
  for (const st of stages) st.requests = Math.round(st.requests);
  return {
    requests: Math.round(requests),
    costUsd: requests * costPerRequest,
    durationMs: plan.load.durationMs,
    inputTokens: Math.round(requests * inputPerRequest),
    outputTokens: Math.round(requests * outputPerRequest),
    stages,
    realProviders: plan.providers.filter((p) => p.type !== 'mock').map((p) => p.id),
  };
}

export function formatUsdEstimate(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.01) return '< $0.01';
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** `≈ 18,400 requests · $3.10` */
export function formatEstimate(estimate: RunEstimate): string {
  const requests = estimate.requests.toLocaleString('en-US');
  return `≈ ${requests} request${estimate.requests === 1 ? '' : 's'} · ${formatUsdEstimate(estimate.costUsd)}`;
}
