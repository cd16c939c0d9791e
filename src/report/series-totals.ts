// Totals computed from the per-second series, for files without a summary (a run that was
// killed or is still going). Pure.
import { OUTCOMES, type OutcomeCounts, type TickPoint } from '../protocol/run-events';

export interface SeriesTotals {
  seconds: number;
  outcomes: OutcomeCounts;
  finished: number;
  dropped: number;
  outputTokens: number;
  cost: number;
}

export function seriesTotals(series: readonly TickPoint[]): SeriesTotals {
  const outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as OutcomeCounts;
  let dropped = 0;
  let outputTokens = 0;
  for (const p of series) {
    for (const o of OUTCOMES) outcomes[o] += p.outcomes[o] ?? 0;
    dropped += p.dropped;
    outputTokens += p.outputTokens;
  }
  const last = series[series.length - 1];
  return {
    seconds: last ? last.t : 0,
    outcomes,
    finished: OUTCOMES.reduce((sum, o) => sum + (outcomes[o] ?? 0), 0),
    dropped,
    outputTokens,
    cost: last ? last.costCumulative : 0,
  };
}
