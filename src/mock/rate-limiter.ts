// RPM and TPM limits as token buckets that refill continuously, like hosted providers: a full
// minute's allowance may be spent at once, then it comes back at limit/60 per second.

export class TokenBucket {
  readonly capacity: number;
  private level: number;
  private readonly refillPerMs: number;
  private last: number;

  constructor(perMinute: number, now: number) {
    this.capacity = perMinute;
    this.level = perMinute;
    this.refillPerMs = perMinute / 60_000;
    this.last = now;
  }

  refill(now: number): void {
    if (now > this.last) {
      this.level = Math.min(this.capacity, this.level + (now - this.last) * this.refillPerMs);
      this.last = now;
    }
  }

  /** Milliseconds until `amount` is available (0 when it is now). Call refill first. */
  waitFor(amount: number): number {
    return amount <= this.level ? 0 : Math.ceil((amount - this.level) / this.refillPerMs);
  }

  take(amount: number): void {
    this.level -= amount;
  }

  remaining(): number {
    return Math.max(0, Math.floor(this.level));
  }

  /** Milliseconds until the bucket is full again. */
  resetMs(): number {
    return Math.ceil((this.capacity - this.level) / this.refillPerMs);
  }
}

export interface RateDecision {
  /** 0 when admitted; otherwise how long to wait, in ms. */
  retryAfterMs: number;
  /** Which limit refused the request. */
  limit: 'requests' | 'tokens' | null;
  /** The request alone exceeds the TPM limit: waiting will never help. */
  tooLarge: boolean;
}

export class RateLimiter {
  readonly requests: TokenBucket | null;
  readonly tokens: TokenBucket | null;

  constructor(rpm: number, tpm: number, now: number) {
    this.requests = rpm > 0 ? new TokenBucket(rpm, now) : null;
    this.tokens = tpm > 0 ? new TokenBucket(tpm, now) : null;
  }

  get enabled(): boolean {
    return this.requests !== null || this.tokens !== null;
  }

  /** Takes one request and `tokenCost` tokens if both are available; otherwise takes nothing. */
  admit(tokenCost: number, now: number): RateDecision {
    const { requests, tokens } = this;
    requests?.refill(now);
    tokens?.refill(now);
    if (tokens && tokenCost > tokens.capacity) return { retryAfterMs: 60_000, limit: 'tokens', tooLarge: true };
    const waitRequests = requests ? requests.waitFor(1) : 0;
    const waitTokens = tokens ? tokens.waitFor(tokenCost) : 0;
    if (waitRequests > 0 || waitTokens > 0) {
      return {
        retryAfterMs: Math.max(waitRequests, waitTokens),
        limit: waitRequests >= waitTokens ? 'requests' : 'tokens',
        tooLarge: false,
      };
    }
    requests?.take(1);
    tokens?.take(tokenCost);
    return { retryAfterMs: 0, limit: null, tooLarge: false };
  }
}

/** OpenAI's reset format: "12ms", "1.5s", "6m0s". */
export function formatResetDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${Number(seconds.toFixed(3))}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${Number((seconds - minutes * 60).toFixed(3))}s`;
}
