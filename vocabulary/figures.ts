// The run's headline figures as every surface names them — status bar, live panel, CLI live
// line and verdict, HTML, Markdown, JUnit, Test Explorer: one definition of each figure, the
// window it is taken over, and one word for how a run ended. Pure, and imported by the webview
// too (see the layering test), so the panel cannot drift from the reports.
import { ACHIEVED_RATE_SECONDS, ERROR_OUTCOMES, type OutcomeCounts, type RunSummary, type TickPoint } from '../src/protocol/run-events';

/** Seconds of the trailing window live thresholds are judged on and recent figures are taken over. */
export const RECENT_SECONDS = 10;

/** The windows a figure is taken over, in the words every surface prints next to it. */
export const WINDOW = {
  /** One tick: per-second series such as tokens/s. */
  second: 'last 1 s',
  /** The achieved (sent) rate of a tick. */
  achieved: `last ${ACHIEVED_RATE_SECONDS} s`,
  /** Live thresholds, TTFT p95 and error rate while a run goes. */
  recent: `last ${RECENT_SECONDS} s`,
  /** Counts and cost while a run goes. */
  soFar: 'so far',
  /** Everything after the run. */
  wholeRun: 'whole run',
} as const;

/** One of WINDOW, or `last N s` while a run has had fewer seconds than a window. */
export type WindowLabel = string;

/** Requests whose outcome judges the target: finished ones, less those aborted by the run's own
 * end (they say nothing about the target). Cancellations count: they are not errors. */
export function judgedRequests(outcomes: Partial<OutcomeCounts>): number {
  let n = 0;
  for (const [outcome, count] of Object.entries(outcomes)) if (outcome !== 'aborted') n += count ?? 0;
  return n;
}

export function errorCount(outcomes: Partial<OutcomeCounts>): number {
  let n = 0;
  for (const o of ERROR_OUTCOMES) n += outcomes[o] ?? 0;
  return n;
}

/** The error rate, the one definition (`errors.rate`): errors over judged requests; null when
 * no request was judged. */
export function errorRate(outcomes: Partial<OutcomeCounts>): number | null {
  const judged = judgedRequests(outcomes);
  return judged > 0 ? errorCount(outcomes) / judged : null;
}

/** How a run ended, in one word: the same in the panel, the status bar, notifications, the CLI,
 * the reports and Test Explorer. A stopped, aborted or failed-to-run run is never PASS or FAIL:
 * its thresholds were judged on a run that did not go as planned. A completed run whose load
 * the load tester itself could not deliver (a client limit held) is INCONCLUSIVE: it did not
 * pass, and it is no verdict on the system under test either. */
export type StatusWord = 'PASS' | 'FAIL' | 'INCONCLUSIVE' | 'STOPPED' | 'ABORTED' | 'ERROR';

export function statusWord(summary: Pick<RunSummary, 'endReason' | 'verdict'>): StatusWord {
  switch (summary.endReason) {
    case 'stopped':
      return 'STOPPED';
    case 'aborted':
      return 'ABORTED';
    case 'error':
      return 'ERROR';
    case 'completed':
      return summary.verdict.pass ? 'PASS' : summary.verdict.inconclusive ? 'INCONCLUSIVE' : 'FAIL';
  }
}

/** The runner's headline starts with its own verdict word; surfaces print the status word
 * instead, then the rest. */
export function headlineBody(headline: string): string {
  return headline.replace(/^(PASS|FAIL|INCONCLUSIVE|ABORTED|ERROR|STOPPED)\s+[—-]\s+/, '');
}

/** "STOPPED — all 2 thresholds held; …": the verdict line every surface shows. */
export function verdictLine(summary: Pick<RunSummary, 'endReason' | 'verdict'>): string {
  return `${statusWord(summary)} — ${headlineBody(summary.verdict.headline)}`;
}

/** The four figures a person compares across surfaces, for a finished run (whole run). */
export interface RunFigures {
  status: StatusWord;
  errorRate: number | null;
  ttftP95: number | null;
  costTotal: number;
}

export function runFigures(summary: RunSummary): RunFigures {
  const fromMetrics = summary.metrics?.['errors.rate'];
  return {
    status: statusWord(summary),
    errorRate: typeof fromMetrics === 'number' ? fromMetrics : errorRate(summary.outcomes),
    ttftP95: summary.ttft.p95,
    costTotal: summary.cost.total,
  };
}

/** The figures of the latest seconds of a run that goes on, each with its window. */
export interface RecentFigures {
  errorRate: number | null;
  errorWindow: WindowLabel;
  ttftP95: number | null;
  /** The runner's trailing window, or one second for a results file written before the runner
   * reported that window. */
  ttftWindow: WindowLabel;
}

/** Recent figures from the ticks so far (oldest first): the runner's trailing window of the
 * latest tick, else computed from the ticks themselves. */
export function recentFigures(points: readonly TickPoint[]): RecentFigures | null {
  const last = points[points.length - 1];
  if (!last) return null;
  if (last.recent) return { errorRate: last.recent.errorRate, errorWindow: WINDOW.recent, ttftP95: last.recent.ttftP95, ttftWindow: WINDOW.recent };
  const window = points.slice(-RECENT_SECONDS);
  const outcomes: Partial<OutcomeCounts> = {};
  for (const p of window) {
    for (const [o, n] of Object.entries(p.outcomes) as Array<[keyof OutcomeCounts, number]>) outcomes[o] = (outcomes[o] ?? 0) + n;
  }
  return { errorRate: errorRate(outcomes), errorWindow: `last ${window.length} s`, ttftP95: last.ttft.p95, ttftWindow: WINDOW.second };
}

/** Highest target load level of the run's ticks (0 without ticks): what "target" means once the
 * run is over and its last target is 0. */
export function peakTarget(points: readonly TickPoint[]): number {
  let peak = 0;
  for (const p of points) if (p.targetLevel > peak) peak = p.targetLevel;
  return peak;
}
