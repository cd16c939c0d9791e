// How long and from which seed the fuzz suite runs. In CI (`npm test`) every property runs from
// a fixed seed for a few seconds, so a failure reproduces; `npm run fuzz` runs each for longer
// from a fresh seed it prints (FUZZ_SEED and FUZZ_SCALE set them).
import type { Parameters } from 'fast-check';

export const FUZZ_SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20261203;
/** Multiplies every time budget: 1 in CI, larger for `npm run fuzz`. */
export const FUZZ_SCALE = process.env.FUZZ_SCALE ? Number(process.env.FUZZ_SCALE) : 1;

/** fast-check parameters: the fixed seed, and runs until `ciSeconds` (scaled) are spent. */
export function fuzzParameters<T>(ciSeconds: number, extra: Partial<Parameters<T>> = {}): Parameters<T> {
  return {
    seed: FUZZ_SEED,
    numRuns: 1_000_000,
    interruptAfterTimeLimit: ciSeconds * 1000 * FUZZ_SCALE,
    markInterruptAsFailure: false,
    endOnFailure: true,
    includeErrorInReport: true,
    ...extra,
  };
}

/** The bounds the issue sets for any input: 2 GB of memory and 20 s of validate or run. */
export const MAX_RSS_BYTES = 2 * 1024 ** 3;
export const MAX_CASE_MS = 20_000;

/** CPU time spent by this process while `fn` runs, in ms: unlike wall time, it does not grow when
 * other processes share the machine, so a bound on it holds on a busy CI machine. */
export async function cpuTimeOf<T>(fn: () => Promise<T> | T): Promise<{ value: T; cpuMs: number }> {
  const start = process.cpuUsage();
  const value = await fn();
  const used = process.cpuUsage(start);
  return { value, cpuMs: (used.user + used.system) / 1000 };
}
