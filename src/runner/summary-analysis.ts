// Adds the end-of-run analysis to a summary: "what broke first", the derived growth and
// maximum metrics (judging the thresholds that name them, which the engine could not), and the
// breaking-point result with its headline.
import { analyzeRun, derivedMetrics } from '../core/analysis';
import type { ResolvedPlan } from '../core/plan';
import { thresholdHolds } from '../core/threshold-expression';
import type { RunSummary, TickPoint } from '../protocol/run-events';
import { breakingPointHeadline, breakingPointResult } from './breaking-point';
import { buildVerdict } from './verdict';

export function withAnalysis(summary: RunSummary, plan: ResolvedPlan, ticks: readonly TickPoint[]): RunSummary {
  const input = { ticks, stages: summary.stages, thresholds: summary.thresholds, loadModel: plan.load.model, failoverEvents: summary.failover?.events ?? null };
  const metrics = { ...summary.metrics };
  const filled = new Set<string>();
  // The request path may compute some of these itself (e.g. from per-task agent steps); keep its values.
  for (const [key, value] of Object.entries(derivedMetrics(input))) {
    if ((metrics[key] === null || metrics[key] === undefined) && value !== null) {
      metrics[key] = value;
      filled.add(key);
    }
  }
  let thresholds = summary.thresholds;
  let verdict = summary.verdict;
  if (filled.size) {
    thresholds = summary.thresholds.map((s) => {
      const t = plan.thresholds.find((x) => x.id === s.id);
      if (!t || !filled.has(s.metric) || s.value !== null) return s;
      const v = metrics[s.metric]!;
      return { ...s, value: Math.round(v * 1e6) / 1e6, pass: thresholdHolds(t.op, v, t.value) };
    });
    if (thresholds.some((s, i) => s !== summary.thresholds[i])) {
      verdict = buildVerdict(thresholds, {
        model: plan.load.model,
        endReason: summary.endReason,
        endMessage: summary.endMessage,
        peakTarget: ticks.reduce((m, p) => Math.max(m, p.targetLevel), 0),
        peakAchieved: peakAchievedRate(ticks),
        outcomes: summary.outcomes,
      });
    }
  }
  const analysis = analyzeRun({ ...input, thresholds });
  const breakingPoint = plan.breakingPoint ? breakingPointResult(plan, thresholds, summary.durationMs) : undefined;
  // "PASS — sustains 4/s; broke at 5/s on ttft.p95 < 1s; all 2 thresholds held; …"
  if (breakingPoint) verdict = { ...verdict, headline: verdict.headline.replace(/^(\w+) — /, (_, word: string) => `${word} — ${breakingPointHeadline(breakingPoint)}; `) };
  // The analysis leads the summary object, so it heads the results file's summary too.
  return { analysis, ...(breakingPoint ? { breakingPoint } : {}), ...summary, metrics, thresholds, verdict };
}

/** The highest sent rate averaged over 5 seconds, as the engine reads its peak. */
function peakAchievedRate(ticks: readonly TickPoint[]): number {
  let peak = 0;
  for (let i = 0; i < ticks.length; i++) {
    const from = Math.max(0, i - 4);
    let sum = 0;
    for (let j = from; j <= i; j++) sum += ticks[j]!.sentRate;
    peak = Math.max(peak, sum / (i - from + 1));
  }
  return peak;
}
