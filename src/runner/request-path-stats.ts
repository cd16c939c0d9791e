// Counters of issue 4's request path for one span (a 1-second window, a stage or the whole run):
// traffic per provider, degradation levels, response-cache hits, agent tasks, Server-Timing
// provider latency and leaked cancellations. Lives inside RunStats so the trailing window used
// for live thresholds aggregates it like every other counter.
import type { Histogram } from 'hdr-histogram-js';
import { OUTCOMES, type Outcome, type OutcomeCounts } from '../protocol/run-events';
import { newHistogram, percentilesOf, recordMs } from './latency-histogram';

const OUTCOME_POS: Record<string, number> = Object.fromEntries(OUTCOMES.map((o, i) => [o, i]));

export class PathStats {
  /** Per provider index: attempt outcomes (OUTCOMES order). */
  readonly providerOutcomes: number[][] = [];
  /** Per degradation level: responses seen at that level. */
  readonly degradation: number[] = [];
  cacheResponses = 0;
  cacheHits = 0;
  agentTasks = 0;
  agentCapped = 0;
  agentTokens = 0;
  agentCost = 0;
  agentLoopRetries = 0;
  toolCalls = 0;
  toolFailures = 0;
  leaked = 0;
  /** Answers checked by a mix entry's `expect`, and how many failed (issue 12). */
  checked = 0;
  unacceptable = 0;
  /** Largest queue depth an http target's `extract.queueDepth` reported, -1 when none. */
  queueDepthMax = -1;
  /** Agent steps are counts, stored as whole "milliseconds" so the latency histogram serves. */
  readonly agentSteps: Histogram = newHistogram();
  readonly providerLatency: Histogram = newHistogram();

  reset(): void {
    for (const row of this.providerOutcomes) row.fill(0);
    this.degradation.fill(0);
    this.cacheResponses = this.cacheHits = 0;
    this.agentTasks = this.agentCapped = this.agentTokens = this.agentCost = this.agentLoopRetries = 0;
    this.toolCalls = this.toolFailures = this.leaked = 0;
    this.checked = this.unacceptable = 0;
    this.queueDepthMax = -1;
    if (this.agentSteps.totalCount > 0) this.agentSteps.reset();
    if (this.providerLatency.totalCount > 0) this.providerLatency.reset();
  }

  add(o: PathStats): void {
    o.providerOutcomes.forEach((row, p) => row.forEach((n, i) => (this.outcomeRow(p)[i] += n)));
    o.degradation.forEach((n, level) => this.addDegradation(level, n));
    this.cacheResponses += o.cacheResponses;
    this.cacheHits += o.cacheHits;
    this.agentTasks += o.agentTasks;
    this.agentCapped += o.agentCapped;
    this.agentTokens += o.agentTokens;
    this.agentCost += o.agentCost;
    this.agentLoopRetries += o.agentLoopRetries;
    this.toolCalls += o.toolCalls;
    this.toolFailures += o.toolFailures;
    this.leaked += o.leaked;
    this.checked += o.checked;
    this.unacceptable += o.unacceptable;
    this.queueDepthMax = Math.max(this.queueDepthMax, o.queueDepthMax);
    if (o.agentSteps.totalCount > 0) this.agentSteps.add(o.agentSteps);
    if (o.providerLatency.totalCount > 0) this.providerLatency.add(o.providerLatency);
  }

  attempt(providerIndex: number, outcome: Outcome): void {
    this.outcomeRow(providerIndex)[OUTCOME_POS[outcome]]++;
  }

  addDegradation(level: number, n = 1): void {
    while (this.degradation.length <= level) this.degradation.push(0);
    this.degradation[level] += n;
  }

  agentTask(steps: number): void {
    this.agentTasks++;
    recordMs(this.agentSteps, steps);
  }

  providerAttempts(providerIndex: number): number {
    const row = this.providerOutcomes[providerIndex];
    return row ? row.reduce((a, b) => a + b, 0) : 0;
  }

  providerOutcomeCounts(providerIndex: number): OutcomeCounts {
    const row = this.providerOutcomes[providerIndex];
    return Object.fromEntries(OUTCOMES.map((o, i) => [o, row ? row[i] : 0])) as OutcomeCounts;
  }

  /** Share of attempts per provider id; empty when there were none. */
  providerShare(ids: readonly string[]): Record<string, number> {
    const counts = ids.map((_, i) => this.providerAttempts(i));
    const total = counts.reduce((a, b) => a + b, 0);
    const out: Record<string, number> = {};
    if (total > 0) ids.forEach((id, i) => (out[id] = counts[i] / total));
    return out;
  }

  degradationTotal(): number {
    return this.degradation.reduce((a, b) => a + b, 0);
  }

  /** Share of responses at level 1 or above; null when no response carried a level. */
  degradationShare(): number | null {
    const total = this.degradationTotal();
    return total > 0 ? (total - (this.degradation[0] ?? 0)) / total : null;
  }

  degradationMaxLevel(): number | null {
    for (let level = this.degradation.length - 1; level >= 0; level--) if (this.degradation[level] > 0) return level;
    return null;
  }

  /** Shares per level, null when no response carried a level. */
  degradationShares(levels: number): number[] | null {
    const total = this.degradationTotal();
    if (total === 0) return null;
    const out: number[] = [];
    for (let i = 0; i < Math.max(levels, this.degradation.length); i++) out.push((this.degradation[i] ?? 0) / total);
    return out;
  }

  agentStepPercentiles(): { p50: number | null; p95: number | null } | null {
    if (this.agentSteps.totalCount === 0) return null;
    const p = percentilesOf(this.agentSteps);
    return { p50: p.p50, p95: p.p95 };
  }

  private outcomeRow(p: number): number[] {
    while (this.providerOutcomes.length <= p) this.providerOutcomes.push(new Array<number>(OUTCOMES.length).fill(0));
    return this.providerOutcomes[p];
  }
}

/** The catalog metrics this span answers (added to the metric snapshot). */
export function pathMetricValues(s: PathStats, out: Record<string, number | null>): void {
  out['degradation.share'] = s.degradationShare();
  out['degradation.maxLevel'] = s.degradationMaxLevel();
  // The run summary sets null instead when nothing verified the cancellations.
  out['cancellations.leaked'] = s.leaked;
  if (s.agentSteps.totalCount > 0) {
    const p = percentilesOf(s.agentSteps);
    for (const stat of ['p50', 'p90', 'p95', 'p99', 'max', 'mean', 'min'] as const) out[`agent.steps.${stat}`] = p[stat];
  }
  if (s.queueDepthMax >= 0) out['queue.depth.max'] = s.queueDepthMax;
  if (s.cacheResponses > 0) out['cache.hitRate'] = s.cacheHits / s.cacheResponses;
  out['quality'] = s.checked > 0 ? (s.checked - s.unacceptable) / s.checked : null;
}
