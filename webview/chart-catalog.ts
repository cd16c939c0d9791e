// The charts of the live panel, as data: what each plots from a TickPoint, on which axis, in
// which theme colour, and which thresholds it draws. A chart for a new signal (agent steps,
// provider share, degradation level) is one more entry here.
import type { Outcome, TickPoint } from '../src/protocol/run-events';
import { errorRate, judgedRequests } from '../vocabulary/figures';
import type { MetricUnit } from '../vocabulary/metric-catalog';
import type { BoundUnit } from './threshold-bounds';

/** Names of the --vscode-charts-* colours (plus the editor foreground). */
export type ColorRole = 'blue' | 'red' | 'yellow' | 'orange' | 'green' | 'purple' | 'foreground' | 'lines';

/** An axis is in one of the units metrics are (vocabulary/metric-catalog.ts), so its ticks and
 * tooltips go through the one formatter. */
export type AxisUnit = MetricUnit;

export interface AxisSpec {
  id: 'y' | 'y1';
  unit: AxisUnit;
  title: string;
  /** Fixed upper bound (fractions stop at 100 %). */
  max?: number;
}

export interface SeriesSpec {
  id: string;
  label: string;
  axis: 'y' | 'y1';
  color: ColorRole;
  dashed?: boolean;
  /** Fill down to the series before it (stacked areas), or to zero. */
  fill?: 'previous' | 'origin';
  /** The plotted value; null leaves a gap (nothing is stored). */
  value: (p: TickPoint) => number | null;
  /** For stacked series, the value of this series alone, for the tooltip. */
  own?: (p: TickPoint) => number | null;
}

export interface ThresholdAxisRule {
  /** A metric key, or a prefix ending in '.' (`ttft.` matches ttft.p95). */
  metric: string;
  axis: 'y' | 'y1';
  unit: BoundUnit;
}

export interface ChartSpec {
  id: string;
  title: string;
  axes: AxisSpec[];
  series: SeriesSpec[];
  thresholds: ThresholdAxisRule[];
  /** Shown instead of an empty plot when no series has a value yet. */
  emptyNote: string;
  /** A signal only some scenarios have (agents, several providers, degradation levels, a
   * cache): the chart stays out of the way until the run reports it — any value, or for
   * 'nonzero' a value above zero (a prompt cache that never hit is a flat line at 0) — or a
   * threshold names one of its metrics. */
  onlyWithData?: boolean | 'nonzero';
}

/** Outcomes bottom to top in the stacked chart, with their legend names and colours. */
export const OUTCOME_STACK: ReadonlyArray<{ outcome: Outcome; label: string; color: ColorRole }> = [
  { outcome: 'ok', label: 'ok', color: 'green' },
  { outcome: 'unacceptable', label: 'unacceptable answer', color: 'yellow' },
  { outcome: 'rate_limited', label: '429 rate limited', color: 'orange' },
  { outcome: 'server_error', label: '5xx', color: 'red' },
  { outcome: 'client_error', label: 'other 4xx', color: 'blue' },
  { outcome: 'timeout', label: 'timeout', color: 'yellow' },
  { outcome: 'network', label: 'network', color: 'purple' },
  { outcome: 'canceled', label: 'canceled', color: 'lines' },
  { outcome: 'aborted', label: 'aborted (stop)', color: 'foreground' },
];

export function finishedIn(p: TickPoint): number {
  let n = 0;
  for (const o of OUTCOME_STACK) n += p.outcomes[o.outcome] ?? 0;
  return n;
}

/** The error rate of this second (errors over judged requests, as `errors.rate` everywhere);
 * null when none was judged. */
export function errorShare(p: TickPoint): number | null {
  return errorRate(p.outcomes);
}

/** Requests completed per second, less those the run's own end aborted: a Stop aborts every
 * request in flight at once, which is no completion. */
function completedRate(p: TickPoint): number {
  const finished = finishedIn(p);
  return finished > 0 ? (p.completedRate * judgedRequests(p.outcomes)) / finished : p.completedRate;
}

