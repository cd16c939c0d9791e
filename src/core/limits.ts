// The bounds every number of a scenario must respect, so `validate` refuses what `run` could not
// honour: Node's timers fire at once past 2^31-1 ms, memory grows with users, stages and file
// sizes, and a rate of a million arrivals a second is already more than one machine sends. The
// JSON schema carries the same figures (a unit test keeps the two in step); docs/scenario.md
// lists them.

/** The longest delay one Node timer can hold (setTimeout fires after 1 ms beyond it). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

const HOUR_MS = 3_600_000;

export const LIMITS = {
  /** Any duration the runner waits for as written: timeouts, retries, think time, intervals. */
  durationMs: 24 * HOUR_MS,
  /** Durations of the load shape, before `timeScale` divides them (a year of diurnal stages). */
  shapeDurationMs: 8760 * HOUR_MS,
  /** The whole load shape once `timeScale` has divided it: the longest run (a day-long wave
   * after a baseline fits; every second of it keeps one point in memory and in the results). */
  runMs: 48 * HOUR_MS,
  timeScaleMin: 0.001,
  timeScaleMax: 100_000,
  /** Arrivals per second of any stage, once multiples of the baseline are resolved. */
  ratePerSecond: 1_000_000,
  /** Concurrent users of any stage (each holds a request in flight). */
  users: 100_000,
  maxInFlight: 100_000,
  maxConnections: 10_000,
  stages: 200,
  searchSteps: 200,
  mixEntries: 1000,
  providers: 64,
  thresholds: 1000,
  monitors: 64,
  faults: 1000,
  maxTokens: 2_000_000,
  /** Scenario files, for `validate`, `run` and the editor alike. */
  scenarioFileBytes: 5 * 1024 * 1024,
  /** A prompt file is read whole and sent as one prompt. */
  promptFileBytes: 16 * 1024 * 1024,
  /** A data file (CSV or JSONL) is read whole into rows. */
  dataFileBytes: 64 * 1024 * 1024,
  /** One line of a streamed (SSE) answer, and one event's data. */
  sseLineBytes: 1024 * 1024,
  /** A whole answer that is not streamed. */
  responseBodyBytes: 16 * 1024 * 1024,
  /** How deep collections may nest in a scenario file. */
  nesting: 64,
} as const;

/** "24h", "8760h", "1000ms": a limit in the units a scenario is written in. */
export function formatLimitDuration(ms: number): string {
  if (ms % HOUR_MS === 0) return `${ms / HOUR_MS}h`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** "16 MiB" for a byte limit. */
export function formatLimitBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
