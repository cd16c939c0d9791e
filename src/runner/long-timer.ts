// A timeout of any length. Node's setTimeout holds at most 2^31-1 ms (24.8 days) and fires after
// 1 ms beyond that, which once ended a 600-hour stage at once; a longer wait is chained through
// timers that each stay in range. Scenarios are validated to need none this long, but a plan
// built in code (an Artillery worker, a test) gets the same guarantee.
import { MAX_TIMER_MS } from '../core/limits';

export class LongTimeout {
  private timer: NodeJS.Timeout | null = null;
  private readonly until: number;

  constructor(
    private readonly fn: () => void,
    ms: number,
    private readonly unref = false,
  ) {
    this.until = Date.now() + Math.max(0, ms);
    this.arm(Math.max(0, ms));
  }

  private arm(ms: number): void {
    const wait = Math.min(ms, MAX_TIMER_MS);
    this.timer = setTimeout(() => {
      const left = this.until - Date.now();
      if (wait < ms && left > 0) this.arm(left);
      else {
        this.timer = null;
        this.fn();
      }
    }, wait);
    if (this.unref) this.timer.unref();
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** setTimeout for waits that may exceed a Node timer's range; the usual case stays a plain timer. */
export function timeoutOfAnyLength(fn: () => void, ms: number): { clear(): void } {
  if (ms <= MAX_TIMER_MS) {
    const t = setTimeout(fn, ms);
    return { clear: () => clearTimeout(t) };
  }
  return new LongTimeout(fn, ms);
}