const outcomeSeries: SeriesSpec[] = OUTCOME_STACK.map((o, i) => ({
  id: `outcome.${o.outcome}`,
  label: o.label,
  axis: 'y',
  color: o.color,
  fill: i === 0 ? 'origin' : 'previous',
  value: (p) => {
    let sum = 0;
    for (let j = 0; j <= i; j++) sum += p.outcomes[OUTCOME_STACK[j]!.outcome] ?? 0;
    return sum;
  },
  own: (p) => p.outcomes[o.outcome] ?? 0,
}));

const LATENCY_THRESHOLDS = (names: string[]): ThresholdAxisRule[] =>
  names.map((n) => ({ metric: `${n}.`, axis: 'y', unit: 'ms' }));

/** Share of the provider at `index` in plan order; providerShare keeps plan order. */
function providerShareAt(index: number): (p: TickPoint) => number | null {
  return (p) => {
    if (!p.providerShare) return null;
    const shares = Object.values(p.providerShare);
    return shares.length > index && shares.length > 1 ? shares[index]! : null;
  };
}

/** Share of the gateway upstream at `index` (declaration order) of this second's answers (issue 12). */
function upstreamShareAt(index: number): (p: TickPoint) => number | null {
  return (p) => {
    if (!p.upstreamShare) return null;
    const shares = Object.values(p.upstreamShare);
    return shares.length > index ? shares[index]! : null;
  };
}

/** The monitor series at `index` (by name order), for the configured-monitors chart. */
function monitorAt(index: number): (p: TickPoint) => number | null {
  return (p) => {
    if (!p.monitors) return null;
    const names = Object.keys(p.monitors).sort();
    return names.length > index ? p.monitors[names[index]!] ?? null : null;
  };
}

/** Share of responses at `level` or above; null when no response told its level. */
function degradedAtLeast(level: number): (p: TickPoint) => number | null {
  return (p) => {
    if (!p.degradation) return null;
    let share = 0;
    for (let i = level; i < p.degradation.length; i++) share += p.degradation[i] ?? 0;
    return share;
  };
}

