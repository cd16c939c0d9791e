// The metrics a threshold can name, with their unit and meaning. One list feeds threshold
// parsing, the runner's metric snapshot, completion and hover, and the docs.
//
// A threshold names a metric key: for a distribution metric `<name>.<stat>` (e.g. `ttft.p95`),
// otherwise the key itself (e.g. `errors.rate`). Values are compared in the canonical unit:
//   ms       — written with a time unit (`1.5s`, `800ms`) or as a bare number of ms
//   fraction — written as a percentage (`1%`) or a bare fraction (`0.01`)
//   usd      — written as `$5` or `5`
//   count / ratio / per_second / tokens_per_second — bare numbers

export type MetricUnit = 'ms' | 'fraction' | 'usd' | 'count' | 'ratio' | 'per_second' | 'tokens_per_second';

export interface MetricInfo {
  key: string;
  unit: MetricUnit;
  description: string;
}

export const LATENCY_STATS = ['p50', 'p90', 'p95', 'p99', 'max', 'mean', 'min'] as const;
export type LatencyStat = (typeof LATENCY_STATS)[number];

export interface LatencyMetricInfo {
  name: string;
  description: string;
  /** Unit of every statistic; latency metrics leave it out (milliseconds). */
  unit?: MetricUnit;
}

/** Distribution metrics, each available as `<name>.<stat>`: latencies in milliseconds, and
 * per-task counts (agent steps) in their own unit. */
export const LATENCY_METRICS: readonly LatencyMetricInfo[] = [
  { name: 'ttft', description: 'Time to first token: from sending the request to the first content token of the stream (not the response headers).' },
  { name: 'itl', description: 'Inter-token latency: the gaps between consecutive content tokens of a stream.' },
  { name: 'e2e', description: 'End-to-end latency: from sending the request to the last byte of the response.' },
  { name: 'e2eIntended', description: 'End-to-end latency measured from the intended send time (open model), so queueing in the load generator cannot hide a slow server (coordinated omission).' },
  { name: 'scheduleLag', description: 'Actual send time minus intended send time (open model).' },
  { name: 'ttftIntended', description: 'Time to first token measured from the intended send time — the closed user\'s send or the open model\'s arrival — so time a request waited inside Stampede (for a connection, behind maxConnections) counts, as the user felt it.' },
  { name: 'clientWait', description: 'Time an attempt waited inside Stampede for a connection because `providers[].maxConnections` were all busy: 0 for attempts that did not wait. Not time in the server.' },
  { name: 'tpot', description: 'Time per output token: (e2e - ttft) / (output tokens - 1) per request.' },
  { name: 'agent.steps', unit: 'count', description: 'Model calls per agent task (workload entries with `agent`): tool-call rounds plus the final answer.' },
];

export function statMetricUnit(metric: LatencyMetricInfo): MetricUnit {
  return metric.unit ?? 'ms';
}

