// The runner's event stream: the same whether the engine runs in-process (CLI, tests) or in a
// worker thread (the extension). Types only; all times are milliseconds unless named otherwise.

export type Outcome =
  | 'ok'
  | 'rate_limited'
  | 'server_error'
  | 'client_error'
  | 'timeout'
  | 'network'
  | 'canceled'
  | 'aborted';

export const OUTCOMES: readonly Outcome[] = [
  'ok',
  'rate_limited',
  'server_error',
  'client_error',
  'timeout',
  'network',
  'canceled',
  'aborted',
];

/** Outcomes that count as errors in `errors.rate`. */
export const ERROR_OUTCOMES: readonly Outcome[] = ['rate_limited', 'server_error', 'client_error', 'timeout', 'network'];

export type OutcomeCounts = Record<Outcome, number>;

export interface Percentiles {
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
  min: number | null;
  /** Number of samples. */
  count: number;
}

export interface StageInfo {
  name: string;
  index: number;
  startMs: number;
  endMs: number;
}

export interface ThresholdState {
  id: string;
  source: string;
  metric: string;
  /** null while there is no data to judge on. */
  pass: boolean | null;
  value: number | null;
  firstBreach: Breach | null;
}

export interface Breach {
  /** Seconds since the run started. */
  t: number;
  stage: string;
  /** Target load level at the time: arrivals/s (open) or users (closed). */
  targetLevel: number;
  /** Achieved request rate in the second of the breach. */
  achievedRate: number;
  value: number;
}

/** One aggregated point per second of the run. */
export interface TickPoint {
  /** Whole seconds since start; the point covers (t-1, t]. */
  t: number;
  stage: string;
  stageIndex: number;
  /** Target arrivals/s (open) or users (closed) at the end of the window, multiplier applied. */
  targetLevel: number;
  /** Live load multiplier in force (1 unless changed while running). */
  multiplier: number;
  /** Requests sent in this window (per second). */
  sentRate: number;
  /** Requests finished in this window, per second. */
  completedRate: number;
  inFlight: number;
  /** Arrivals due but not yet sent (runner's own backlog). */
  backlog: number;
  /** Arrivals dropped in this window (maxInFlight reached). */
  dropped: number;
  outcomes: OutcomeCounts;
  /** Attempt outcomes in this window (includes retried attempts). */
  attempts: number;
  ttft: Percentiles;
  itl: Percentiles;
  e2e: Percentiles;
  e2eIntended: Percentiles;
  scheduleLag: Percentiles;
  /** Output tokens per second in this window, all requests together. */
  tokensPerSecond: number;
  inputTokens: number;
  outputTokens: number;
  /** Share of prompt tokens served from cache in this window, null when unknown. */
  cacheHitRate: number | null;
  /** Cost of requests finished in this window (USD) and since the start. */
  cost: number;
  costCumulative: number;
  /** From monitors when configured (e.g. the mock's or vLLM's /metrics), else null. */
  queueDepth: number | null;
  kvCacheUsage: number | null;
  thresholds: ThresholdState[];
}

export interface StageSummary {
  name: string;
  index: number;
  startMs: number;
  endMs: number;
  requests: number;
  outcomes: OutcomeCounts;
  ttft: Percentiles;
  e2e: Percentiles;
  cost: number;
  costPerRequest: number | null;
  achievedRate: number;
}

export interface RunSummary {
  runId: string;
  scenario: string;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  /** completed: the load shape ran to its end; stopped: stop() or a signal; aborted: a threshold
   * with abortOnFail or the budget; error: the engine could not go on. */
  endReason: 'completed' | 'stopped' | 'aborted' | 'error';
  endMessage?: string;
  requests: { total: number; sent: number; dropped: number; attempts: number; rate: number };
  outcomes: OutcomeCounts;
  ttft: Percentiles;
  itl: Percentiles;
  e2e: Percentiles;
  e2eIntended: Percentiles;
  scheduleLag: Percentiles;
  tpot: Percentiles;
  tokens: {
    input: number;
    cachedInput: number;
    output: number;
    perSecond: number;
    /** How output tokens were counted: from the server's usage, from the stream, or both. */
    method: 'usage' | 'counted' | 'mixed' | 'none';
  };
  cost: { total: number; perRequest: number | null };
  cacheHitRate: number | null;
  stages: StageSummary[];
  thresholds: ThresholdState[];
  /** Every metric key of the catalog with its whole-run value. */
  metrics: Record<string, number | null>;
  verdict: Verdict;
}

export interface Verdict {
  pass: boolean;
  /** One line: what broke first, at what load, or that everything held. */
  headline: string;
  firstBreach: (Breach & { thresholdId: string; source: string }) | null;
}

export interface LogEntry {
  /** Seconds since start. */
  t: number;
  level: 'info' | 'warn' | 'error';
  message: string;
}

export type RunEvent =
  | {
      type: 'start';
      runId: string;
      scenario: string;
      startedAt: string;
      durationMs: number;
      loadModel: 'open' | 'closed';
      stages: StageInfo[];
      thresholds: Array<{ id: string; source: string; metric: string }>;
      providers: Array<{ id: string; type: string; url: string }>;
    }
  | { type: 'tick'; point: TickPoint }
  | { type: 'log'; entry: LogEntry }
  | { type: 'done'; summary: RunSummary };
