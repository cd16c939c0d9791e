// A dry-run estimate of a plan: how many requests it sends, the tokens they carry and what they
// cost, per stage and in total, from the load shape and prices alone (no I/O). Shared by the
// editor (CodeLens, cost confirmation) and `stampede run --dry-run`. It is an estimate ("≈"):
// the open model's arrivals are exact in expectation; the closed model assumes each request
// takes about LATENCY_BASE_MS + maxTokens x MS_PER_OUTPUT_TOKEN (a streaming model at ~50
// tokens/s) plus the mean think time; cost assumes every request generates its full maxTokens
// and no prompt is served from a cache, so it errs high. Agent entries count one model call
// per step up to maxSteps, so they err high too. A replay (load.model: replay) is estimated
// from what its trace recorded (RecordedLoad, read by the runner): each request's own prompt
// and output sizes and route, times `rate` and `loops`.
import type { PlanMixEntry, PlanSegment, ResolvedPlan, TokenDistribution } from './plan';

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

/** A replay's trace, one pass at 1x: requests and recorded tokens per stage of the pass and
 * mix entry (the trace's route). */
export interface RecordedLoad {
  /** Stages of one pass; pass p's stage k is the plan's stage p x stagesPerPass + k. */
  stagesPerPass: number;
  cells: Array<{ stage: number; mix: number; requests: number; inputTokens: number; outputTokens: number }>;
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

interface EntryCost {
  /** Model calls per request (an agent's steps). */
  calls: number;
  /** USD per input and per output token. */
  input: number;
  output: number;
}

function entryCosts(plan: ResolvedPlan): EntryCost[] {
  const providers = new Map(plan.providers.map((p) => [p.id, p]));
  return plan.workload.mix.map((entry: PlanMixEntry) => {
    const pricing = (providers.get(entry.provider) ?? plan.providers[0])?.pricing ?? { input: 0, cachedInput: 0, output: 0 };
    return { calls: entry.agent ? Math.max(1, entry.agent.maxSteps) : 1, input: pricing.input / 1e6, output: pricing.output / 1e6 };
  });
}

/** The estimate of `plan`; `recorded` for a replay whose trace the runner has read (and whose
 * load shape it has filled in). */
export function estimateRun(plan: ResolvedPlan, recorded?: RecordedLoad): RunEstimate {
  const byStage = new Map<number, StageEstimate>();
  for (const s of plan.load.segments) {
    let st = byStage.get(s.stageIndex);
    if (!st) byStage.set(s.stageIndex, (st = { name: s.stage, index: s.stageIndex, durationMs: 0, requests: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 }));
    st.durationMs += Math.max(0, s.endMs - s.startMs);
  }
  if (recorded && plan.load.replay) fillRecorded(plan, recorded, byStage);
  else fillFromShape(plan, byStage);
  const stages = [...byStage.values()].sort((a, b) => a.index - b.index);
  const sum = (key: 'requests' | 'inputTokens' | 'outputTokens' | 'costUsd') => stages.reduce((n, s) => n + s[key], 0);
  const totals = { requests: Math.round(sum('requests')), inputTokens: Math.round(sum('inputTokens')), outputTokens: Math.round(sum('outputTokens')), costUsd: sum('costUsd') };
  for (const st of stages) {
    st.requests = Math.round(st.requests);
    st.inputTokens = Math.round(st.inputTokens);
    st.outputTokens = Math.round(st.outputTokens);
  }
  return {
    ...totals,
    durationMs: plan.load.durationMs,
    stages,
    realProviders: plan.providers.filter((p) => p.type !== 'mock').map((p) => p.id),
  };
}

/** Requests from the load shape's area; tokens and cost per request from the mix's sizes. */
function fillFromShape(plan: ResolvedPlan, byStage: Map<number, StageEstimate>): void {
  const costs = entryCosts(plan);
  let costPerRequest = 0;
  let inputPerRequest = 0;
  let outputPerRequest = 0;
  let latencyMs = 0;
  plan.workload.mix.forEach((entry, i) => {
    const { calls, input: inPrice, output: outPrice } = costs[i];
    const input = meanTokens(entry.promptTokens) * calls;
    const output = entry.maxTokens * calls;
    inputPerRequest += entry.share * input;
    outputPerRequest += entry.share * output;
    costPerRequest += entry.share * (input * inPrice + output * outPrice);
    latencyMs += entry.share * calls * (LATENCY_BASE_MS + entry.maxTokens * MS_PER_OUTPUT_TOKEN);
  });
  const cycleS = (latencyMs + (plan.load.thinkTimeMinMs + plan.load.thinkTimeMaxMs) / 2) / 1000;
  const requestsOf = (area: number) => (plan.load.model === 'open' ? area : cycleS > 0 ? area / cycleS : 0);
  for (const s of plan.load.segments) byStage.get(s.stageIndex)!.requests += requestsOf(segmentArea(s));
  for (const st of byStage.values()) {
    st.inputTokens = st.requests * inputPerRequest;
    st.outputTokens = st.requests * outputPerRequest;
    st.costUsd = st.requests * costPerRequest;
  }
}

/** A replay: every pass sends the trace's requests `rate` times over, with their recorded sizes
 * at their route's provider's prices. */
function fillRecorded(plan: ResolvedPlan, recorded: RecordedLoad, byStage: Map<number, StageEstimate>): void {
  const { loops, rateFactor } = plan.load.replay!;
  const costs = entryCosts(plan);
  for (let pass = 0; pass < loops; pass++) {
    for (const cell of recorded.cells) {
      const st = byStage.get(pass * recorded.stagesPerPass + cell.stage);
      const c = costs[cell.mix];
      if (!st || !c) continue;
      const input = cell.inputTokens * rateFactor * c.calls;
      const output = cell.outputTokens * rateFactor * c.calls;
      st.requests += cell.requests * rateFactor;
      st.inputTokens += input;
      st.outputTokens += output;
      st.costUsd += input * c.input + output * c.output;
    }
  }
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
