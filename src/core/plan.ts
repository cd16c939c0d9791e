// The resolved plan: what resolveScenario() produces and the runner consumes. Every default is
// filled in, every duration is in milliseconds of *run* time (already divided by timeScale),
// every rate is in arrivals per second of run time, every price in USD per 1M tokens.
// Failure-mode features (issue 4) are typed in plan-failure-modes.ts.
// Nothing here needs I/O to build; values such as ${env:NAME} / ${secret:NAME} stay as
// unresolved references until the runner resolves them at run time.

import type {
  PlanAgent,
  PlanBreakingPoint,
  PlanCacheExperiment,
  PlanCancellationCheck,
  PlanDegradation,
  PlanFailover,
  PlanHttpTarget,
  PlanMockBehaviour,
  PlanExtract,
  PlanMonitor,
} from './plan-failure-modes';
import type { TimeUnit, TraceColumns, TraceFormat } from './trace-record';
import type { PlanAnswerCheck, PlanGateway } from './plan-gateway';

/** A string that may hold `${env:NAME}` or `${secret:NAME}` references, resolved at run time. */
export type TemplatedString = string;

export interface PlanPricing {
  /** USD per 1M uncached input tokens. */
  input: number;
  /** USD per 1M cached input tokens (defaults to `input`). */
  cachedInput: number;
  /** USD per 1M output tokens. */
  output: number;
}

export type MockProfileName = 'instant' | 'small-gpu' | 'h100-8b' | 'rate-limited-api';

interface PlanProviderBase {
  id: string;
  model: string;
  headers: Record<string, TemplatedString>;
  pricing: PlanPricing;
  /** Upper bound of open connections to this provider's origin. */
  maxConnections: number;
  /** The scenario left maxConnections out: it is the plan's concurrency (plannedConcurrency),
   * and follows the live load multiplier. */
  maxConnectionsFromPlan?: boolean;
  /** Facts read from each response (openai and mock; an http target keeps its own in `target`). */
  extract?: PlanExtract;
}

export interface PlanOpenAIProvider extends PlanProviderBase {
  type: 'openai';
  baseUrl: TemplatedString;
  apiKey?: TemplatedString;
}

export interface PlanMockProvider extends PlanProviderBase {
  type: 'mock';
  profile: MockProfileName;
  /** Profile parameters to override (names as documented in docs/mock.md). */
  overrides: Record<string, number | boolean | string>;
  /** Faults, response cache, agent and degradation behaviour (issue 4). */
  behaviour?: PlanMockBehaviour;
}

/** The team's own AI feature endpoint (issue 4). */
export interface PlanHttpProvider extends PlanProviderBase {
  type: 'http';
  target: PlanHttpTarget;
}

export type PlanProvider = PlanOpenAIProvider | PlanMockProvider | PlanHttpProvider;

/** Prompt size in tokens, drawn per request from a seeded generator. */
export type TokenDistribution =
  | { kind: 'fixed'; tokens: number }
  | { kind: 'lognormal'; median: number; p95: number }
  | { kind: 'normal'; mean: number; stddev: number }
  | { kind: 'uniform'; min: number; max: number };

export interface PlanPromptSource {
  /** Text of the prompt; may contain {{column}} placeholders filled from `data`. Paths are
   * resolved relative to the scenario file; the file is read by the runner, not by core. */
  file?: string;
  template?: string;
  data?: { file: string; format: 'csv' | 'jsonl'; order: 'sequential' | 'random' };
}

export interface PlanMixEntry {
  name: string;
  /** Normalized share of arrivals, 0..1; all entries sum to 1. */
  share: number;
  weight: number;
  promptTokens: TokenDistribution;
  prompt?: PlanPromptSource;
  system?: string;
  /** max_tokens of each request (the median when drawn from `maxTokensDist`). */
  maxTokens: number;
  /** Drawn per request when the scenario gives a distribution. */
  maxTokensDist?: TokenDistribution;
  stream: boolean;
  /** Provider id this entry is sent to first; defaults to the first provider. */
  provider: string;
  /** Drive an OpenAI tool-call loop for this entry (issue 4). */
  agent?: PlanAgent;
  /** Send the identical prompt every time (a cache key), e.g. for cache tests. */
  identicalPrompt?: boolean;
  /** Checks every answer must pass (issue 12); a failure is the outcome `unacceptable`. */
  expect?: PlanAnswerCheck;
}

export interface PlanCancellations {
  /** Fraction of streaming requests that the client cancels, 0..1. */
  fraction: number;
  /** Cancel after a uniformly drawn time in [afterMinMs, afterMaxMs] from send. */
  afterMinMs: number;
  afterMaxMs: number;
  /** Verify against a monitor that the server stopped generating (issue 4). */
  verify?: PlanCancellationCheck;
}