/** Metrics compared as a single value. */
export const SCALAR_METRICS: readonly MetricInfo[] = [
  { key: 'requests.total', unit: 'count', description: 'Requests that finished (any outcome, after retries), not counting dropped arrivals.' },
  { key: 'requests.unfinished', unit: 'count', description: 'Requests still in flight when the run ended (outcome `aborted`: stopped, aborted, or past the drain), so never judged: neither ok nor an error. `requests.unfinished == 0` fails a run that left answers unmeasured.' },
  { key: 'requests.rate', unit: 'per_second', description: 'Achieved request rate over the run: requests sent per second.' },
  { key: 'errors.rate', unit: 'fraction', description: 'Share of finished requests whose user-visible outcome is an error (rate_limited, overloaded, server_error, client_error, timeout, network). Cancellations and aborts are not errors.' },
  { key: 'errors.count', unit: 'count', description: 'Finished requests whose user-visible outcome is an error.' },
  { key: 'rateLimited.rate', unit: 'fraction', description: 'Share of finished requests answered 429 (after retries).' },
  { key: 'rateLimit.headroom', unit: 'fraction', description: 'The lowest remaining / limit of requests or tokens that the provider\'s rate-limit headers reported (OpenAI\'s `x-ratelimit-*`, Anthropic\'s `anthropic-ratelimit-*`); 0 means a limit was reached. No value when the provider sends no such headers (Gemini, most self-hosted servers).' },
  { key: 'overloaded.rate', unit: 'fraction', description: 'Share of finished requests the provider refused as overloaded (Anthropic\'s 529 `overloaded_error`, after retries): its capacity, not your quota.' },
  { key: 'serverErrors.rate', unit: 'fraction', description: 'Share of finished requests answered 5xx (after retries), not counting 529 overloaded.' },
  { key: 'timeouts.rate', unit: 'fraction', description: 'Share of finished requests that hit the TTFT or total timeout.' },
  { key: 'dropped.count', unit: 'count', description: 'Arrivals that could not be sent because maxInFlight requests were already in flight (open model).' },
  { key: 'dropped.rate', unit: 'fraction', description: 'Dropped arrivals as a share of all arrivals.' },
  { key: 'tokens.perSecond', unit: 'tokens_per_second', description: 'Aggregate output tokens per second over the run.' },
  { key: 'tokens.output', unit: 'count', description: 'Output tokens received in total.' },
  { key: 'tokens.input', unit: 'count', description: 'Input (prompt) tokens sent in total.' },
  { key: 'cost.total', unit: 'usd', description: 'Total cost of the run in USD from the providers\' pricing.' },
  { key: 'cost.perRequest', unit: 'usd', description: 'Mean cost per finished request in USD.' },
  { key: 'cancellations.count', unit: 'count', description: 'Streams cancelled by the scenario (not errors).' },
  { key: 'cache.hitRate', unit: 'fraction', description: 'Share of prompt tokens served from the provider\'s cache (usage.prompt_tokens_details.cached_tokens); for an `http` target, the share of responses its `extract.cacheHit` rule marks as hits; for a mock with `responseCache`, the share answered from that cache.' },
  { key: 'retries.amplification', unit: 'ratio', description: 'Attempts per request: 1.0 means no retries.' },
  { key: 'cost.perRequest.growth', unit: 'ratio', description: 'Cost per request of the most expensive stage divided by that of the baseline (first) stage: 1.0 means cost grows linearly with traffic.' },
  { key: 'cancellations.leaked', unit: 'count', description: 'Cancelled streams the server kept generating: from the mock\'s counters, or a monitor series (`workload.cancellations.verify`) that did not return to its pre-cancel level in time.' },
  { key: 'agent.steps.growth', unit: 'ratio', description: 'p95 of agent steps per task in the worst stage divided by that of the baseline stage: agents diverging under load.' },
  { key: 'failover.time', unit: 'ms', description: 'From the primary provider failing (its circuit breaker opening) to the first success on the next provider; the longest such interval of the run.' },
  { key: 'failback.time', unit: 'ms', description: 'From the primary provider recovering (the end of its scheduled fault window, else its first successful half-open probe) to the actual shift back: the first ordinary request it served after its breaker closed; the longest of the run.' },
  { key: 'degradation.share', unit: 'fraction', description: 'Share of responses at degradation level 1 or above (see `degradation`).' },
  { key: 'degradation.maxLevel', unit: 'count', description: 'Highest degradation level seen in any response (0 = normal).' },
  { key: 'queue.depth.max', unit: 'count', description: 'Largest server queue depth seen, from a monitor series `queueDepth`, an `extract.queueDepth` rule or the mock.' },
  { key: 'kvCache.usage.max', unit: 'fraction', description: 'Highest KV-cache usage seen (0..1), from a monitor series `kvCacheUsage` or the mock.' },
  { key: 'ttft.growth', unit: 'ratio', description: 'p95 TTFT of the worst stage divided by that of the baseline stage.' },
  { key: 'quality', unit: 'fraction', description: 'Share of checked answers (mix entries with `expect`) that passed every check; the rest have the outcome `unacceptable`.' },
  { key: 'unacceptable.count', unit: 'count', description: 'Answers that failed a check of their mix entry\'s `expect` (wrong model, missing text, invalid JSON, too short or long, wrong finish reason).' },
  { key: 'unacceptable.rate', unit: 'fraction', description: 'Share of finished requests whose answer failed an `expect` check. Not an error: the answer arrived, and was not acceptable.' },
  { key: 'gateway.failover.time', unit: 'ms', description: 'From a fault window of a gateway upstream opening to the first success served by another upstream (dated when the gateway sent that attempt), as the upstream proxies counted it; the longest of the run.' },
  { key: 'gateway.failover.userTime', unit: 'ms', description: 'Failover as the user sees it: from the first user-visible failure after a fault window opened to the user error rate back under its baseline; the longest of the run.' },
  { key: 'gateway.failback.time', unit: 'ms', description: 'From a fault window closing to the recovered upstream serving a success again (dated when the gateway sent that attempt); the longest of the run.' },
  { key: 'gateway.amplification', unit: 'ratio', description: 'Upstream attempts per user request, from the upstream proxies\' counts: above 1 when the gateway retries or fails over.' },
  { key: 'gateway.switchErrors', unit: 'count', description: 'User-visible errors while the gateway switched upstreams: from each fault window opening until its failover completed.' },
  { key: 'gateway.wasted.attempts', unit: 'count', description: 'Upstream attempts that did not serve an answer (failed, refused, abandoned) while the user request still went on.' },
  { key: 'gateway.wasted.cost', unit: 'usd', description: 'Cost of the wasted upstream attempts at their upstream\'s pricing (tokens the upstream billed before it failed).' },
];

