// Two runs side by side, as plain data: the summary deltas of the comparison table (with which
// direction is better) and the per-second series overlaid on one clock (seconds since each
// run's own start). No DOM here, so it is tested in plain Node.
import type { ComparedRun } from '../src/protocol/panel-messages';
import type { OutcomeCounts, TickPoint } from '../src/protocol/run-events';
import { errorRate as errorRateOf, statusWord } from '../vocabulary/figures';
import { formatDuration } from '../vocabulary/format';
import { errorShare, finishedIn, type AxisUnit } from './chart-catalog';
import type { PlotPoint } from './series-store';

/** Below this relative change a figure counts as unchanged (noise between two runs). */
export const SAME_WITHIN = 0.01;

export interface DeltaRow {
  key: string;
  label: string;
  unit: AxisUnit;
  baseline: number | null;
  current: number | null;
  delta: number | null;
  /** Relative change (0.1 = +10 %); null when the baseline is 0 or either side is missing. */
  relative: number | null;
  verdict: 'better' | 'worse' | 'same' | null;
}

interface Figure {
  key: string;
  label: string;
  unit: AxisUnit;
  higherIsBetter: boolean;
  value(run: ComparedRun): number | null;
}

function sum(points: readonly TickPoint[], f: (p: TickPoint) => number): number {
  let total = 0;
  for (const p of points) total += f(p);
  return total;
}

/** Whole-run error rate: from the summary, else from the series of a run cut short. */
function errorRate(run: ComparedRun): number | null {
  const fromSummary = run.summary?.metrics['errors.rate'];
  if (typeof fromSummary === 'number') return fromSummary;
  const outcomes: Partial<OutcomeCounts> = {};
  for (const p of run.points) for (const [o, n] of Object.entries(p.outcomes) as Array<[keyof OutcomeCounts, number]>) outcomes[o] = (outcomes[o] ?? 0) + n;
  return errorRateOf(outcomes);
}

function requests(run: ComparedRun): number | null {
  if (run.summary) return run.summary.requests.total;
  return run.points.length ? sum(run.points, finishedIn) : null;
}

function costTotal(run: ComparedRun): number | null {
  if (run.summary) return run.summary.cost.total;
  return run.points[run.points.length - 1]?.costCumulative ?? null;
}

function tokensPerSecond(run: ComparedRun): number | null {
  if (run.summary) return run.summary.tokens.perSecond;
  return run.points.length ? sum(run.points, (p) => p.tokensPerSecond) / run.points.length : null;
}

const FIGURES: readonly Figure[] = [
  { key: 'requests', label: 'Requests', unit: 'count', higherIsBetter: true, value: requests },
  { key: 'errors.rate', label: 'Error rate', unit: 'fraction', higherIsBetter: false, value: errorRate },
  { key: 'ttft.p50', label: 'TTFT p50', unit: 'ms', higherIsBetter: false, value: (r) => r.summary?.ttft.p50 ?? null },
  { key: 'ttft.p95', label: 'TTFT p95', unit: 'ms', higherIsBetter: false, value: (r) => r.summary?.ttft.p95 ?? null },
  { key: 'ttft.p99', label: 'TTFT p99', unit: 'ms', higherIsBetter: false, value: (r) => r.summary?.ttft.p99 ?? null },
  { key: 'e2e.p95', label: 'E2E p95', unit: 'ms', higherIsBetter: false, value: (r) => r.summary?.e2e.p95 ?? null },
  { key: 'tokens.perSecond', label: 'Tokens/s', unit: 'tokens_per_second', higherIsBetter: true, value: tokensPerSecond },
  { key: 'cost.total', label: 'Cost', unit: 'usd', higherIsBetter: false, value: costTotal },
  { key: 'cost.perRequest', label: 'Cost per request', unit: 'usd', higherIsBetter: false, value: (r) => r.summary?.cost.perRequest ?? null },
];

export function summaryDeltas(baseline: ComparedRun, current: ComparedRun): DeltaRow[] {
  return FIGURES.map((f) => {
    const b = f.value(baseline);
    const c = f.value(current);
    const delta = b === null || c === null ? null : c - b;
    const relative = delta === null || b === 0 || b === null ? null : delta / Math.abs(b);
    let verdict: DeltaRow['verdict'] = null;
    if (delta !== null) {
      const unchanged = relative !== null ? Math.abs(relative) < SAME_WITHIN : delta === 0;
      verdict = unchanged ? 'same' : delta > 0 === f.higherIsBetter ? 'better' : 'worse';
    }
    return { key: f.key, label: f.label, unit: f.unit, baseline: b, current: c, delta, relative, verdict };
  });
}

