// A fault schedule on a run's clock, shared by the mock provider and the fault proxy: which
// windows are open at a moment, the seeded draw of the error-rate fault, the tighter limiter of
// a rate-limit window, and how many requests each kind of fault has touched.
import type { PlanFault } from '../core/plan-failure-modes';
import { RateLimiter, type RateDecision } from './rate-limiter';
import { SeededRng } from './seeded-rng';

export type FaultKind = PlanFault['kind'];

export const FAULT_KINDS: readonly FaultKind[] = ['outage', 'error-rate', 'latency', 'rate-limit', 'slow-stream'];

export type FaultCounts = Record<FaultKind, number>;

export function emptyFaultCounts(): FaultCounts {
  return { outage: 0, 'error-rate': 0, latency: 0, 'rate-limit': 0, 'slow-stream': 0 };
}

/** What the request stage of a fault schedule decided for one request. */
export type FaultVerdict =
  | { action: 'pass' }
  | { action: 'refuse' }
  | { action: 'status'; kind: 'outage' | 'error-rate'; status: number; /** break a streamed answer off instead (mock only) */ midStream?: boolean }
  | { action: 'rate-limit'; decision: RateDecision; limiter: RateLimiter };

const PASS: FaultVerdict = { action: 'pass' };

export class FaultSchedule {
  readonly counts = emptyFaultCounts();
  private readonly rng: SeededRng;
  /** Each rate-limit window gets its own buckets, full when the window opens. */
  private readonly limiters = new Map<PlanFault, RateLimiter>();

  /** `origin` is the performance.now() value at run time 0. */
  constructor(
    readonly faults: readonly PlanFault[],
    private origin: number,
    seed: number,
  ) {
    this.rng = new SeededRng(seed ^ 0x5eed);
  }

  setOrigin(origin: number): void {
    this.origin = origin;
    this.limiters.clear();
  }

  runTimeMs(now: number): number {
    return now - this.origin;
  }

  /** The first open window of `kind` at `now` (performance.now() time). */
  active<K extends FaultKind>(kind: K, now: number): Extract<PlanFault, { kind: K }> | undefined {
    const t = now - this.origin;
    for (const fault of this.faults) {
      if (fault.kind === kind && t >= fault.startMs && t < fault.endMs) return fault as Extract<PlanFault, { kind: K }>;
    }
    return undefined;
  }

  /** True while a `mode: refuse` outage is open; counts the refused connection or request. */
  refuses(now: number): boolean {
    const outage = this.active('outage', now);
    if (outage === undefined || outage.mode !== 'refuse') return false;
    this.counts.outage++;
    return true;
  }

  /** Outage, error rate and tighter rate limit, in that order, for a request costing `tokenCost` TPM tokens. */
  checkRequest(now: number, tokenCost: number): FaultVerdict {
    const outage = this.active('outage', now);
    if (outage !== undefined) {
      this.counts.outage++;
      return outage.mode === 'refuse' ? { action: 'refuse' } : { action: 'status', kind: 'outage', status: outage.status };
    }
    const errors = this.active('error-rate', now);
    if (errors !== undefined && this.rng.next() < errors.rate) {
      this.counts['error-rate']++;
      return errors.midStream ? { action: 'status', kind: 'error-rate', status: errors.status, midStream: true } : { action: 'status', kind: 'error-rate', status: errors.status };
    }
    const limit = this.active('rate-limit', now);
    if (limit !== undefined) {
      const limiter = this.limiterFor(limit, now);
      const decision = limiter.admit(tokenCost, now);
      if (decision.retryAfterMs > 0) {
        this.counts['rate-limit']++;
        return { action: 'rate-limit', decision, limiter };
      }
    }
    return PASS;
  }

  /** The limiter of an open rate-limit window, for x-ratelimit-* headers; null outside one. */
  activeLimiter(now: number): RateLimiter | null {
    const limit = this.active('rate-limit', now);
    return limit === undefined ? null : this.limiterFor(limit, now);
  }

  /** Milliseconds to hold the request before its first byte; counts a delayed request. */
  addedLatencyMs(now: number): number {
    const latency = this.active('latency', now);
    if (latency === undefined || latency.addMs <= 0) return 0;
    this.counts.latency++;
    return latency.addMs;
  }

  /** Minimum ms between two streamed tokens of a request starting now (0: no cap); counts a capped request. */
  tokenIntervalMs(now: number): number {
    const slow = this.active('slow-stream', now);
    if (slow === undefined || slow.tokensPerSecond <= 0) return 0;
    this.counts['slow-stream']++;
    return 1000 / slow.tokensPerSecond;
  }

  private limiterFor(fault: Extract<PlanFault, { kind: 'rate-limit' }>, now: number): RateLimiter {
    let limiter = this.limiters.get(fault);
    if (limiter === undefined) {
      limiter = new RateLimiter(fault.rpm ?? 0, fault.tpm ?? 0, now);
      this.limiters.set(fault, limiter);
    }
    return limiter;
  }
}

/** The OpenAI-style error type and code for an injected status. */
export function injectedErrorShape(status: number, kind: 'outage' | 'error-rate'): { type: 'requests' | 'server_error' | 'service_unavailable_error' | 'invalid_request_error'; code: string; message: string } {
  if (status === 429) return { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached (injected fault). Please try again in 1s.' };
  if (kind === 'outage') return { type: 'service_unavailable_error', code: 'service_unavailable', message: 'The service is temporarily unavailable (scheduled outage).' };
  if (status >= 500) return { type: 'server_error', code: 'injected_error', message: `The server had an error while processing your request (injected fault, status ${status}).` };
  return { type: 'invalid_request_error', code: 'injected_error', message: `The request failed (injected fault, status ${status}).` };
}
