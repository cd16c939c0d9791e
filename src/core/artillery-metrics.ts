// The metrics the Artillery engine emits, and Stampede's threshold metrics written as Artillery
// `ensure` expressions over them. Pure: shared by the engine (emits), the export (writes the
// `ensure` block) and `stampede report --from-artillery` (reads Artillery's report back).
//
// Artillery merges counters by summing them and histograms as DDSketches (1 % relative accuracy)
// across worker threads, periods and — on Fargate or Lambda — workers. A ratio such as the error
// rate is therefore emitted as its two counters and divided in the expression.
//
// Names: `ensure` finds metric names in an expression by plain substring replacement, so no
// name here is a substring of another one that an expression could use.
import { LATENCY_STATS } from '../../vocabulary/metric-catalog';
import type { PlanThreshold, ResolvedPlan } from './plan';
import { ERROR_OUTCOMES, OUTCOMES, type Outcome } from '../protocol/run-events';

/** Artillery histogram names of the latency metrics (milliseconds). */
export const HISTOGRAMS = {
  ttft: 'stampede.ttft',
  itl: 'stampede.itl',
  e2e: 'stampede.e2e',
  e2eIntended: 'stampede.e2e_intended',
  scheduleLag: 'stampede.schedule_lag',
  tpot: 'stampede.tpot',
} as const;

export type LatencyName = keyof typeof HISTOGRAMS;

export const COUNTERS = {
  /** Arrivals that became requests / that were due but never sent. */
  sent: 'stampede.arrivals.sent',
  dropped: 'stampede.arrivals.dropped',
  /** Attempts dispatched: first attempts, retries and agent steps. */
  attempts: 'stampede.attempts.sent',
  /** Requests that ended, with any outcome / with an error outcome. */
  finished: 'stampede.requests_finished',
  failed: 'stampede.requests_failed',
  inputTokens: 'stampede.tokens.input',
  cachedInputTokens: 'stampede.tokens.cached_input',
  /** Input tokens of requests whose usage said how much was cached (the hit rate's denominator). */
  cacheKnownInputTokens: 'stampede.tokens.cache_known_input',
  outputTokens: 'stampede.tokens.output',
  /** Requests whose output count came from the server's usage / was counted from the stream. */
  usageCounted: 'stampede.token_counts.usage',
  streamCounted: 'stampede.token_counts.stream',
  /** Cost in millionths of a USD, rounded so that the sum is the exact total rounded once. */
  costMicroUsd: 'stampede.cost.micro_usd',
  /** 1 per worker that started, and each worker's run time in ms: the run's length is their ratio. */
  workers: 'stampede.workers',
  workerMs: 'stampede.worker_ms',
} as const;

export const requestOutcomeCounter = (o: Outcome): string => `stampede.requests.${o}`;
export const attemptOutcomeCounter = (o: Outcome): string => `stampede.attempts.${o}`;
/** How each worker's run ended: completed, stopped, aborted or error. */
export const endCounter = (reason: string): string => `stampede.end.${reason}`;

/** Per-stage metrics (only when the load shape has more than one stage). */
export const stageMetric = (index: number, what: 'sent' | 'finished' | 'cost_micro_usd' | 'ttft' | 'e2e' | Outcome): string =>
  `stampede.stages.${index}.${what}`;

/** Every counter a worker emits at 0 when it starts, so each name exists in every report and an
 * `ensure` expression never names a metric Artillery has not seen. */
export function allCounterNames(stageCount: number): string[] {
  const names: string[] = [...Object.values(COUNTERS), ...OUTCOMES.map(requestOutcomeCounter), ...OUTCOMES.map(attemptOutcomeCounter)];
  if (stageCount > 1) {
    for (let i = 0; i < stageCount; i++) for (const w of ['sent', 'finished', 'cost_micro_usd', ...OUTCOMES] as const) names.push(stageMetric(i, w));
  }
  return names;
}

/** USD to the whole micro-USD the counter carries. */
export const toMicroUsd = (usd: number): number => Math.round(usd * 1e6);

const judged = `(${COUNTERS.finished} - ${requestOutcomeCounter('aborted')})`;
const seconds = `(${COUNTERS.workerMs} / ${COUNTERS.workers} / 1000)`;
const share = (outcome: Outcome) => `${requestOutcomeCounter(outcome)} / ${judged}`;

/** Scalar metrics as expressions over the counters, in the metric's canonical unit (ms, fraction,
 * USD, count). Mirrors metric-snapshot.ts: rates over finished requests leave aborted ones out. */
