// The status bar's text while a run goes, from the latest ticks. No VS Code here (tested in Node).
import { ERROR_OUTCOMES, type TickPoint } from '../protocol/run-events';

/** Seconds the error share is taken over: one second at a low rate is too noisy to read. */
export const ERROR_WINDOW_S = 10;

export interface StatusFigures {
  stage: string;
  rate: number;
  errorShare: number | null;
  ttftP95: number | null;
}

/** The figures shown for the latest ticks (oldest first). */
export function statusFigures(recent: readonly TickPoint[]): StatusFigures | null {
  const last = recent[recent.length - 1];
  if (!last) return null;
  let finished = 0;
  let errors = 0;
  for (const p of recent.slice(-ERROR_WINDOW_S)) {
    for (const [outcome, n] of Object.entries(p.outcomes)) {
      if (outcome === 'aborted') continue;
      finished += n;
      if ((ERROR_OUTCOMES as readonly string[]).includes(outcome)) errors += n;
    }
  }
  return { stage: last.stage, rate: last.achievedRate, errorShare: finished > 0 ? errors / finished : null, ttftP95: last.ttft.p95 };
}

export function statusText(f: StatusFigures): string {
  const rate = f.rate >= 100 ? f.rate.toFixed(0) : f.rate.toFixed(1);
  const errors = f.errorShare === null ? '—' : `${(f.errorShare * 100).toFixed(f.errorShare < 0.1 ? 1 : 0)}%`;
  const ttft = f.ttftP95 === null ? '—' : f.ttftP95 >= 1000 ? `${(f.ttftP95 / 1000).toFixed(2)} s` : `${Math.round(f.ttftP95)} ms`;
  return `$(pulse) ${f.stage} · ${rate}/s · err ${errors} · TTFT p95 ${ttft}`;
}

