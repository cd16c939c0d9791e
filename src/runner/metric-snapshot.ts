// Turns a RunStats span into values for every metric key of the catalog.
import { LATENCY_STATS, METRIC_KEYS } from '../../vocabulary/metric-catalog';
import { OUTCOME_INDEX, LATENCY_NAMES, type RunStats } from './run-stats';
import { percentilesOf } from './latency-histogram';
import { pathMetricValues } from './request-path-stats';

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

export function latencyIndexOfMetric(key: string): number {
  const dot = key.indexOf('.');
  return dot < 0 ? -1 : (LATENCY_NAMES as readonly string[]).indexOf(key.slice(0, dot));
}

/** Values by metric key; `seconds` is the span's length for rates; `latencyWanted` limits which
 * histograms are read (percentiles are not free). */
export function metricValues(s: RunStats, seconds: number, latencyWanted?: ReadonlySet<number>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const key of METRIC_KEYS) out[key] = null;
  LATENCY_NAMES.forEach((name, i) => {
    if (latencyWanted && !latencyWanted.has(i)) return;
    const h = s.latency[i];
    if (!h) return;
    const p = percentilesOf(h);
    for (const stat of LATENCY_STATS) out[`${name}.${stat}`] = p[stat];
  });
  const judged = s.judged();
  out['requests.total'] = s.finished;
  out['requests.unfinished'] = s.outcomes[OUTCOME_INDEX.aborted];
  out['requests.rate'] = seconds > 0 ? s.sent / seconds : null;
  out['errors.count'] = s.errors();
  out['errors.rate'] = ratio(s.errors(), judged);
  out['rateLimited.rate'] = ratio(s.outcomes[OUTCOME_INDEX.rate_limited], judged);
  out['overloaded.rate'] = ratio(s.outcomes[OUTCOME_INDEX.overloaded], judged);
  out['serverErrors.rate'] = ratio(s.outcomes[OUTCOME_INDEX.server_error], judged);
  out['timeouts.rate'] = ratio(s.outcomes[OUTCOME_INDEX.timeout], judged);
  out['dropped.count'] = s.dropped;
  out['dropped.rate'] = ratio(s.dropped, s.sent + s.dropped);
  out['tokens.perSecond'] = seconds > 0 ? s.outputTokens / seconds : null;
  out['tokens.output'] = s.outputTokens;
  out['tokens.input'] = s.inputTokens;
  out['cost.total'] = s.cost;
  out['cost.perRequest'] = ratio(s.cost, judged);
  out['cancellations.count'] = s.outcomes[OUTCOME_INDEX.canceled];
  out['cache.hitRate'] = ratio(s.cachedTokens, s.cacheKnownInput);
  out['retries.amplification'] = ratio(s.attempts, s.finished);
  out['unacceptable.count'] = s.outcomes[OUTCOME_INDEX.unacceptable];
  out['unacceptable.rate'] = ratio(s.outcomes[OUTCOME_INDEX.unacceptable], judged);
  pathMetricValues(s.path, out);
  return out;
}
