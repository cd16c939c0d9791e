// Client-side resilience: timeouts, retries and failover with a circuit breaker.
import type { PlanResilience, PlanRetries } from './plan';
import type { PlanFailover } from './plan-failure-modes';
import type { ProblemSink } from './problem-sink';
import { asBoolean, asFields, asList, asNumber, asString, has } from './read-value';
import { parseDuration } from './units';

type OutcomeClass = PlanRetries['on'][number];

// 10 s, as Artillery's default request timeout: a chat user has left by then, and the drain
// after the load shape waits for it, so a server that never answers fails a short CI run within
// seconds instead of half a minute. Models that think before their first token need a longer one.
export const DEFAULT_TTFT_TIMEOUT_MS = 10_000;

// `5xx` covers Anthropic's 529 overloaded too: it is a server's answer in the 500s.
const OUTCOME_SHORTHANDS: Record<string, OutcomeClass[]> = {
  rate_limited: ['rate_limited'],
  '429': ['rate_limited'],
  overloaded: ['overloaded'],
  '529': ['overloaded'],
  server_error: ['server_error'],
  '5xx': ['server_error', 'overloaded'],
  timeout: ['timeout'],
  network: ['network'],
};

function durationOr(raw: unknown, fallbackMs: number): number {
  if (typeof raw !== 'string') return fallbackMs;
  const parsed = parseDuration(raw);
  return parsed.ok ? parsed.value : fallbackMs;
}

function outcomes(raw: unknown): OutcomeClass[] {
  return [...new Set(asList(raw).flatMap((v) => OUTCOME_SHORTHANDS[String(v)] ?? []))];
}

function resolveFailover(raw: unknown, providerCount: number, sink: ProblemSink): PlanFailover | undefined {
  const failover = asFields(raw);
  if (!failover) return undefined;
  if (providerCount < 2) {
    sink.error('needs-two-providers', `failover needs at least two providers to fail over between: add a second entry under 'providers' (the first is the primary)`, ['resilience', 'failover'], 'key');
  }
  const cooldownMs = durationOr(failover.cooldown, 30_000);
  if (has(failover, 'cooldown') && typeof failover.cooldown === 'string' && cooldownMs <= 0) {
    sink.error('out-of-range', `the cooldown must be longer than 0`, ['resilience', 'failover', 'cooldown']);
  }
  return {
    on: has(failover, 'on') ? outcomes(failover.on) : ['rate_limited', 'overloaded', 'server_error', 'timeout', 'network'],
    failureThreshold: asNumber(failover.failureThreshold) ?? 5,
    cooldownMs: cooldownMs > 0 ? cooldownMs : 30_000,
    halfOpenProbes: asNumber(failover.halfOpenProbes) ?? 1,
  };
}

export function resolveResilience(raw: unknown, providerCount: number, sink: ProblemSink): PlanResilience {
  const resilience = asFields(raw);
  const timeouts = asFields(resilience?.timeouts);
  const retries = asFields(resilience?.retries);
  const plan: PlanResilience = {
    timeouts: { ttftMs: durationOr(timeouts?.ttft, DEFAULT_TTFT_TIMEOUT_MS), totalMs: durationOr(timeouts?.total, 120_000) },
    retries: {
      max: asNumber(retries?.max) ?? 0,
      backoff: (asString(retries?.backoff) as PlanRetries['backoff'] | undefined) ?? 'exponential',
      baseMs: durationOr(retries?.base, 250),
      capMs: durationOr(retries?.cap, 10_000),
      jitter: (asString(retries?.jitter) as PlanRetries['jitter'] | undefined) ?? 'full',
      respectRetryAfter: asBoolean(retries?.respectRetryAfter) ?? true,
      on: has(retries, 'on') ? outcomes(retries?.on) : ['rate_limited', 'overloaded', 'server_error'],
    },
  };
  const failover = resolveFailover(resilience?.failover, providerCount, sink);
  if (failover) plan.failover = failover;
  return plan;
}