/** Runs whose lengths differ by more than this share are not comparable on totals. */
export const LENGTH_TOLERANCE = 0.1;

function seconds(run: ComparedRun): number {
  if (run.summary) return run.summary.durationMs / 1000;
  return run.points[run.points.length - 1]?.t ?? 0;
}

function multipliers(run: ComparedRun): number[] {
  return [...new Set(run.points.map((p) => p.multiplier))].filter((m) => m !== 1).sort((a, b) => a - b);
}

function howEnded(run: ComparedRun): string {
  return run.summary ? statusWord(run.summary) : 'cut short';
}

/** Why the table's figures may not compare like for like: runs of different lengths, scenarios
 * or load models, a load changed by hand, a run that did not complete. Empty when they do. */
export function comparisonWarnings(baseline: ComparedRun, current: ComparedRun): string[] {
  const warnings: string[] = [];
  const [b, c] = [seconds(baseline), seconds(current)];
  if (Math.abs(b - c) > LENGTH_TOLERANCE * Math.max(b, c)) {
    warnings.push(`The runs differ in length (baseline ${formatDuration(b)}, current ${formatDuration(c)}): requests, tokens and cost are totals over different times.`);
  }
  const names = [baseline.start?.scenario ?? baseline.summary?.scenario, current.start?.scenario ?? current.summary?.scenario];
  if (names[0] && names[1] && names[0] !== names[1]) warnings.push(`Different scenarios: "${names[0]}" and "${names[1]}".`);
  if (baseline.start && current.start && baseline.start.loadModel !== current.start.loadModel) {
    warnings.push(`Different load models: ${baseline.start.loadModel} (baseline) and ${current.start.loadModel} (current).`);
  }
  for (const [side, run] of [['baseline', baseline], ['current', current]] as const) {
    const changed = multipliers(run);
    if (changed.length) warnings.push(`The ${side} run's load was changed by hand during the run (${changed.map((m) => `×${m}`).join(', ')}).`);
  }
  const ended = [howEnded(baseline), howEnded(current)];
  const incomplete = ended.filter((e) => e !== 'PASS' && e !== 'FAIL' && e !== 'INCONCLUSIVE');
  if (incomplete.length) warnings.push(`Not both runs completed: baseline ${ended[0]}, current ${ended[1]}.`);
  ended.forEach((e, i) => {
    if (e === 'INCONCLUSIVE') warnings.push(`The ${i === 0 ? 'baseline' : 'current'} run is INCONCLUSIVE: a limit of the load tester held, so the target never saw the planned load.`);
  });
  return warnings;
}

export interface OverlayChartSpec {
  id: string;
  title: string;
  unit: AxisUnit;
  value(p: TickPoint): number | null;
}

export const OVERLAY_CHARTS: readonly OverlayChartSpec[] = [
  { id: 'rate', title: 'Achieved rate (requests sent/s)', unit: 'per_second', value: (p) => p.sentRate },
  { id: 'ttft', title: 'TTFT p95', unit: 'ms', value: (p) => p.ttft.p95 },
  { id: 'e2e', title: 'End-to-end latency p95', unit: 'ms', value: (p) => p.e2e.p95 },
  { id: 'errors', title: 'Error rate per second', unit: 'fraction', value: errorShare },
  { id: 'tokens', title: 'Output tokens/s', unit: 'tokens_per_second', value: (p) => p.tokensPerSecond },
  { id: 'cost', title: 'Cost since start', unit: 'usd', value: (p) => p.costCumulative },
];

/** A run's points for one overlay chart, x in seconds since that run's start; gaps left out. */
export function overlayPoints(run: ComparedRun, chart: OverlayChartSpec): PlotPoint[] {
  const out: PlotPoint[] = [];
  for (const p of run.points) {
    const y = chart.value(p);
    if (y !== null && Number.isFinite(y)) out.push({ x: p.t, y });
  }
  return out;
}
