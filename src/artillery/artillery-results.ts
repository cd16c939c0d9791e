// Artillery's JSON report (`artillery run --output report.json`, the same from run-fargate and
// run-lambda, merged across workers) as a Stampede results document, so the HTML, Markdown and
// JUnit reports render a distributed run the way they render a local one. Pure.
//
// What differs from a local run: percentiles are Artillery's merged DDSketches (±1 % relative,
// the value at rank floor(q·(n−1)), rounded to 0.1 ms), the series has one point per 10-second
// period, and thresholds are judged on exactly the formulas the `ensure` block checks
// (artillery-metrics.ts) — on the whole run for pass/fail, and per period for the first breach.
import {
  COUNTERS,
  HISTOGRAMS,
  artilleryExpression,
  endCounter,
  requestOutcomeCounter,
  stageMetric,
  type LatencyName,
} from '../core/artillery-metrics';
import { evaluateFormula } from '../core/formula';
import { levelAt, segmentAt } from '../core/load-shape';
import { allMetrics, findMetric } from '../../vocabulary/metric-catalog';
import type { ResolvedPlan } from '../core/plan';
import { thresholdHolds } from '../core/threshold-expression';
import { OUTCOMES, type Breach, type LogEntry, type OutcomeCounts, type Percentiles, type RunSummary, type StageSummary, type ThresholdState, type TickPoint } from '../protocol/run-events';
import { redactPlan } from '../report/redact';
import { RESULTS_VERSION, type ResultsDocument } from '../report/results-document';
import { stagesOf } from '../runner/run-setup';
import { buildVerdict } from '../runner/verdict';

/** Artillery's period length: the width of every point of the series. */
export const PERIOD_MS = 10_000;

export interface ArtillerySummary {
  min?: number;
  max?: number;
  count?: number;
  mean?: number;
  p50?: number;
  p90?: number;
  p95?: number;
  p99?: number;
  [stat: string]: number | undefined;
}

export interface ArtilleryPeriod {
  period?: number | string;
  counters?: Record<string, number>;
  summaries?: Record<string, ArtillerySummary>;
  firstMetricAt?: number;
  lastMetricAt?: number;
}

export interface ArtilleryReport {
  aggregate: ArtilleryPeriod;
  intermediate: ArtilleryPeriod[];
}

/** Reads the text of an Artillery JSON report; throws an Error with a one-line message. */
export function parseArtilleryReport(text: string): ArtilleryReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const r = value as Partial<ArtilleryReport> | null;
  if (!r || typeof r !== 'object' || !r.aggregate || typeof r.aggregate !== 'object' || !Array.isArray(r.intermediate)) {
    throw new Error('not an Artillery report (an object with "aggregate" and "intermediate", as `artillery run --output` writes)');
  }
  if (!r.aggregate.counters || typeof r.aggregate.counters[COUNTERS.workers] !== 'number') {
    throw new Error(`no Stampede metrics in this Artillery report (no ${COUNTERS.workers} counter): was it a run of a script written by \`stampede export artillery\`?`);
  }
  return r as ArtilleryReport;
}

export interface ArtilleryResultsInput {
  plan: ResolvedPlan;
  /** The workers the script was exported for (config.stampede.workers). */
  workers: number;
  reportFile: string;
  scenarioFile: string;
  overrides: string[];
  toolVersion: string;
}

type Values = (name: string) => number | undefined;

function valuesOf(counters: Record<string, number>, summaries: Record<string, ArtillerySummary>): Values {
  return (name) => {
    if (name in counters) return counters[name];
    const dot = name.lastIndexOf('.');
    return dot > 0 ? summaries[name.slice(0, dot)]?.[name.slice(dot + 1)] : undefined;
  };
}

const EMPTY: Percentiles = { p50: null, p90: null, p95: null, p99: null, max: null, mean: null, min: null, count: 0 };

function percentiles(s: ArtillerySummary | undefined): Percentiles {
  if (!s || !s.count) return { ...EMPTY };
  const v = (x: number | undefined) => (typeof x === 'number' && Number.isFinite(x) ? x : null);
  return { p50: v(s.p50), p90: v(s.p90), p95: v(s.p95), p99: v(s.p99), max: v(s.max), mean: v(s.mean), min: v(s.min), count: s.count };
}

function outcomesOf(c: Record<string, number>): OutcomeCounts {
  return Object.fromEntries(OUTCOMES.map((o) => [o, c[requestOutcomeCounter(o)] ?? 0])) as OutcomeCounts;
}

