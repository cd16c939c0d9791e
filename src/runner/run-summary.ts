// The run's summary, built once at the end from the local sink's whole-run and per-stage
// statistics, the thresholds' states (final pass/fail judged on the whole run, first breaches
// kept from the live evaluation) and the request path's own fields.
import type { ResolvedPlan } from '../core/plan';
import { METRIC_KEYS } from '../../vocabulary/metric-catalog';
import type { RunSummary, StageInfo, StageSummary, ThresholdState } from '../protocol/run-events';
import { percentilesOf } from './latency-histogram';
import { metricValues } from './metric-snapshot';
import type { RequestPath } from './request-path';
import { LAT_CLIENT_WAIT, LAT_E2E, LAT_E2E_INTENDED, LAT_ITL, LAT_SCHEDULE_LAG, LAT_TPOT, LAT_TTFT, LAT_TTFT_INTENDED, OUTCOME_INDEX, RunStats } from './run-stats';
import type { StatsSink } from './stats-sink';
import { buildVerdict, judge } from './verdict';

export interface SummaryInputs {
  runId: string;
  plan: ResolvedPlan;
  startedAt: Date;
  /** Run time at the end; 0 when the run never started. */
  durationMs: number;
  endReason: RunSummary['endReason'];
  endMessage: string | undefined;
  stats: StatsSink;
  stages: readonly StageInfo[];
  thresholdStates: ThresholdState[];
  path: RequestPath | null;
  peakTarget: number;
  peakAchieved: number;
}

export function buildSummary(i: SummaryInputs): RunSummary {
  const all = i.stats.whole;
  const durationMs = i.durationMs;
  const seconds = Math.max(0.001, durationMs / 1000);
  const metrics = metricValues(all, seconds);
  // Failover, agents, degradation and verified cancellations; also fills their metrics.
  const pathFields = i.path ? i.path.summaryFields(all, metrics, i.stats.stages) : {};
  // Final pass/fail is judged on the whole run; first breaches found live are kept.
  judge(i.plan.thresholds, i.thresholdStates, (th) => metrics[th.metric] ?? null, () => null, true);
  const stages: StageSummary[] = i.stages.map((st) => {
    const s = i.stats.stages[st.index];
    const ranMs = Math.max(0, Math.min(st.endMs, durationMs) - st.startMs);
    const judged = s.judged();
    return {
      name: st.name,
      index: st.index,
      startMs: st.startMs,
      endMs: st.endMs,
      requests: s.finished,
      outcomes: s.outcomeCounts(),
      ttft: percentilesOf(s.latency[LAT_TTFT]!),
      e2e: percentilesOf(s.latency[LAT_E2E]!),
      cost: s.cost,
      costPerRequest: judged > 0 ? s.cost / judged : null,
      achievedRate: ranMs > 0 ? s.sent / (ranMs / 1000) : 0,
    };
  });
  const method = all.usageRequests > 0 && all.countedRequests > 0 ? 'mixed' : all.usageRequests > 0 ? 'usage' : all.countedRequests > 0 ? 'counted' : 'none';
  const thresholds = i.thresholdStates.map((s) => ({ ...s }));
  const verdict = buildVerdict(thresholds, { model: i.plan.load.model, endReason: i.endReason, endMessage: i.endMessage, peakTarget: i.peakTarget, peakAchieved: i.peakAchieved, outcomes: all.outcomeCounts() });
  const judged = all.judged();
  return {
    runId: i.runId,
    scenario: i.plan.name,
    startedAt: i.startedAt.toISOString(),
    endedAt: new Date().toISOString(),
    durationMs: Math.round(durationMs),
    endReason: i.endReason,
    ...(i.endMessage ? { endMessage: i.endMessage } : {}),
    requests: { total: all.finished, sent: all.sent, dropped: all.dropped, attempts: all.attempts, rate: all.sent / seconds, unfinished: all.outcomes[OUTCOME_INDEX.aborted] },
    outcomes: all.outcomeCounts(),
    ttft: percentilesOf(all.latency[LAT_TTFT]!),
    itl: percentilesOf(all.latency[LAT_ITL]!),
    e2e: percentilesOf(all.latency[LAT_E2E]!),
    e2eIntended: percentilesOf(all.latency[LAT_E2E_INTENDED]!),
    scheduleLag: percentilesOf(all.latency[LAT_SCHEDULE_LAG]!),
    ttftIntended: percentilesOf(all.latency[LAT_TTFT_INTENDED]!),
    clientWait: percentilesOf(all.latency[LAT_CLIENT_WAIT]!),
    tpot: percentilesOf(all.latency[LAT_TPOT]!),
    tokens: { input: all.inputTokens, cachedInput: all.cachedTokens, output: all.outputTokens, perSecond: all.outputTokens / seconds, method },
    cost: { total: all.cost, perRequest: judged > 0 ? all.cost / judged : null },
    cacheHitRate: all.cacheKnownInput > 0 ? all.cachedTokens / all.cacheKnownInput : null,
    stages,
    thresholds,
    ...pathFields,
    metrics: Object.fromEntries(METRIC_KEYS.map((k) => [k, metrics[k] ?? null])),
    verdict,
  };
}

/** Used only if building the full summary itself failed: every field, no measurements. */
export function minimalSummary(i: SummaryInputs): RunSummary {
  const empty = percentilesOf(new RunStats([LAT_TTFT]).latency[LAT_TTFT]!);
  const whole = i.stats.whole;
  return {
    runId: i.runId,
    scenario: i.plan.name,
    startedAt: i.startedAt.toISOString(),
    endedAt: new Date().toISOString(),
    durationMs: Math.round(i.durationMs),
    endReason: 'error',
    endMessage: i.endMessage,
    requests: { total: whole.finished, sent: whole.sent, dropped: whole.dropped, attempts: whole.attempts, rate: 0, unfinished: whole.outcomes[OUTCOME_INDEX.aborted] },
    outcomes: whole.outcomeCounts(),
    ttft: empty,
    itl: empty,
    e2e: empty,
    e2eIntended: empty,
    scheduleLag: empty,
    tpot: empty,
    tokens: { input: 0, cachedInput: 0, output: 0, perSecond: 0, method: 'none' },
    cost: { total: whole.cost, perRequest: null },
    cacheHitRate: null,
    stages: [],
    thresholds: i.thresholdStates,
    metrics: Object.fromEntries(METRIC_KEYS.map((k) => [k, null])),
    verdict: { pass: false, headline: `ERROR — ${i.endMessage ?? 'engine failure'}`, firstBreach: null },
  };
}
