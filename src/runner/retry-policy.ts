// Delay before the next attempt: backoff from the plan, capped, jittered with the run's seeded
// generator, and never shorter than the server's retry-after when the plan honours it.
import type { PlanRetries } from '../core/plan';
import type { Outcome } from '../protocol/run-events';
import type { SeededRandom } from './seeded-random';

export function isRetryable(retries: PlanRetries, outcome: Outcome): boolean {
  return (retries.on as readonly string[]).includes(outcome);
}

/** `attempt` is the number of the attempt that just failed, from 1. */
export function retryDelayMs(retries: PlanRetries, attempt: number, retryAfterMs: number, rng: SeededRandom): number {
  let d: number;
  switch (retries.backoff) {
    case 'exponential':
      d = retries.baseMs * 2 ** (attempt - 1);
      break;
    case 'linear':
      d = retries.baseMs * attempt;
      break;
    case 'constant':
      d = retries.baseMs;
      break;
  }
  if (retries.capMs > 0) d = Math.min(d, retries.capMs);
  switch (retries.jitter) {
    case 'none':
      break;
    case 'full':
      d = rng.next() * d;
      break;
    case 'equal':
      d = d / 2 + (rng.next() * d) / 2;
      break;
  }
  if (retries.respectRetryAfter && retryAfterMs >= 0) d = Math.max(d, retryAfterMs);
  return d;
}
