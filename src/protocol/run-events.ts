// The runner's event stream: the same whether the engine runs in-process (CLI, tests) or in a
// worker thread (the extension). Types only; all times are milliseconds unless named otherwise.

export type Outcome =
  | 'ok'
  /** An answer arrived and failed a check of its mix entry's `expect` (issue 12): not an error. */
  | 'unacceptable'
  | 'rate_limited'
  | 'overloaded'
  | 'server_error'
  | 'client_error'
  | 'timeout'
  | 'network'
  | 'canceled'
  | 'aborted';

export const OUTCOMES: readonly Outcome[] = [
  'ok',
  'unacceptable',
  'rate_limited',
  'overloaded',
  'server_error',
  'client_error',
  'timeout',
  'network',
  'canceled',
  'aborted',
];

/** Outcomes that count as errors in `errors.rate`. */
export const ERROR_OUTCOMES: readonly Outcome[] = ['rate_limited', 'overloaded', 'server_error', 'client_error', 'timeout', 'network'];

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

/** load.model: replay — where in the trace a moment of the run falls. */
export interface TracePosition {
  /** Seconds from the trace's first request (within one pass). */
  offsetS: number;
  /** The trace's own clock (ISO 8601) when it has epoch timestamps. */
  at?: string;
  /** Arrivals per second the trace recorded around then, before any `rate: Nx`. */
  recordedRate: number;
}

export interface Breach {
  /** Seconds since the run started. */
  t: number;
  /** Replay: the trace time and recorded rate at the breach. */
  trace?: TracePosition;
  stage: string;
  /** Target load level at the time: arrivals/s (open) or users (closed). */
  targetLevel: number;
  /** Achieved (sent) request rate averaged over the ACHIEVED_RATE_SECONDS up to the breach. */
  achievedRate: number;
  value: number;
}

/** Seconds averaged in a point's `achievedRate` and a breach's. */
export const ACHIEVED_RATE_SECONDS = 5;

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
  /** Replay: where in the trace the end of this second falls. */
  trace?: TracePosition;
  /** Requests sent in this window (per second). */
  sentRate: number;
  /** Requests sent per second over the last ACHIEVED_RATE_SECONDS (fewer at the start): the
   * rate a person reads, steady even when a low Poisson rate sends 0 one second and 3 the next. */
  achievedRate: number;
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
  /** TTFT from the intended send (the closed user's send, the open model's arrival): time spent
   * waiting inside Stampede included. Absent in results written before it was measured. */
  ttftIntended?: Percentiles;
  /** Time attempts waited in Stampede for a connection (providers[].maxConnections), 0 for those
   * that did not wait. */
  clientWait?: Percentiles;
  /** The most requests waiting in Stampede for a connection at any moment of this second. */
  clientWaiting?: number;
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
  /** Share of this window's attempts sent to each provider id (issue 4); empty without attempts. */
  providerShare?: Record<string, number>;
  /** Attempts per finished request in this window (retry amplification), null without any. */
  attemptsPerRequest?: number | null;
  /** Share of this window's responses at each degradation level (index = level), null when off. */
  degradation?: number[] | null;
  /** Model calls per agent task finished in this window, null without agent tasks. */
  agentSteps?: { p50: number | null; p95: number | null } | null;
  /** Cancelled streams found still generating in this window (mock counters or a monitor). */
  leakedCancellations?: number;
  /** Provider latency from Server-Timing (http targets), null when the target does not report it. */
  providerLatency?: Percentiles | null;
  /** Prometheus monitor series by name (gauges as values, counters as per-second rates), the
   * latest scrape at the end of the window; null when a scrape found no matching sample. */
  monitors?: Record<string, number | null>;
  /** The lowest rate-limit headroom responses reported in this window (OpenAI's x-ratelimit-*,
   * Anthropic's anthropic-ratelimit-* headers); absent when none did. */
  rateLimit?: RateLimitView | null;
  /** Over the trailing window live thresholds are judged on (this second and up to nine before
   * it): what the status bar, the panel and the CLI show as "last 10 s". Absent in results files
   * written before it existed. */
  recent?: { seconds: number; ttftP95: number | null; errorRate: number | null };
  /** Issue 12, the gateway's upstreams as their proxies counted them in this second (attempts
   * that ended in it); absent without a `gateway` section. */
  upstreams?: Record<string, UpstreamSecond>;
  /** Share of this second's successful upstream answers served by each upstream. */
  upstreamShare?: Record<string, number>;
  /** Upstream attempts per user request finished in this second; null when none finished. */
  gatewayAmplification?: number | null;
  /** Fault windows open at the end of this second, as `upstream:kind`. */
  faultsOpen?: string[];
}

