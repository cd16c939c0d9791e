// Cache warm-up: before the measured run, requests at a steady rate for a while, so the target's
// caches hold what steady traffic would have put there. Nothing here reaches the run's
// statistics; the engine reports only how many warm-up requests went out and how many succeeded.
import { performance } from 'node:perf_hooks';
import { Attempt, type AttemptHooks, type AttemptTarget } from './attempt';

export interface WarmupRequest {
  target: AttemptTarget;
  body: string;
  stream: boolean;
}

export interface WarmupResult {
  sent: number;
  ok: number;
}

/** Longest wait for warm-up requests still in flight when its time is up. */
const MAX_DRAIN_MS = 10_000;
const TICK_MS = 50;

/** Sends `next()` at `rate`/s for `durationMs`, waits (bounded) for the stragglers, aborts the rest. */
export function runWarmup(next: () => WarmupRequest | null, rate: number, durationMs: number, timeouts: { ttftMs: number; totalMs: number }, stopped: () => boolean): Promise<WarmupResult> {
  return new Promise((resolve) => {
    const result: WarmupResult = { sent: 0, ok: 0 };
    const active = new Map<Attempt, number>();
    const hooks: AttemptHooks = {
      itl: () => undefined,
      started: () => undefined,
      firstToken: () => undefined,
      finished: (a) => {
        active.delete(a);
        if (a.outcome === 'ok') result.ok++;
      },
    };
    const t0 = performance.now();
    const drainUntil = t0 + durationMs + Math.min(timeouts.totalMs, MAX_DRAIN_MS);
    const timer = setInterval(() => {
      const now = performance.now();
      const due = Math.min(durationMs, now - t0) * (rate / 1000);
      while (!stopped() && now - t0 < durationMs && result.sent < Math.floor(due) + 1) {
        const req = next();
        if (!req) break;
        const a = new Attempt(req.target, req.body, req.stream, hooks, timeouts.ttftMs, timeouts.totalMs, -1);
        active.set(a, now + timeouts.totalMs);
        result.sent++;
        a.start();
      }
      for (const [a, deadline] of active) if (now >= deadline) a.abort('timeout', 'warm-up request timed out');
      const timeUp = stopped() || now - t0 >= durationMs;
      if (timeUp && (active.size === 0 || now >= drainUntil || stopped())) {
        clearInterval(timer);
        for (const a of [...active.keys()]) a.abort('aborted', 'warm-up ended');
        resolve(result);
      }
    }, TICK_MS);
  });
}