export const CHARTS: readonly ChartSpec[] = [
  {
    id: 'rate',
    title: 'Load: target vs achieved (requests/s)',
    axes: [{ id: 'y', unit: 'per_second', title: 'requests/s' }],
    series: [
      { id: 'target', label: 'target', axis: 'y', color: 'foreground', dashed: true, value: (p) => p.targetLevel },
      { id: 'sent', label: 'achieved (sent/s)', axis: 'y', color: 'blue', value: (p) => p.sentRate },
      { id: 'completed', label: 'completed/s', axis: 'y', color: 'green', value: completedRate },
      { id: 'dropped', label: 'dropped/s', axis: 'y', color: 'red', value: (p) => p.dropped },
    ],
    thresholds: [
      { metric: 'requests.rate', axis: 'y', unit: 'number' },
    ],
    emptyNote: 'No ticks yet.',
  },
  {
    id: 'latency',
    title: 'TTFT and end-to-end latency',
    axes: [{ id: 'y', unit: 'ms', title: 'latency' }],
    series: [
      { id: 'ttft.p50', label: 'TTFT p50', axis: 'y', color: 'green', value: (p) => p.ttft.p50 },
      { id: 'ttft.p95', label: 'TTFT p95', axis: 'y', color: 'blue', value: (p) => p.ttft.p95 },
      { id: 'ttft.p99', label: 'TTFT p99', axis: 'y', color: 'purple', value: (p) => p.ttft.p99 },
      { id: 'e2e.p95', label: 'E2E p95', axis: 'y', color: 'orange', value: (p) => p.e2e.p95 },
      { id: 'e2eIntended.p95', label: 'E2E p95 from intended send', axis: 'y', color: 'orange', dashed: true, value: (p) => p.e2eIntended.p95 },
    ],
    thresholds: LATENCY_THRESHOLDS(['ttft', 'e2e', 'e2eIntended', 'scheduleLag']),
    emptyNote: 'No finished requests yet.',
  },
  {
    id: 'itl',
    title: 'Inter-token latency and tokens/s',
    axes: [
      { id: 'y', unit: 'ms', title: 'latency' },
      { id: 'y1', unit: 'tokens_per_second', title: 'tokens/s' },
    ],
    series: [
      { id: 'itl.p50', label: 'ITL p50', axis: 'y', color: 'green', value: (p) => p.itl.p50 },
      { id: 'itl.p95', label: 'ITL p95', axis: 'y', color: 'yellow', value: (p) => p.itl.p95 },
      { id: 'tokensPerSecond', label: 'output tokens/s', axis: 'y1', color: 'blue', value: (p) => p.tokensPerSecond },
    ],
    thresholds: [
      ...LATENCY_THRESHOLDS(['itl', 'tpot']),
      { metric: 'tokens.perSecond', axis: 'y1', unit: 'number' },
    ],
    emptyNote: 'No streamed tokens yet.',
  },
  {
    id: 'outcomes',
    title: 'Outcomes per second',
    axes: [
      { id: 'y', unit: 'per_second', title: 'requests/s' },
      { id: 'y1', unit: 'fraction', title: 'error rate', max: 1 },
    ],
    series: [
      ...outcomeSeries,
      { id: 'errorShare', label: 'error rate', axis: 'y1', color: 'red', dashed: true, value: errorShare },
    ],
    thresholds: ['errors.rate', 'rateLimited.rate', 'serverErrors.rate', 'timeouts.rate'].map(
      (metric): ThresholdAxisRule => ({ metric, axis: 'y1', unit: 'fraction' }),
    ),
    emptyNote: 'No finished requests yet.',
  },
  {
    id: 'queue',
    title: 'Requests waiting: in flight, runner backlog, server queue',
    axes: [
      { id: 'y', unit: 'count', title: 'requests' },
      { id: 'y1', unit: 'fraction', title: 'KV cache', max: 1 },
    ],
    series: [
      { id: 'inFlight', label: 'in flight', axis: 'y', color: 'purple', value: (p) => p.inFlight },
      { id: 'backlog', label: 'runner backlog', axis: 'y', color: 'orange', dashed: true, value: (p) => p.backlog },
      { id: 'queueDepth', label: 'server queue', axis: 'y', color: 'red', value: (p) => p.queueDepth },
      { id: 'kvCacheUsage', label: 'KV-cache usage', axis: 'y1', color: 'blue', value: (p) => p.kvCacheUsage },
    ],
    thresholds: [
      { metric: 'queue.depth.max', axis: 'y', unit: 'number' },
      { metric: 'kvCache.usage.max', axis: 'y1', unit: 'fraction' },
    ],
    emptyNote: 'No ticks yet.',
  },
  {
    id: 'cache',
    title: 'Prompt cache hit rate',
    axes: [{ id: 'y', unit: 'fraction', title: 'hit rate', max: 1 }],
    series: [{ id: 'cacheHitRate', label: 'cache hit rate', axis: 'y', color: 'green', value: (p) => p.cacheHitRate }],
    thresholds: [{ metric: 'cache.hitRate', axis: 'y', unit: 'fraction' }],
    emptyNote: 'The provider reports no cached tokens.',
    onlyWithData: 'nonzero',
  },
  {
    id: 'cost',
    title: 'Cost',
    axes: [
      { id: 'y', unit: 'usd', title: 'cumulative USD' },
      { id: 'y1', unit: 'usd', title: 'USD per request' },
    ],
    series: [
      { id: 'costCumulative', label: 'cumulative', axis: 'y', color: 'blue', value: (p) => p.costCumulative },
      {
        id: 'costPerRequest',
        label: 'per request',
        axis: 'y1',
        color: 'orange',
        value: (p) => {
          const n = finishedIn(p);
          return n > 0 ? p.cost / n : null;
        },
      },
    ],
    thresholds: [
      { metric: 'cost.total', axis: 'y', unit: 'usd' },
      { metric: 'cost.perRequest', axis: 'y1', unit: 'usd' },
    ],
    emptyNote: 'No priced requests yet.',
  },
  {
    id: 'agents',
    title: 'Agent steps per task',
    axes: [{ id: 'y', unit: 'count', title: 'model calls' }],
    series: [
      { id: 'agentSteps.p50', label: 'steps p50', axis: 'y', color: 'green', value: (p) => p.agentSteps?.p50 ?? null },
      { id: 'agentSteps.p95', label: 'steps p95', axis: 'y', color: 'purple', value: (p) => p.agentSteps?.p95 ?? null },
    ],
    thresholds: [{ metric: 'agent.steps.', axis: 'y', unit: 'number' }],
    emptyNote: 'No agent tasks finished yet.',
    onlyWithData: true,
  },
  {
    id: 'providers',
    title: 'Traffic share per provider and retry amplification',
    axes: [
      { id: 'y', unit: 'fraction', title: 'share of attempts', max: 1 },
      { id: 'y1', unit: 'count', title: 'attempts per request' },
    ],
    series: [
      { id: 'share.0', label: 'primary', axis: 'y', color: 'blue', value: providerShareAt(0) },
      { id: 'share.1', label: 'failover 1', axis: 'y', color: 'orange', value: providerShareAt(1) },
      { id: 'share.2', label: 'failover 2', axis: 'y', color: 'yellow', value: providerShareAt(2) },
      { id: 'attemptsPerRequest', label: 'attempts per request', axis: 'y1', color: 'red', dashed: true, value: (p) => (p.providerShare && Object.keys(p.providerShare).length > 1 ? (p.attemptsPerRequest ?? null) : null) },
    ],
    thresholds: [{ metric: 'retries.amplification', axis: 'y1', unit: 'number' }],
    emptyNote: 'One provider: no failover traffic to show.',
    onlyWithData: true,
  },
  {
    id: 'upstreams',
    title: 'Gateway upstreams: share of answers (from the proxies) and amplification',
    axes: [
      { id: 'y', unit: 'fraction', title: 'share of answers', max: 1 },
      { id: 'y1', unit: 'count', title: 'upstream attempts per request' },
    ],
    series: [
      { id: 'upstream.0', label: 'upstream 1', axis: 'y', color: 'blue', value: upstreamShareAt(0) },
      { id: 'upstream.1', label: 'upstream 2', axis: 'y', color: 'orange', value: upstreamShareAt(1) },
      { id: 'upstream.2', label: 'upstream 3', axis: 'y', color: 'green', value: upstreamShareAt(2) },
      { id: 'gatewayAmplification', label: 'amplification', axis: 'y1', color: 'red', dashed: true, value: (p) => p.gatewayAmplification ?? null },
    ],
    thresholds: [{ metric: 'gateway.share.', axis: 'y', unit: 'fraction' }, { metric: 'gateway.amplification', axis: 'y1', unit: 'number' }],
    emptyNote: 'No gateway upstream answered yet.',
    onlyWithData: true,
  },
  {
    id: 'monitors',
    title: 'Monitor series',
    axes: [{ id: 'y', unit: 'count', title: 'value' }],
    series: [0, 1, 2].map((i) => ({ id: `monitor.${i}`, label: `monitor ${i + 1}`, axis: 'y' as const, color: (['purple', 'green', 'yellow'] as const)[i]!, value: monitorAt(i) })),
    thresholds: [],
    emptyNote: 'No monitor series scraped yet.',
    onlyWithData: true,
  },
  {
    id: 'degradation',
    title: 'Degradation level',
    axes: [{ id: 'y', unit: 'fraction', title: 'share of responses', max: 1 }],
    series: [
      { id: 'degraded.1', label: 'level ≥ 1', axis: 'y', color: 'yellow', value: degradedAtLeast(1) },
      { id: 'degraded.2', label: 'level ≥ 2', axis: 'y', color: 'orange', value: degradedAtLeast(2) },
      { id: 'degraded.3', label: 'level 3', axis: 'y', color: 'red', value: degradedAtLeast(3) },
    ],
    thresholds: [{ metric: 'degradation.share', axis: 'y', unit: 'fraction' }],
    emptyNote: 'No response reported a degradation level.',
    onlyWithData: true,
  },
];


/** The chart and axis a threshold's metric is drawn on, if any. */
export function chartForMetric(metric: string): { chart: ChartSpec; rule: ThresholdAxisRule } | null {
  for (const chart of CHARTS) {
    for (const rule of chart.thresholds) {
      const hit = rule.metric.endsWith('.') ? metric.startsWith(rule.metric) : metric === rule.metric;
      if (hit) return { chart, rule };
    }
  }
  return null;
}