export interface RateLimitView {
  requestsRemaining: number | null;
  requestsLimit: number | null;
  tokensRemaining: number | null;
  tokensLimit: number | null;
  /** The lower of remaining / limit for requests and tokens (0 = a limit reached). */
  headroom: number | null;
}

/** Failure kinds of an upstream attempt, as the upstream's proxy saw it. */
export type UpstreamFailureKind = 'rate_limited' | 'server_error' | 'client_error' | 'network' | 'abandoned';

export interface UpstreamSecond {
  attempts: number;
  ok: number;
  failures: Record<UpstreamFailureKind, number>;
  /** Attempts answered or refused by the proxy's fault schedule (the upstream never saw them). */
  injected: number;
  bytes: number;
  /** Time to first byte of this second's answers (ms); null without any. */
  ttfb: { p50: number | null; p95: number | null; max: number | null };
  /** Models named by this second's successful answers, with counts. */
  models: Record<string, number>;
}

/** A fault window of the run: scheduled on a gateway upstream (or a mock provider). */
export interface FaultWindowInfo {
  /** The upstream's name (or the mock provider's id). */
  upstream: string;
  kind: 'outage' | 'error-rate' | 'latency' | 'rate-limit' | 'slow-stream';
  /** Run time in ms. */
  startMs: number;
  endMs: number;
  /** Short description, e.g. "outage (503 answers)". */
  label: string;
}

/** One fault window and what the gateway did about it. */
export interface FaultWindowRecord extends FaultWindowInfo {
  /** The window as its proxy saw it: the first and last attempt the fault touched (run ms); null when none did. */
  firstFaultMs: number | null;
  lastFaultMs: number | null;
  /** Attempts the fault touched. */
  faulted: number;
  /** Window opening → first success served by another upstream; null when none did. */
  failoverMs: number | null;
  failoverTo: string | null;
  /** Window closing → first success served by this upstream again; null when it did not serve again. */
  failbackMs: number | null;
  /** As the user saw it: first user-visible failure → user error rate back under its baseline (0: users saw no failure); null when it did not come back. */
  userFailoverMs: number | null;
  /** User-visible errors from the window opening until the failover completed (or the window closed). */
  switchErrors: number;
  /** Attempts to each upstream while the window was open. */
  attempts: Record<string, number>;
  /** One sentence: what the gateway did. */
  outcome: string;
}

export interface UpstreamSummary {
  name: string;
  /** What the proxy forwards to (no credentials), or "embedded mock (profile)". */
  target: string;
  /** The proxy's URL, as `${upstream:NAME}` resolved. */
  url: string;
  attempts: number;
  ok: number;
  failures: Record<UpstreamFailureKind, number>;
  injected: number;
  bytes: number;
  ttfb: Percentiles;
  models: Record<string, number>;
  /** Share of all successful upstream answers of the run. */
  share: number;
  /** The proxy's own counters over the run (requests = forwarded + answered + refused + rejected + abandoned). */
  proxy: { requests: number; forwarded: number; answered: number; refused: number; rejected: number; abandoned: number; upstreamErrors: number };
  /** Checked answers attributed to this upstream (request id join or extract.upstream); null when none. */
  quality: { checked: number; acceptable: number; share: number } | null;
  wasted: { attempts: number; costUsd: number };
}

export interface GatewaySummary {
  upstreams: UpstreamSummary[];
  windows: FaultWindowRecord[];
  /** How upstream attempts were tied to user requests. */
  correlation: { header: string | null; method: 'request-id' | 'counts'; joinedRequests: number };
  /** Upstream attempts per user request over the run. */
  amplification: number | null;
  failoverMs: number | null;
  userFailoverMs: number | null;
  failbackMs: number | null;
  switchErrors: number;
  wastedAttempts: number;
  wastedCostUsd: number;
}

/** One breaker trip of the primary and the first success on the provider that took over. */
export interface FailoverEvent {
  /** Seconds since start when the breaker of `from` opened. */
  t: number;
  from: string;
  to: string;
  /** Breaker open → first success on `to`; null when no later provider succeeded. */
  failoverMs: number | null;
  /** `from` recovering (the end of its scheduled fault window, else its first successful
   * half-open probe) → the actual shift back (the first ordinary request it served after its
   * breaker closed); null when traffic did not shift back before the run ended. */
  failbackMs: number | null;
}

