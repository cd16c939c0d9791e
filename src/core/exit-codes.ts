// Every exit code of the CLI (and of the editor's `stampede` tasks), in one place, with the text
// --help and the docs show.
import type { RunSummary } from '../protocol/run-events';

export const EXIT_PASS = 0;
export const EXIT_THRESHOLD_FAILED = 1;
export const EXIT_INVALID = 2;
export const EXIT_ABORTED = 3;
/** A bug in Stampede, not bad input or a failed threshold (EX_SOFTWARE of sysexits.h). */
export const EXIT_INTERNAL = 70;
export const EXIT_SIGINT = 130;
export const EXIT_SIGTERM = 143;

export const EXIT_CODES_HELP = `Exit codes:
  0    every threshold held (validate: no errors)
  1    a threshold failed (a threshold with no data fails, and so does a run in which no
       request finished)
  2    invalid scenario or usage
  3    run aborted (budget exceeded, or a threshold with abortOnFail)
  70   internal error: a bug in Stampede (one line; STAMPEDE_DEBUG=1 adds the stack trace)
  130  stopped by Ctrl-C (SIGINT), 143 by SIGTERM; the results are still written`;

/** Maps how the run ended to the exit code. A user stop is neither pass nor fail. */
export function exitCodeFor(summary: RunSummary, stoppedBy: 'SIGINT' | 'SIGTERM' | null): number {
  if (stoppedBy === 'SIGINT') return EXIT_SIGINT;
  if (stoppedBy === 'SIGTERM') return EXIT_SIGTERM;
  switch (summary.endReason) {
    case 'aborted':
      return EXIT_ABORTED;
    // The engine gives up on configuration it cannot use (a missing secret, an unreadable
    // prompt file): the scenario, not the system under test, is at fault. A bug of its own is
    // neither the scenario's fault nor a failed threshold.
    case 'error':
      return summary.internalError ? EXIT_INTERNAL : EXIT_INVALID;
    case 'stopped':
      return EXIT_SIGINT;
    case 'completed':
      return summary.verdict.pass ? EXIT_PASS : EXIT_THRESHOLD_FAILED;
  }
}
