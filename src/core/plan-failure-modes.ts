// Plan types for the failure-mode features (issue 4): faults, response caches, agents,
// failover, degradation, monitors, cache experiments and breaking-point search. Kept apart from
// plan.ts so the base plan stays readable; every field is optional on the base plan so a plan
// without them means "feature off".

import type { PlanUpstreamRule } from './plan-gateway';

/** A fault window on a mock provider (or the fault proxy), on the run's clock (ms, run time). */
export type PlanFault =
  | { kind: 'outage'; startMs: number; endMs: number; /** 503 answers, or refused connections */ mode: 'status' | 'refuse'; status: number }
  | { kind: 'error-rate'; startMs: number; endMs: number; /** share of requests answered `status`, 0..1 */ rate: number; status: number }
  | { kind: 'latency'; startMs: number; endMs: number; /** added before the first byte */ addMs: number }
  | { kind: 'rate-limit'; startMs: number; endMs: number; rpm?: number; tpm?: number }
  | { kind: 'slow-stream'; startMs: number; endMs: number; /** decode rate cap per stream */ tokensPerSecond: number };

/** The mock's response cache: identical requests answered from cache; with coalescing, a burst
 * of identical misses computes once and the rest wait for it (without: a thundering herd). */
export interface PlanResponseCache {
  enabled: boolean;
  coalesce: boolean;
  ttlMs: number;
}

/** Mock-only behaviour beyond the GPU profile. */
export interface PlanMockBehaviour {
  faults: PlanFault[];
  responseCache?: PlanResponseCache;
  /** Agent simulation: tool-call steps before a final answer at low load, and extra steps per
   * unit of queue pressure (so agents "get confused" under load). */
  agentSteps?: { base: number; underLoad: number };
  /** Degrade by itself when the waiting queue passes these marks: level 1 a cheaper model,
   * level 2 template answers, level 3 503. */
  degradation?: { queueMarks: [number, number, number] };
  /** Keep generating after a client disconnect, on purpose, to show a leak. */
  leakOnDisconnect?: boolean;
}

/** Extraction rule: `header:NAME` reads a response header; `json:/a/b` a JSON Pointer into the
 * body (non-streaming) or the last SSE event's data (streaming). */
export type ExtractRule = string;

/** Per-request facts read from a response (any provider type; an http target's own rules). */
export interface PlanExtract {
  inputTokens?: ExtractRule;
  outputTokens?: ExtractRule;
  costUsd?: ExtractRule;
  cacheHit?: ExtractRule;
  agentSteps?: ExtractRule;
  degradationLevel?: ExtractRule;
  queueDepth?: ExtractRule;
  /** Which gateway upstream served the answer. */
  upstream?: PlanUpstreamRule;
}

export interface PlanHttpTarget {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Body template with {{prompt}}, {{maxTokens}}, {{model}}, {{stream}} and data-row {{column}} placeholders. */
  body?: string;
  /** How placeholders are filled: `json` (the body was written as a map and JSON-encoded, so
   * values are inserted JSON-escaped) or `text` (inserted as is). Set whenever `body` is. */
  bodyEncoding?: 'json' | 'text';
  response: 'json' | 'sse';
  /** SSE: JSON Pointer into each event's data for the content text (absent: the whole data is content). */
  contentPointer?: string;
  /** SSE: the data value that ends the stream. */
  doneData: string;
  extract: PlanExtract;
  /** Read provider latency from Server-Timing (entry name, e.g. "provider"). */
  serverTimingEntry?: string;
}

export interface PlanFailover {
  /** Outcome classes that count as failures for the circuit breaker. */
  on: Array<'rate_limited' | 'server_error' | 'timeout' | 'network'>;
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** Time the breaker stays open before a half-open probe. */
  cooldownMs: number;
  /** Successful probes needed to close it again and shift traffic back. */
  halfOpenProbes: number;
}

export interface PlanDegradation {
  /** Header holding the level (a number, or a name mapped by `levels`). */
  header?: string;
  /** Response model name → level. */
  models?: Record<string, number>;
  /** Level names for display, index = level. */
  levels: string[];
}

export interface PlanAgent {
  maxSteps: number;
  tools: Array<{ name: string; latencyMinMs: number; latencyMaxMs: number; failureRate: number }>;
}

export interface PlanMonitor {
  type: 'prometheus';
  url: string;
  intervalMs: number;
  /** Series name → metric selector, e.g. queueDepth: 'vllm:num_requests_waiting{model_name="x"}'.
   * Gauges are read as values, counters as per-second rates. Well-known names: queueDepth,
   * kvCacheUsage, running. */
  series: Record<string, string>;
}

export interface PlanCancellationCheck {
  /** Monitor series that must return to its pre-cancel level (e.g. running). */
  series: string;
  withinMs: number;
}

export interface PlanCacheExperiment {
  /** Warm-up before measuring: requests at this rate for this long, not counted in the summary. */
  warmup?: { durationMs: number; rate: number };
  /** Run the same load twice, cache on then off, and report side by side. */
  ab?: { switch: { kind: 'header' | 'query' | 'body'; name: string; on: string; off: string } };
  /** A burst of identical requests at a cold key at this time. */
  herd?: { atMs: number; requests: number };
}

export interface PlanBreakingPoint {
  fromRate: number;
  toRate: number;
  stepRate: number;
  holdMs: number;
}
