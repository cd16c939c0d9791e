// Adds the end-of-run analysis to a summary: "what broke first", the derived growth and
// maximum metrics (judging the thresholds that name them, which the engine could not), and the
// breaking-point result with its headline.
import { analyzeRun, derivedMetrics } from '../core/analysis';
import type { ResolvedPlan } from '../core/plan';
import { thresholdHolds } from '../core/threshold-expression';
import type { ClientLimitFinding, NetworkErrorSummary, RunSummary, TickPoint, Verdict } from '../protocol/run-events';
import { breakingPointHeadline, breakingPointResult } from './breaking-point';
import { buildVerdict } from './verdict';
import { formatMs } from '../../vocabulary/format';
import { faultWindowsOf, longestOf, withUserView } from '../core/gateway-analysis';

/** What the runner found about its own side: network errors by code and phase, client limits. */
export interface ClientFindings {
  networkErrors: NetworkErrorSummary[];
  limits: ClientLimitFinding[];
}

export function withAnalysis(summary: RunSummary, plan: ResolvedPlan, ticks: readonly TickPoint[], client?: ClientFindings): RunSummary {
  summary = withGatewayView(summary, ticks);
  const clientLimits = client?.limits ?? [];
  const input = { ticks, stages: summary.stages, thresholds: summary.thresholds, loadModel: plan.load.model, failoverEvents: summary.failover?.events ?? null, gateway: summary.gateway ?? null, faultWindows: faultWindowsOf(plan), clientLimits };
  const metrics = { ...summary.metrics };
  const filled = new Set<string>();
  // The request path may compute some of these itself (e.g. from per-task agent steps); keep its values.
  for (const [key, value] of Object.entries(derivedMetrics(input))) {
    if ((metrics[key] === null || metrics[key] === undefined) && value !== null) {
      metrics[key] = value;
      filled.add(key);
    }
  }
  // Metrics only the end of the run knows (the gateway's user view): judge the thresholds naming them.
  for (const t of summary.thresholds) if (t.value === null && metrics[t.metric] !== null && metrics[t.metric] !== undefined) filled.add(t.metric);
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
  const gatewayNote = gatewayHeadline(summary);
  if (gatewayNote !== '') verdict = { ...verdict, headline: `${verdict.headline}; ${gatewayNote}` };
  if (summary.endReason === 'completed' || summary.endReason === 'stopped') verdict = withClientLimits(verdict, clientLimits);
  const clientFields = client ? { ...(client.networkErrors.length ? { networkErrors: client.networkErrors } : {}), ...(clientLimits.length ? { clientLimits } : {}) } : {};
  // The analysis leads the summary object, so it heads the results file's summary too.
  return { analysis, ...(breakingPoint ? { breakingPoint } : {}), ...summary, ...clientFields, metrics, thresholds, verdict };
}

/**
 * A limit of the load tester that held for a material part of the run means the system under
 * test never saw the planned load: the run cannot pass, and a failure it caused (requests
 * failed or timed out inside Stampede) is not the target's. Such a run is INCONCLUSIVE; a
 * threshold that failed while a cap only held requests back keeps its FAIL, with the cap named.
 */
export function withClientLimits(verdict: Verdict, limits: readonly ClientLimitFinding[]): Verdict {
  const material = limits.filter((f) => f.material);
  if (material.length === 0) return verdict;
  const first = material[0];
  const failedRequests = material.some((f) => f.failed > 0);
  const more = material.length > 1 ? ` (+${material.length - 1} more limit${material.length > 2 ? 's' : ''} of the load tester)` : '';
  if (verdict.pass || failedRequests) {
    const failed = verdict.pass ? '' : `; the verdict would have been: ${verdict.headline}`;
    return { ...verdict, pass: false, inconclusive: true, headline: `INCONCLUSIVE — ${first.message}${more}: a limit of the load tester, not of the system under test — ${first.hint}${failed}` };
  }
  return { ...verdict, headline: `${verdict.headline}; meanwhile ${first.message}${more}` };
}

/** Issue 12: each fault window's user view (errors while switching, failover as the user saw
 * it) from the series, and the gateway metrics — per-upstream ones included — in `metrics`. */
function withGatewayView(summary: RunSummary, ticks: readonly TickPoint[]): RunSummary {
  const g = summary.gateway;
  if (!g) return summary;
  const windows = withUserView(g.windows, ticks);
  const gateway = { ...g, windows, userFailoverMs: longestOf(windows, (w) => w.userFailoverMs), switchErrors: windows.reduce((n, w) => n + w.switchErrors, 0) };
  const metrics: Record<string, number | null> = {
    ...summary.metrics,
    'gateway.failover.time': gateway.failoverMs,
    'gateway.failover.userTime': gateway.userFailoverMs,
    'gateway.failback.time': gateway.failbackMs,
    'gateway.amplification': gateway.amplification,
    'gateway.switchErrors': gateway.switchErrors,
    'gateway.wasted.attempts': gateway.wastedAttempts,
    'gateway.wasted.cost': gateway.wastedCostUsd,
  };
  for (const u of gateway.upstreams) {
    metrics[`gateway.share.${u.name}`] = u.share;
    metrics[`quality.${u.name}`] = u.quality ? u.quality.share : null;
  }
  return { ...summary, gateway, metrics };
}

/** "gateway failover 0.42 s, failback 0.31 s; 12 unacceptable answers" — what the verdict names. */
function gatewayHeadline(summary: RunSummary): string {
  const parts: string[] = [];
  const g = summary.gateway;
  if (g && g.windows.length > 0) {
    const ms = (v: number | null): string => (v === null ? 'none' : formatMs(v));
    parts.push(`gateway failover ${ms(g.failoverMs)}, failback ${ms(g.failbackMs)}`);
  }
  const bad = summary.outcomes.unacceptable ?? 0;
  if (bad > 0) parts.push(`${bad} unacceptable answer${bad === 1 ? '' : 's'}`);
  return parts.join('; ');
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
