// Breaking-point search: the load steps the rate up (each step a segment of the plan) and the
// run stops at the first live breach of any threshold. The result is the highest step that ran
// to its end with every threshold holding, and the step and threshold that broke.
import type { ResolvedPlan } from '../core/plan';
import type { BreakingPointResult, ThresholdState } from '../protocol/run-events';

function fmtRate(rate: number): string {
  return `${Math.round(rate * 100) / 100}/s`;
}

export function breakingPointResult(plan: ResolvedPlan, thresholds: readonly ThresholdState[], ranMs: number): BreakingPointResult {
  let first: ThresholdState | null = null;
  for (const s of thresholds) if (s.firstBreach && (!first || s.firstBreach.t < first.firstBreach!.t)) first = s;
  const segments = plan.load.segments;
  // A breach is judged at the end of the second (t-1, t]; it happened in the step holding that second.
  const breachMs = first ? (first.firstBreach!.t - 0.5) * 1000 : Infinity;
  const brokeIn = first ? segments.find((s) => s.startMs <= breachMs && breachMs < s.endMs) ?? segments[segments.length - 1] : undefined;
  let highest: number | null = null;
  for (const s of segments) {
    const level = Math.max(s.from, s.to);
    const completed = s.endMs <= Math.min(ranMs + 50, breachMs) && (!brokeIn || s.endMs <= brokeIn.startMs);
    if (completed && (highest === null || level > highest)) highest = level;
  }
  return {
    highestSustainableRate: highest,
    brokeAt: first && brokeIn ? { rate: Math.max(brokeIn.from, brokeIn.to), threshold: first.source } : null,
  };
}

/** "sustains 14/s; broke at 16/s on ttft.p95 < 1.5s" */
export function breakingPointHeadline(r: BreakingPointResult): string {
  const sustains = r.highestSustainableRate === null ? 'sustains no step' : `sustains ${fmtRate(r.highestSustainableRate)}`;
  return r.brokeAt ? `${sustains}; broke at ${fmtRate(r.brokeAt.rate)} on ${r.brokeAt.threshold}` : `${sustains}; no threshold broke up to the last step`;
}