/** One piece of the load shape. `level` means arrivals/s (open) or concurrent users (closed). */
export interface PlanSegment {
  /** Name of the stage this segment belongs to. */
  stage: string;
  stageIndex: number;
  startMs: number;
  endMs: number;
  /** constant: `from` throughout; linear: from -> to; sine: a diurnal wave between from and to
   * with the given period, starting at `from` at startMs and peaking at `to` half a period later. */
  shape: 'constant' | 'linear' | 'sine';
  from: number;
  to: number;
  periodMs?: number;
}

/** `load.model: replay`: the trace is read by the runner, which fills in the segments (the
 * trace's own rate, the target line) and the duration once it has read it. */
export interface PlanReplay {
  /** Path as written, relative to the scenario file. */
  file: string;
  /** Undefined: guessed from the file name and first line. */
  format?: TraceFormat;
  columns: TraceColumns;
  timeUnit: TimeUnit;
  blockTokens: number;
  keepPrompts: boolean;
  /** Requests sent per recorded one: 3 for `rate: 3x`, 0.5 keeps every other one. */
  rateFactor: number;
  loops: number;
}

export interface PlanLoad {
  /** A replay runs as an open model whose arrivals come from the trace. */
  model: 'open' | 'closed';
  replay?: PlanReplay;
  /** Open model: how arrivals are spaced. */
  arrival: 'poisson' | 'uniform';
  timeScale: number;
  /** Cap on requests in flight; arrivals past it are dropped and counted (open model). */
  maxInFlight: number;
  /** Closed model: pause between a user's requests, uniformly drawn in [min, max]. */
  thinkTimeMinMs: number;
  thinkTimeMaxMs: number;
  /** Baseline level (first stage's level) — what `10x` multiplies. */
  baseline: number;
  segments: PlanSegment[];
  durationMs: number;
  /** Closed model on one of several workers: this worker runs its whole-number share of the
   * shape's users (worker-share.ts). Absent: all of them. */
  share?: WorkerShare;
}

/** One worker among several running the same scenario (the Artillery engine). */
export interface WorkerShare {
  workers: number;
  /** 0-based; the users left over when the count does not divide go to the lowest indexes. */
  index: number;
}

export interface PlanTimeouts {
  /** From send to first content token. */
  ttftMs: number;
  /** From send to last byte. */
  totalMs: number;
}

export interface PlanRetries {
  max: number;
  backoff: 'exponential' | 'linear' | 'constant';
  baseMs: number;
  capMs: number;
  jitter: 'none' | 'full' | 'equal';
  respectRetryAfter: boolean;
  /** Outcome classes that are retried. */
  on: Array<'rate_limited' | 'server_error' | 'timeout' | 'network'>;
}

export interface PlanResilience {
  timeouts: PlanTimeouts;
  retries: PlanRetries;
  /** Failover across providers in order with a circuit breaker (issue 4); absent = none. */
  failover?: PlanFailover;
}

export type ThresholdOperator = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface SourceRange {
  /** 1-based line and column, as editors and CI logs print them. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface PlanThreshold {
  /** Stable id: index in the scenario's list, e.g. "t0". */
  id: string;
  /** The expression as written, e.g. "ttft.p95 < 1.5s". */
  source: string;
  /** Metric key as found in a MetricSnapshot, e.g. "ttft.p95", "errors.rate", "cost.total". */
  metric: string;
  op: ThresholdOperator;
  /** Value in the metric's canonical unit (ms, fraction 0..1, USD, count, ratio, per second). */
  value: number;
  /** Stop the run as soon as this threshold fails. */
  abortOnFail: boolean;
  range?: SourceRange;
}

export interface PlanBudget {
  maxCostUsd: number;
  onExceed: 'abort' | 'warn';
}

export interface ResolvedPlan {
  name: string;
  description?: string;
  /** Absolute or scenario-relative path of the scenario file, if any (for resolving prompt files). */
  sourcePath?: string;
  seed: number;
  providers: PlanProvider[];
  workload: { mix: PlanMixEntry[]; cancellations: PlanCancellations };
  load: PlanLoad;
  resilience: PlanResilience;
  budget?: PlanBudget;
  thresholds: PlanThreshold[];
  /** Issue 4 features; absent = off. */
  degradation?: PlanDegradation;
  monitors?: PlanMonitor[];
  cacheExperiment?: PlanCacheExperiment;
  /** When set, load.segments are the rate steps and the run stops at the first breach. */
  breakingPoint?: PlanBreakingPoint;
  /** The upstreams behind the user's gateway, each a fault proxy the run owns (issue 12). */
  gateway?: PlanGateway;
}