const SCALAR_EXPRESSIONS: Record<string, string> = {
  'requests.total': COUNTERS.finished,
  'requests.rate': `${COUNTERS.sent} / ${seconds}`,
  'errors.count': COUNTERS.failed,
  'errors.rate': `${COUNTERS.failed} / ${judged}`,
  'rateLimited.rate': share('rate_limited'),
  'serverErrors.rate': share('server_error'),
  'timeouts.rate': share('timeout'),
  'dropped.count': COUNTERS.dropped,
  'dropped.rate': `${COUNTERS.dropped} / (${COUNTERS.sent} + ${COUNTERS.dropped})`,
  'tokens.perSecond': `${COUNTERS.outputTokens} / ${seconds}`,
  'tokens.output': COUNTERS.outputTokens,
  'tokens.input': COUNTERS.inputTokens,
  'cost.total': `${COUNTERS.costMicroUsd} / 1000000`,
  'cost.perRequest': `${COUNTERS.costMicroUsd} / 1000000 / ${judged}`,
  'cancellations.count': requestOutcomeCounter('canceled'),
  'cache.hitRate': `${COUNTERS.cachedInputTokens} / ${COUNTERS.cacheKnownInputTokens}`,
  'retries.amplification': `${COUNTERS.attempts} / ${COUNTERS.finished}`,
};

const NOT_MERGED: Record<string, string> = {
  'agent.steps': 'agent steps per task are kept in each worker, not emitted as samples',
  'cost.perRequest.growth': 'needs each stage’s cost per request against the baseline stage’s, judged by Stampede’s analysis, not by Artillery',
  'ttft.growth': 'needs per-stage TTFT percentiles against the baseline stage’s, judged by Stampede’s analysis, not by Artillery',
  'agent.steps.growth': 'agent steps per task are kept in each worker, not emitted as samples',
  'cancellations.leaked': 'leaks are verified by each worker against its own mock or monitor',
  'failover.time': 'failover is timed by each worker’s own circuit breaker',
  'failback.time': 'failback is timed by each worker’s own circuit breaker',
  'degradation.share': 'degradation levels are counted in each worker, not emitted as samples',
  'degradation.maxLevel': 'degradation levels are counted in each worker, not emitted as samples',
  'queue.depth.max': 'queue depth is a server gauge each worker reads on its own',
  'kvCache.usage.max': 'KV-cache usage is a server gauge each worker reads on its own',
};

export type MetricExpression = { ok: true; expression: string } | { ok: false; reason: string };

/** The Stampede metric as an expression over Artillery's aggregate (counters and histogram
 * summaries, e.g. `stampede.ttft.p95`), or why it has none. */
export function artilleryExpression(metric: string, plan?: ResolvedPlan): MetricExpression {
  const dot = metric.lastIndexOf('.');
  const name = metric.slice(0, dot) as LatencyName;
  const stat = metric.slice(dot + 1);
  if (name in HISTOGRAMS && (LATENCY_STATS as readonly string[]).includes(stat)) return { ok: true, expression: `${HISTOGRAMS[name]}.${stat}` };
  if (metric === 'cache.hitRate' && plan && cacheHitFromResponses(plan)) {
    return { ok: false, reason: 'this scenario counts cache hits from responses (extract.cacheHit or a mock responseCache), which each worker keeps' };
  }
  const scalar = SCALAR_EXPRESSIONS[metric];
  if (scalar) return { ok: true, expression: scalar };
  const reason = NOT_MERGED[metric] ?? NOT_MERGED[name];
  return { ok: false, reason: reason ?? 'no Artillery metric carries it' };
}

function cacheHitFromResponses(plan: ResolvedPlan): boolean {
  return plan.providers.some((p) => (p.type === 'http' && p.target.extract?.cacheHit !== undefined) || (p.type === 'mock' && p.behaviour?.responseCache !== undefined));
}

/** A number as filtrex reads it: no exponent notation. */
export function formatNumber(value: number): string {
  const text = String(Number(value.toPrecision(12)));
  if (!/e/i.test(text)) return text;
  return value.toFixed(20).replace(/\.?0+$/, '');
}

export interface EnsureCondition {
  expression: string;
  strict: true;
  /** The threshold as written in the scenario. */
  source: string;
  thresholdId: string;
}

export interface ThresholdTranslation {
  conditions: EnsureCondition[];
  untranslated: Array<{ source: string; thresholdId: string; reason: string }>;
}

export function thresholdCondition(t: PlanThreshold, plan?: ResolvedPlan): EnsureCondition | { reason: string } {
  const m = artilleryExpression(t.metric, plan);
  if (!m.ok) return { reason: m.reason };
  const lhs = /^[\w.]+$/.test(m.expression) ? m.expression : `(${m.expression})`;
  return { expression: `${lhs} ${t.op} ${formatNumber(t.value)}`, strict: true, source: t.source, thresholdId: t.id };
}

/** The scenario's thresholds as `ensure` conditions; what has no Artillery equivalent is listed. */
export function translateThresholds(plan: ResolvedPlan): ThresholdTranslation {
  const out: ThresholdTranslation = { conditions: [], untranslated: [] };
  for (const t of plan.thresholds) {
    const c = thresholdCondition(t, plan);
    if ('reason' in c) out.untranslated.push({ source: t.source, thresholdId: t.id, reason: c.reason });
    else out.conditions.push(c);
  }
  return out;
}

/** Outcomes that count as errors (for the `requests_failed` counter). */
export function isErrorOutcome(o: Outcome): boolean {
  return (ERROR_OUTCOMES as readonly Outcome[]).includes(o);
}

