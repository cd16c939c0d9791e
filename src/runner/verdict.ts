// Thresholds judged live (every tick) and on the whole run, and the one-line verdict.
//
// Live values: latency, fraction, rate and ratio metrics are taken over a trailing 10-second
// window (so a spike shows when it happens, not diluted by the whole run); count and USD
// metrics are cumulative since the start. Pass/fail at the end is judged on whole-run values.
//
// A verdict needs evidence: a threshold whose metric got no value in the whole run fails as
// "no data" (a latency threshold with no sample held nothing), and a run in which no request
// finished cannot pass, thresholds or not. Both are FAIL, exit code 1.
import { formatDuration, formatLevel, formatMetricValue } from '../../vocabulary/format';
import { findMetric } from '../../vocabulary/metric-catalog';
import type { PlanThreshold } from '../core/plan';
import { ERROR_OUTCOMES, type Breach, type OutcomeCounts, type ThresholdState, type TracePosition, type Verdict } from '../protocol/run-events';
import { thresholdHolds } from '../core/threshold-expression';

export function isCumulativeMetric(key: string): boolean {
  const unit = findMetric(key)?.unit;
  return unit === 'count' || unit === 'usd';
}

export function newThresholdStates(thresholds: readonly PlanThreshold[]): ThresholdState[] {
  return thresholds.map((t) => ({ id: t.id, source: t.source, metric: t.metric, pass: null, value: null, firstBreach: null }));
}

/** Updates pass/value from `values`; returns the thresholds that failed now for the first time.
 * Live (`final` false), a metric without a value is not judged yet; on the whole run it fails. */
export function judge(thresholds: readonly PlanThreshold[], states: ThresholdState[], values: (t: PlanThreshold) => number | null, breach: (value: number) => Breach | null, final = false): PlanThreshold[] {
  const newly: PlanThreshold[] = [];
  thresholds.forEach((t, i) => {
    const v = values(t);
    const s = states[i];
    s.value = v === null ? null : round(v);
    s.pass = v === null ? (final ? false : null) : thresholdHolds(t.op, v, t.value);
    if (s.pass === false && !s.firstBreach && s.value !== null) {
      const b = breach(s.value);
      if (b) {
        s.firstBreach = b;
        newly.push(t);
      }
    }
  });
  return newly;
}

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

export interface VerdictContext {
  model: 'open' | 'closed';
  endReason: 'completed' | 'stopped' | 'aborted' | 'error';
  endMessage?: string;
  peakTarget: number;
  peakAchieved: number;
  /** Whole-run outcomes: without thresholds nothing can fail, so the headline says what did. */
  outcomes?: OutcomeCounts;
}

/** ", yet 6 of 6 requests were errors (server_error 6) — add a threshold …", or "" when none were. */
function unjudgedErrors(outcomes: OutcomeCounts | undefined): string {
  if (!outcomes) return '';
  const kinds = ERROR_OUTCOMES.filter((o) => outcomes[o] > 0);
  const errors = kinds.reduce((n, o) => n + outcomes[o], 0);
  if (errors === 0) return '';
  const finished = errors + outcomes.ok + outcomes.canceled;
  return `, yet ${errors} of ${finished} requests were errors (${kinds.map((o) => `${o} ${outcomes[o]}`).join(', ')}) — add a threshold such as errors.rate < 1% to fail on that`;
}

/** A threshold's value as the reports and the terminal show it (2.26 s, not 2258 ms). */
function headlineValue(metric: string, value: number | null): string {
  return value === null ? 'no data' : formatMetricValue(metric, value);
}

/** Requests that finished with a result: ok, an error, or cancelled by the scenario. */
function finishedWithResult(outcomes: OutcomeCounts): number {
  return Object.entries(outcomes).reduce((n, [o, c]) => (o === 'aborted' ? n : n + c), 0);
}

/** "no request finished: 22 sent, all still in flight when the run ended" */
function nothingFinished(outcomes: OutcomeCounts): string {
  const unfinished = outcomes.aborted;
  return unfinished > 0 ? `no request finished: ${unfinished} still in flight when the run ended (unfinished), so nothing was measured` : 'no request finished: nothing was sent or measured';
}

/** "trace 1h10m05s (2025-03-01 10:10:05 UTC), recorded 5.2/s" — where a replay broke. */
export function traceWhere(trace: TracePosition): string {
  const clock = trace.at ? ` (${trace.at.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')})` : '';
  return `trace ${formatDuration(trace.offsetS)}${clock}, recorded ${formatLevel(Math.round(trace.recordedRate * 100) / 100, 'open')}`;
}

export function buildVerdict(states: readonly ThresholdState[], ctx: VerdictContext): Verdict {
  const failed = states.filter((s) => s.pass === false);
  const pickFirst = (list: readonly ThresholdState[]) =>
    list.reduce<ThresholdState | null>((best, s) => {
      if (!s.firstBreach) return best;
      if (!best || !best.firstBreach || s.firstBreach.t < best.firstBreach.t) return s;
      return best;
    }, null);
  const first = pickFirst(failed) ?? pickFirst(states);
  const firstBreach = first?.firstBreach ? { ...first.firstBreach, thresholdId: first.id, source: first.source } : null;
  if (ctx.endReason === 'error') {
    return { pass: false, headline: `ERROR — ${ctx.endMessage ?? 'the run could not go on'}`, firstBreach };
  }
  if (ctx.endReason === 'completed' && ctx.outcomes && finishedWithResult(ctx.outcomes) === 0) {
    return { pass: false, headline: `FAIL — ${nothingFinished(ctx.outcomes)}`, firstBreach };
  }
  if (failed.length > 0) {
    const f = failed.find((s) => s === first) ?? failed[0];
    const more = failed.length > 1 ? ` (+${failed.length - 1} more failed)` : '';
    if (f.value === null && !f.firstBreach) {
      return { pass: false, headline: `FAIL — ${f.source}: no data (no request in the run gave ${f.metric} a value)${more}`, firstBreach };
    }
    const b = f.firstBreach;
    const where = b
      ? `broke first at ${Math.round(b.t)}s (${b.trace ? `${traceWhere(b.trace)}; ` : ''}stage ${b.stage}, target ${formatLevel(b.targetLevel, ctx.model)}, achieved ${formatLevel(b.achievedRate, 'open')})`
      : 'failed on the whole run';
    return { pass: false, headline: `FAIL — ${f.source} ${where}: ${headlineValue(f.metric, b ? b.value : f.value)}${more}`, firstBreach };
  }
  // Both are peaks, of different seconds: Poisson arrivals can send more than the target.
  const peak = `peak target ${formatLevel(ctx.peakTarget, ctx.model)}, achieved up to ${formatLevel(ctx.peakAchieved, 'open')}`;
  const aborted = ctx.endReason === 'aborted' ? ` (run aborted: ${ctx.endMessage ?? 'aborted'})` : ctx.endReason === 'stopped' ? ' (run stopped early)' : '';
  if (ctx.endReason === 'aborted') {
    return { pass: false, headline: `ABORTED — ${ctx.endMessage ?? 'the run was aborted'}; ${peak}`, firstBreach };
  }
  const held = states.length === 0 ? `no thresholds set${unjudgedErrors(ctx.outcomes)}` : `all ${states.length} threshold${states.length === 1 ? '' : 's'} held`;
  return { pass: true, headline: `PASS — ${held}; ${peak}${aborted}`, firstBreach };
}
