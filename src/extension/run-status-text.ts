// The status bar's text: while a run goes, the stage and the figures of its latest seconds; once
// it ended, its status word and whole-run figures, in the words and formats of every other
// surface (vocabulary/figures.ts, vocabulary/format.ts). No VS Code here (tested in Node).
import type { RunSummary, TickPoint } from '../protocol/run-events';
import { recentFigures, runFigures, WINDOW, type StatusWord, type WindowLabel } from '../../vocabulary/figures';
import { formatMs, formatPercent, formatRate, formatUsd } from '../../vocabulary/format';

export interface StatusFigures {
  stage: string;
  rate: number;
  errorRate: number | null;
  ttftP95: number | null;
  /** The window of the error rate and TTFT p95. */
  window: WindowLabel;
}

/** The figures shown for the latest ticks (oldest first). */
export function statusFigures(recent: readonly TickPoint[]): StatusFigures | null {
  const last = recent[recent.length - 1];
  const figures = recentFigures(recent);
  if (!last || !figures) return null;
  return { stage: last.stage, rate: last.achievedRate, errorRate: figures.errorRate, ttftP95: figures.ttftP95, window: figures.ttftWindow };
}

export function statusText(f: StatusFigures): string {
  return `$(pulse) ${f.stage} · ${formatRate(f.rate)} · err ${formatPercent(f.errorRate)} · TTFT p95 ${formatMs(f.ttftP95)} (${f.window})`;
}

export function statusTooltip(f: StatusFigures): string {
  return `Achieved rate over the ${WINDOW.achieved}; error rate and TTFT p95 over the ${f.window}. Click to open the live panel.`;
}

const ICONS: Record<StatusWord, string> = {
  PASS: '$(pass)',
  FAIL: '$(error)',
  INCONCLUSIVE: '$(warning)',
  STOPPED: '$(debug-stop)',
  ABORTED: '$(circle-slash)',
  ERROR: '$(error)',
};

/** After the run: how it ended and its whole-run figures. */
export function finishedText(summary: RunSummary): string {
  const f = runFigures(summary);
  return `${ICONS[f.status]} ${f.status} · err ${formatPercent(f.errorRate)} · TTFT p95 ${formatMs(f.ttftP95)} · ${formatUsd(f.costTotal)} (${WINDOW.wholeRun})`;
}