export interface ProviderSummary {
  id: string;
  /** The wire format spoken (absent for http targets) and the tokenizer that sized its prompts
   * and counted answers that came without usage. */
  dialect?: string;
  tokenizer?: string;
  attempts: number;
  outcomes: OutcomeCounts;
  /** Share of all attempts of the run. */
  share: number;
}

export interface AgentSummary {
  tasks: number;
  /** Model calls per task (tool rounds + the final answer). */
  steps: Percentiles;
  /** Tasks that hit maxSteps without a final answer (outcome ok, counted here). */
  capped: number;
  tokensPerTask: number | null;
  costPerTask: number | null;
  /** Attempts inside agent loops beyond one per model call. */
  retriesInLoop: number;
  /** Simulated tool calls and how many returned an error result. */
  toolCalls: number;
  toolFailures: number;
}

export interface CancellationSummary {
  count: number;
  /** Cancelled generations the server stopped (mock counters), null when unknown. */
  stoppedByServer: number | null;
  leaked: number | null;
  method: 'mock-counters' | 'monitor' | 'none';
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
  /** Set when the error was a bug in Stampede (an engine failure, a failing sink, a crashed
   * worker) rather than configuration it could not use: the CLI then exits 70, not 2. */
  internalError?: true;
  /** `unfinished`: requests still in flight when the run ended (outcome `aborted`); absent in
   * results files written before it was counted. */
  requests: { total: number; sent: number; dropped: number; attempts: number; rate: number; unfinished?: number };
  outcomes: OutcomeCounts;
  ttft: Percentiles;
  itl: Percentiles;
  e2e: Percentiles;
  e2eIntended: Percentiles;
  scheduleLag: Percentiles;
  /** TTFT from the intended send: what the user felt, time waiting inside Stampede included. */
  ttftIntended?: Percentiles;
  /** Time each attempt waited in Stampede for a connection (providers[].maxConnections). */
  clientWait?: Percentiles;
  tpot: Percentiles;
  /** Every `network` attempt outcome by error code and the phase it failed in. */
  networkErrors?: NetworkErrorSummary[];
  /** Limits of the load tester itself that held requests back or failed them: findings about
   * Stampede and the machine it ran on, never about the system under test. */
  clientLimits?: ClientLimitFinding[];
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
  /** Issue 4, the request path: failover events (null without failover), per-provider traffic,
   * agent loops, degradation levels, verified cancellations, Server-Timing provider latency. */
  failover?: { events: FailoverEvent[]; failoverMs: number | null; failbackMs: number | null } | null;
  providers?: ProviderSummary[];
  /** The lowest rate-limit headroom any response of the run reported; absent or null when none did. */
  rateLimit?: RateLimitView | null;
  agent?: AgentSummary | null;
  degradation?: { levels: string[]; counts: number[]; share: number | null; maxLevel: number | null } | null;
  cancellations?: CancellationSummary;
  providerLatency?: Percentiles | null;
  /** What broke first: one timeline of threshold breaches and failure-mode signs (issue 4). */
  analysis?: RunAnalysis;
  /** Breaking-point search (load.breakingPoint): the highest rate every threshold held at. */
  breakingPoint?: BreakingPointResult;
  /** Cache A/B experiment: the same load with the cache on and off. */
  cacheAB?: { on: CacheABSide; off: CacheABSide };
  /** Thundering-herd probe: a burst of identical requests at a cold key. */
  herd?: HerdResult;
  /** Issue 12: the gateway's upstreams, fault windows and what the gateway did. */
  gateway?: GatewaySummary;
  /** Issue 12: answers checked by `expect` and how many were acceptable. */
  quality?: { checked: number; acceptable: number; share: number | null } | null;
  /** Every metric key of the catalog with its whole-run value. */
  metrics: Record<string, number | null>;
  verdict: Verdict;
}

/** Where a `network` attempt failed: opening the connection, after the request was written but
 * before the response headers, or after them (mid-stream). */
export type NetworkPhase = 'connect' | 'headers' | 'mid-stream';

export interface NetworkErrorSummary {
  /** The error code (EMFILE, ECONNRESET, UND_ERR_SOCKET, …); '' when the error had none. */
  code: string;
  phase: NetworkPhase;
  count: number;
  /** Seconds since start of the first one. */
  firstAt: number;
  /** Set when the code is a limit of the client machine (file descriptors, ports, socket memory). */
  clientLimit?: ClientLimitKind;
  /** The first one's message. */
  detail: string;
}