/** Families with an upstream name: `gateway.share.NAME` and `quality.NAME`. */
const UPSTREAM_FAMILIES: ReadonlyArray<{ prefix: string; unit: MetricUnit; description: (name: string) => string }> = [
  { prefix: 'gateway.share.', unit: 'fraction', description: (name) => `Share of the successful upstream answers served by the upstream '${name}' (per second in the series; over the run for a threshold).` },
  { prefix: 'quality.', unit: 'fraction', description: (name) => `Share of checked answers served by the upstream '${name}' that passed every check (answers attributed by the request id header or extract.upstream).` },
];
const UPSTREAM_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** The upstream a per-upstream metric key names (`gateway.share.fallback` → fallback), or null. */
export function upstreamOfMetric(key: string): string | null {
  for (const family of UPSTREAM_FAMILIES) {
    if (key.startsWith(family.prefix) && UPSTREAM_NAME.test(key.slice(family.prefix.length))) return key.slice(family.prefix.length);
  }
  return null;
}

/** Examples of the per-upstream families, for completion and docs. */
export const UPSTREAM_METRIC_EXAMPLES = ['gateway.share.NAME', 'quality.NAME'];

export function latencyMetricKeys(): string[] {
  return LATENCY_METRICS.flatMap((m) => LATENCY_STATS.map((s) => `${m.name}.${s}`));
}

/** Every key a threshold may name, with unit and description. */
export function allMetrics(): MetricInfo[] {
  const latency = LATENCY_METRICS.flatMap((m) =>
    LATENCY_STATS.map((s): MetricInfo => ({ key: `${m.name}.${s}`, unit: statMetricUnit(m), description: `${s} of ${m.description}` })),
  );
  return [...latency, ...SCALAR_METRICS];
}

/** Every metric key a run summary carries, in catalog order. */
export const METRIC_KEYS: readonly string[] = allMetrics().map((m) => m.key);

export function findMetric(key: string): MetricInfo | undefined {
  const known = allMetrics().find((m) => m.key === key);
  if (known) return known;
  const upstream = upstreamOfMetric(key);
  if (upstream === null) return undefined;
  const family = UPSTREAM_FAMILIES.find((f) => key.startsWith(f.prefix))!;
  return { key, unit: family.unit, description: family.description(upstream) };
}

/** Values of metrics by key, as the runner computes them for the whole run or a window. */
export type MetricSnapshot = Record<string, number | undefined>;
