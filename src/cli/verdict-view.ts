// The exit code `stampede run` ends with, from how the run ended.
import type { RunSummary } from '../protocol/run-events';

export const EXIT_PASS = 0;
export const EXIT_THRESHOLD_FAILED = 1;
export const EXIT_INVALID = 2;
export const EXIT_ABORTED = 3;
export const EXIT_SIGINT = 130;
export const EXIT_SIGTERM = 143;

/** Maps how the run ended to the exit code. A user stop is neither pass nor fail. */
export function exitCodeFor(summary: RunSummary, stoppedBy: 'SIGINT' | 'SIGTERM' | null): number {
  if (stoppedBy === 'SIGINT') return EXIT_SIGINT;
  if (stoppedBy === 'SIGTERM') return EXIT_SIGTERM;
  switch (summary.endReason) {
    case 'aborted':
      return EXIT_ABORTED;
    // The engine gives up on configuration it cannot use (a missing secret, an unreadable
    // prompt file): the scenario, not the system under test, is at fault.
    case 'error':
      return EXIT_INVALID;
    case 'stopped':
      return EXIT_SIGINT;
    case 'completed':
      return summary.verdict.pass ? EXIT_PASS : EXIT_THRESHOLD_FAILED;
  }
}