export type ClientLimitKind = 'connection-cap' | 'in-flight-cap' | 'file-descriptors' | 'ephemeral-ports' | 'socket-memory';

/** A limit of the load tester that held requests inside it or failed them. */
export interface ClientLimitFinding {
  kind: ClientLimitKind;
  /** Seconds since start when it first held. */
  t: number;
  stage: string;
  targetLevel: number;
  /** One line naming the limit, e.g. "client connection cap 256 reached at 14 s: 2,744 requests
   * waiting in Stampede, not in the server". */
  message: string;
  /** What to change. */
  hint: string;
  /** Seconds of the run in which it held (requests waiting or dropped); null for failures. */
  seconds: number | null;
  /** Requests it affected: waited, dropped, timed out waiting, or failed. */
  requests: number;
  /** Of those, attempts that ended in an error because of it (timed out waiting in Stampede,
   * failed to connect): errors the system under test did not cause. */
  failed: number;
  /** Held for a material part of the run: the verdict cannot pass. */
  material: boolean;
}

export interface Verdict {
  pass: boolean;
  /** The run could not deliver its planned load (a client limit held for a material part of
   * it): neither pass nor a verdict on the system under test. */
  inconclusive?: boolean;
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
      /** Scheduled fault windows (gateway upstreams and mock providers), for bands on the charts. */
      faultWindows?: FaultWindowInfo[];
      /** The gateway's upstream proxies and where they listen. */
      upstreams?: Array<{ name: string; url: string; target: string }>;
    }
  | { type: 'tick'; point: TickPoint }
  | { type: 'log'; entry: LogEntry }
  | { type: 'done'; summary: RunSummary };

export type AnalysisKind =
  | 'threshold'
  | 'first-429'
  | 'first-5xx'
  | 'arrivals-dropped'
  | 'queue-growing'
  | 'ttft-doubled'
  | 'cache-falling'
  | 'cost-rising'
  | 'agent-steps-rising'
  | 'cancellation-leak'
  | 'failover'
  | 'degradation'
  | 'herd'
  | 'client-limit'
  | 'fault-window'
  | 'unacceptable';

/** The first sign of one failure mode, or the first breach of one threshold. */
export interface AnalysisEvent {
  kind: AnalysisKind;
  /** Seconds since start. */
  t: number;
  stage: string;
  /** Target load level at the time: arrivals/s (open) or users (closed). */
  targetLevel: number;
  /** One line, e.g. "TTFT p95 1.9 s, over 2× the baseline 0.8 s". */
  message: string;
  value: number | null;
  /** For kind 'threshold': the threshold's id and source. */
  thresholdId?: string;
  source?: string;
}

export interface RunAnalysis {
  /** Every first sign, ordered by time. */
  timeline: AnalysisEvent[];
  /** The earliest event of the timeline, null when nothing broke. */
  firstBreak: AnalysisEvent | null;
  /** Highest target load of any second before the first threshold breach (all thresholds held),
   * null without thresholds data or when the first second already breached. */
  highestPassingLevel: number | null;
  /** From the start of the last stage where load decreased until TTFT p95 and the error rate
   * stayed within 1.2× their baseline for 3 s; null when load never decreased or it never recovered. */
  recoveryMs: number | null;
  /** True when load decreased but the run ended before it recovered. */
  notRecovered: boolean;
  failoverMs: number | null;
  /** Baseline (first stage) values the signs were judged against. */
  baseline: { ttftP95: number | null; errorRate: number | null; cacheHitRate: number | null; costPerRequest: number | null; agentStepsP95: number | null; queueDepth: number | null };
}

export interface BreakingPointResult {
  /** Highest step rate that ran to its end with every threshold holding; null when the first step broke. */
  highestSustainableRate: number | null;
  /** The step where a threshold first broke; null when every step held. */
  brokeAt: { rate: number; threshold: string } | null;
}

export interface CacheABSide {
  requests: number;
  hitRate: number | null;
  ttft: { p50: number | null; p95: number | null };
  e2e: { p95: number | null };
}

export interface HerdResult {
  /** Seconds since start of the burst. */
  t: number;
  requests: number;
  /** Upstream computations beyond the first for the one key (0 = perfect coalescing); null when unknown. */
  duplicateComputations: number | null;
  method: 'mock-counters' | 'x-cache' | 'none';
  /** e2e p95 of the burst vs the p50 of the run around it. */
  latencyP95: number | null;
  latencySpike: number | null;
}