function addInto(sum: Record<string, number>, more: Record<string, number> | undefined): void {
  for (const [k, v] of Object.entries(more ?? {})) sum[k] = (sum[k] ?? 0) + v;
}

interface PeriodView {
  startMs: number;
  endMs: number;
  /** Seconds since the run started, at the end of the period. */
  t: number;
  widthS: number;
  counters: Record<string, number>;
  cumulative: Record<string, number>;
  summaries: Record<string, ArtillerySummary>;
}

export function resultsFromArtillery(report: ArtilleryReport, input: ArtilleryResultsInput): ResultsDocument {
  const { plan } = input;
  const agg = report.aggregate;
  const c = agg.counters ?? {};
  const summaries = agg.summaries ?? {};
  const reported = c[COUNTERS.workers] ?? 0;
  const factor = input.workers > 0 ? reported / input.workers : 1;
  const periods = [...report.intermediate].filter((p) => p.counters || p.summaries).sort((a, b) => Number(a.period) - Number(b.period));
  const t0 = Math.min(...[agg.firstMetricAt, ...periods.map((p) => p.firstMetricAt)].filter((x): x is number => typeof x === 'number' && x > 0));
  const start = Number.isFinite(t0) ? t0 : Number(periods[0]?.period ?? 0);
  const last = Math.max(start, ...[agg.lastMetricAt, ...periods.map((p) => p.lastMetricAt)].filter((x): x is number => typeof x === 'number'));
  const runMs = reported > 0 && c[COUNTERS.workerMs] ? c[COUNTERS.workerMs] / reported : last - start;
  const seconds = Math.max(0.001, runMs / 1000);
  const stages = stagesOf(plan.load);
  const loadModel = plan.load.model;
  const levelAtMs = (ms: number) => levelAt(plan.load, Math.min(Math.max(0, ms), plan.load.durationMs - 1)) * factor;
  const stageAt = (ms: number) => segmentAt(plan.load, Math.min(Math.max(0, ms), plan.load.durationMs - 1)) ?? plan.load.segments[plan.load.segments.length - 1];

  const cumulative: Record<string, number> = {};
  const views: PeriodView[] = periods.map((p) => {
    const startMs = Math.max(Number(p.period), start);
    const endMs = Math.max(startMs + 1, Math.min(Number(p.period) + PERIOD_MS, Math.max(last, startMs + 1)));
    addInto(cumulative, p.counters);
    return {
      startMs,
      endMs,
      t: Math.max(1, Math.round((endMs - start) / 1000)),
      widthS: (endMs - startMs) / 1000,
      counters: p.counters ?? {},
      cumulative: { ...cumulative },
      summaries: p.summaries ?? {},
    };
  });

  // Thresholds: whole run for pass/fail; each period (counts and dollars: cumulative) for the
  // first breach, as the local run judges its trailing 10-second windows.
  const logs: LogEntry[] = [];
  const wholeValues = valuesOf(c, summaries);
  const thresholds: ThresholdState[] = plan.thresholds.map((th) => {
    const expr = artilleryExpression(th.metric, plan);
    if (!expr.ok) {
      logs.push({ t: 0, level: 'warn', message: `threshold ${th.source} not judged: ${expr.reason}` });
      return { id: th.id, source: th.source, metric: th.metric, pass: null, value: null, firstBreach: null };
    }
    const value = evaluateFormula(expr.expression, wholeValues);
    const cumulativeMetric = ['count', 'usd'].includes(findMetric(th.metric)?.unit ?? '');
    let firstBreach: Breach | null = null;
    for (const v of views) {
      const pv = evaluateFormula(expr.expression, valuesOf(cumulativeMetric ? v.cumulative : v.counters, v.summaries));
      if (pv === null || thresholdHolds(th.op, pv, th.value)) continue;
      const atMs = v.endMs - start;
      firstBreach = { t: v.t, stage: stageAt(atMs - 1).stage, targetLevel: levelAtMs(atMs - 1), achievedRate: (v.counters[COUNTERS.sent] ?? 0) / v.widthS, value: pv };
      break;
    }
    return { id: th.id, source: th.source, metric: th.metric, pass: value === null ? null : thresholdHolds(th.op, value, th.value), value, firstBreach };
  });

  const series: TickPoint[] = views.map((v) => {
    const atMs = v.endMs - start - 1;
    const seg = stageAt(atMs);
    const k = v.counters;
    const per = (name: string) => (k[name] ?? 0) / v.widthS;
    const cacheKnown = k[COUNTERS.cacheKnownInputTokens] ?? 0;
    return {
      t: v.t,
      stage: seg.stage,
      stageIndex: seg.stageIndex,
      targetLevel: levelAtMs(atMs),
      multiplier: 1,
      sentRate: per(COUNTERS.sent),
      achievedRate: per(COUNTERS.sent),
      completedRate: per(COUNTERS.finished),
      inFlight: Math.max(0, (v.cumulative[COUNTERS.sent] ?? 0) - (v.cumulative[COUNTERS.finished] ?? 0)),
      backlog: 0,
      dropped: k[COUNTERS.dropped] ?? 0,
      // Per second, as a local run's points carry them (the chart is 'outcomes per second').
      outcomes: Object.fromEntries(OUTCOMES.map((o) => [o, per(requestOutcomeCounter(o))])) as OutcomeCounts,
      attempts: k[COUNTERS.attempts] ?? 0,
      ttft: percentiles(v.summaries[HISTOGRAMS.ttft]),
      itl: percentiles(v.summaries[HISTOGRAMS.itl]),
      e2e: percentiles(v.summaries[HISTOGRAMS.e2e]),
      e2eIntended: percentiles(v.summaries[HISTOGRAMS.e2eIntended]),
      scheduleLag: percentiles(v.summaries[HISTOGRAMS.scheduleLag]),
      tokensPerSecond: per(COUNTERS.outputTokens),
      inputTokens: k[COUNTERS.inputTokens] ?? 0,
      outputTokens: k[COUNTERS.outputTokens] ?? 0,
      cacheHitRate: cacheKnown > 0 ? (k[COUNTERS.cachedInputTokens] ?? 0) / cacheKnown : null,
      cost: (k[COUNTERS.costMicroUsd] ?? 0) / 1e6,
      costCumulative: (v.cumulative[COUNTERS.costMicroUsd] ?? 0) / 1e6,
      queueDepth: null,
      kvCacheUsage: null,
      thresholds: thresholds.map((s) => ({ ...s, firstBreach: s.firstBreach && s.firstBreach.t <= v.t ? s.firstBreach : null })),
    };
  });

  const outcomes = outcomesOf(c);
  const finished = c[COUNTERS.finished] ?? 0;
  const judged = finished - outcomes.aborted;
  const cost = (c[COUNTERS.costMicroUsd] ?? 0) / 1e6;
  const stageSummaries: StageSummary[] = stages.map((st) => {
    const one = stages.length === 1;
    const n = (what: 'sent' | 'finished' | 'cost_micro_usd') => c[stageMetric(st.index, what)] ?? 0;
    const stageFinished = one ? finished : n('finished');
    const stageCost = one ? cost : n('cost_micro_usd') / 1e6;
    const stageOutcomes = one ? outcomes : (Object.fromEntries(OUTCOMES.map((o) => [o, c[stageMetric(st.index, o)] ?? 0])) as OutcomeCounts);
    const stageJudged = stageFinished - stageOutcomes.aborted;
    const ranMs = Math.max(0, Math.min(st.endMs, runMs) - st.startMs);
    return {
      name: st.name,
      index: st.index,
      startMs: st.startMs,
      endMs: st.endMs,
      requests: stageFinished,
      outcomes: stageOutcomes,
      ttft: percentiles(one ? summaries[HISTOGRAMS.ttft] : summaries[stageMetric(st.index, 'ttft')]),
      e2e: percentiles(one ? summaries[HISTOGRAMS.e2e] : summaries[stageMetric(st.index, 'e2e')]),
      cost: stageCost,
      costPerRequest: stageJudged > 0 ? stageCost / stageJudged : null,
      achievedRate: ranMs > 0 ? (one ? c[COUNTERS.sent] ?? 0 : n('sent')) / (ranMs / 1000) : 0,
    };
  });

  const ends = ['error', 'aborted', 'stopped'].map((r) => [r, c[endCounter(r)] ?? 0] as const);
  const failedVusers = c['vusers.failed'] ?? 0;
  const worst = ends.find(([, n]) => n > 0);
  const endReason: RunSummary['endReason'] = worst ? (worst[0] as RunSummary['endReason']) : failedVusers > 0 ? 'error' : 'completed';
  const endMessages: string[] = [];
  if (worst) endMessages.push(`${worst[1]} of ${reported} workers ended ${worst[0] === 'error' ? 'with an error' : worst[0]}`);
  else if (failedVusers > 0) endMessages.push(`${failedVusers} worker${failedVusers === 1 ? '' : 's'} failed (see Artillery's output)`);
  if (reported !== input.workers) {
    const note = `${reported} of the ${input.workers} workers the script was exported for reported, so this run carried ${reported}/${input.workers} of the planned load`;
    logs.push({ t: 0, level: 'warn', message: note });
  }
  const usage = c[COUNTERS.usageCounted] ?? 0;
  const stream = c[COUNTERS.streamCounted] ?? 0;
  const metricValues = Object.fromEntries(
    allMetrics().map((m) => {
      const e = artilleryExpression(m.key, plan);
      return [m.key, e.ok ? evaluateFormula(e.expression, wholeValues) : null];
    }),
  );
  const peakTarget = Math.max(0, ...plan.load.segments.map((seg) => Math.max(seg.from, seg.to))) * factor;
  const peakAchieved = Math.max(0, ...series.map((p) => p.sentRate));
  const verdict = buildVerdict(thresholds, { model: loadModel, endReason, endMessage: endMessages[0], peakTarget, peakAchieved, outcomes });
  const startedAt = new Date(start).toISOString();
  const summary: RunSummary = {
    runId: `artillery-${startedAt.replace(/[:.]/g, '-')}`,
    scenario: plan.name,
    startedAt,
    endedAt: new Date(last).toISOString(),
    durationMs: Math.round(runMs),
    endReason,
    ...(endMessages.length ? { endMessage: endMessages.join('; ') } : {}),
    requests: { total: finished, sent: c[COUNTERS.sent] ?? 0, dropped: c[COUNTERS.dropped] ?? 0, attempts: c[COUNTERS.attempts] ?? 0, rate: (c[COUNTERS.sent] ?? 0) / seconds },
    outcomes,
    ...latencies(summaries),
    tokens: {
      input: c[COUNTERS.inputTokens] ?? 0,
      cachedInput: c[COUNTERS.cachedInputTokens] ?? 0,
      output: c[COUNTERS.outputTokens] ?? 0,
      perSecond: (c[COUNTERS.outputTokens] ?? 0) / seconds,
      method: usage > 0 && stream > 0 ? 'mixed' : usage > 0 ? 'usage' : stream > 0 ? 'counted' : 'none',
    },
    cost: { total: cost, perRequest: judged > 0 ? cost / judged : null },
    cacheHitRate: metricValues['cache.hitRate'] ?? null,
    stages: stageSummaries,
    thresholds,
    metrics: metricValues,
    verdict,
  };
  const now = new Date(last).toISOString();
  return {
    version: RESULTS_VERSION,
    runId: summary.runId,
    status: endReason,
    tool: { name: 'stampede', version: input.toolVersion },
    createdAt: now,
    updatedAt: now,
    scenario: { name: plan.name, file: input.scenarioFile, overrides: input.overrides, plan: redactPlan(plan) },
    run: {
      startedAt,
      plannedDurationMs: plan.load.durationMs,
      loadModel,
      stages,
      thresholds: plan.thresholds.map((t) => ({ id: t.id, source: t.source, metric: t.metric })),
      providers: plan.providers.map((p) => ({ id: p.id, type: p.type, url: p.type === 'openai' ? p.baseUrl : p.type === 'http' ? p.target.url : `embedded mock (${p.profile}), one per worker` })),
    },
    series,
    logs,
    logsDropped: 0,
    summary,
    source: { kind: 'artillery', file: input.reportFile, workers: input.workers, workersReported: reported, periodSeconds: PERIOD_MS / 1000 },
  };
}

function latencies(s: Record<string, ArtillerySummary>): Pick<RunSummary, LatencyName> {
  return {
    ttft: percentiles(s[HISTOGRAMS.ttft]),
    itl: percentiles(s[HISTOGRAMS.itl]),
    e2e: percentiles(s[HISTOGRAMS.e2e]),
    e2eIntended: percentiles(s[HISTOGRAMS.e2eIntended]),
    scheduleLag: percentiles(s[HISTOGRAMS.scheduleLag]),
    tpot: percentiles(s[HISTOGRAMS.tpot]),
  };
}
