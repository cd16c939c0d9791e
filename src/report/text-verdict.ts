// The end-of-run verdict as plain text: printed by `stampede run`, and by the editor into its
// output channel. Pure.
import type { PlanThreshold } from '../core/plan';
import { describeAnalysis } from '../core/analysis';
import { ERROR_OUTCOMES, type RunSummary, type ThresholdState } from '../protocol/run-events';
import { formatCount, formatDuration, formatLevel, formatMetricValue, formatMs, formatPercent, formatRate, formatUsd } from '../../vocabulary/format';
import { headlineBody, runFigures, statusWord, WINDOW } from '../../vocabulary/figures';
import type { Palette } from './text-style';

function thresholdLine(t: ThresholdState, plan: PlanThreshold | undefined, loadModel: 'open' | 'closed' | undefined, p: Palette, sourceWidth: number): string {
  const mark = t.pass === false ? p.red('✘') : t.pass ? p.green('✔') : p.dim('–');
  const value = t.value === null ? 'no data' : formatMetricValue(t.metric, t.value);
  const limit = plan ? ` (limit ${plan.op} ${formatMetricValue(plan.metric, plan.value)})` : '';
  const breach = t.firstBreach
    ? p.dim(`  first breached at ${formatDuration(t.firstBreach.t)} in ${t.firstBreach.stage}, target ${formatLevel(t.firstBreach.targetLevel, loadModel)}, achieved ${formatRate(t.firstBreach.achievedRate)}: ${formatMetricValue(t.metric, t.firstBreach.value)}`)
    : '';
  return `  ${mark} ${t.source.padEnd(sourceWidth)}  ${value}${limit}${breach}`;
}

export function formatVerdict(
  summary: RunSummary,
  options: { palette: Palette; thresholds?: readonly PlanThreshold[]; loadModel?: 'open' | 'closed'; stoppedBy?: 'SIGINT' | 'SIGTERM' | null },
): string[] {
  const p = options.palette;
  const lines: string[] = [];
  // The status word every surface uses; a signal is how the run was stopped, not another word.
  const word = options.stoppedBy != null ? 'STOPPED' : statusWord(summary);
  const colour = word === 'PASS' ? p.green : word === 'STOPPED' || word === 'INCONCLUSIVE' ? p.yellow : p.red;
  const after = word === 'STOPPED' || word === 'ABORTED' ? ` (${options.stoppedBy ? `${options.stoppedBy}, ` : ''}after ${formatDuration(summary.durationMs / 1000)})` : '';
  lines.push(`${p.bold('Verdict:')} ${p.bold(colour(word))}${after} — ${headlineBody(summary.verdict.headline)}`);
  if (summary.endMessage && !summary.verdict.headline.includes(summary.endMessage)) lines.push(`  ${summary.endMessage}`);
  if (summary.analysis) {
    lines.push(p.bold('What broke first:'));
    for (const line of describeAnalysis(summary.analysis, options.loadModel ?? 'open')) lines.push(`  ${line}`);
  }
  if (summary.cacheAB) {
    const side = (name: string, s: NonNullable<RunSummary['cacheAB']>['on']) =>
      `  cache ${name.padEnd(3)} hit rate ${s.hitRate === null ? 'n/a' : `${Math.round(s.hitRate * 1000) / 10}%`} · TTFT p50 ${formatMs(s.ttft.p50)} p95 ${formatMs(s.ttft.p95)} · E2E p95 ${formatMs(s.e2e.p95)} (${formatCount(s.requests)} requests)`;
    lines.push(p.bold('Cache A/B:'), side('on', summary.cacheAB.on), side('off', summary.cacheAB.off));
  }
  if (summary.herd) {
    const h = summary.herd;
    lines.push(
      `${p.bold('Herd probe:')} ${h.requests} identical requests at ${h.t}s: ${h.duplicateComputations === null ? 'duplicate computations unknown' : `${h.duplicateComputations} duplicate upstream computation${h.duplicateComputations === 1 ? '' : 's'}`} (${h.method}), E2E p95 ${formatMs(h.latencyP95)}${h.latencySpike !== null ? ` (${Math.round(h.latencySpike * 10) / 10}× the run's p50)` : ''}`,
    );
  }
  if (summary.verdict.firstBreach) {
    const b = summary.verdict.firstBreach;
    lines.push(
      `  First breach: ${p.bold(b.source)} at ${formatDuration(b.t)}${b.trace ? ` (trace ${formatDuration(b.trace.offsetS)}${b.trace.at ? `, ${b.trace.at}` : ''}, recorded ${formatRate(b.trace.recordedRate)})` : ''} in stage ${b.stage} (target ${formatLevel(b.targetLevel, options.loadModel)}, achieved ${formatRate(b.achievedRate)}), value ${formatMetricValue(summary.thresholds.find((t) => t.id === b.thresholdId)?.metric ?? '', b.value)}`,
    );
  }
  if (summary.thresholds.length) {
    const width = Math.max(...summary.thresholds.map((t) => t.source.length));
    lines.push(`Thresholds (${WINDOW.wholeRun}):`);
    for (const t of summary.thresholds) {
      lines.push(thresholdLine(t, options.thresholds?.find((x) => x.id === t.id), options.loadModel, p, width));
    }
  } else lines.push(p.dim('No thresholds in the scenario.'));
  const errors = ERROR_OUTCOMES.filter((o) => summary.outcomes[o] > 0).map((o) => `${o} ${formatCount(summary.outcomes[o])}`);
  const figures = runFigures(summary);
  lines.push(`${p.bold(`Whole run:`)} error rate ${formatPercent(figures.errorRate)} · TTFT p95 ${formatMs(figures.ttftP95)} · cost ${formatUsd(figures.costTotal)}`);
  lines.push(
    `Requests ${formatCount(summary.requests.total)} (ok ${formatCount(summary.outcomes.ok)}${summary.outcomes.unacceptable ? `, unacceptable answers ${formatCount(summary.outcomes.unacceptable)}` : ''}${errors.length ? `, ${errors.join(', ')}` : ''}${summary.outcomes.canceled ? `, canceled ${formatCount(summary.outcomes.canceled)}` : ''}${summary.outcomes.aborted ? `, ${formatCount(summary.outcomes.aborted)} unfinished (still in flight when the run ended)` : ''}${summary.requests.dropped ? `, dropped ${formatCount(summary.requests.dropped)}` : ''}) at ${formatRate(summary.requests.rate)}`,
  );
  lines.push(
    `TTFT p50 ${formatMs(summary.ttft.p50)} p95 ${formatMs(summary.ttft.p95)} p99 ${formatMs(summary.ttft.p99)} · E2E p95 ${formatMs(summary.e2e.p95)} · ITL p95 ${formatMs(summary.itl.p95)}`,
  );
  lines.push(
    `Tokens in ${formatCount(summary.tokens.input)} out ${formatCount(summary.tokens.output)} (${formatRate(summary.tokens.perSecond, ' tok/s')}) · cost ${formatUsd(summary.cost.total)}${summary.cost.perRequest !== null ? ` (${formatUsd(summary.cost.perRequest)}/request)` : ''}`,
  );
  const counting = tokenCounting(summary);
  if (counting !== null) lines.push(p.dim(`  ${counting}`));
  return lines;
}

const COUNTED: Record<RunSummary['tokens']['method'], string> = {
  usage: "from the providers' usage",
  counted: "counted from the answers' text",
  mixed: "from usage where it was sent, else counted from the answers' text",
  none: 'none counted',
};

/** How the run's tokens were counted, with each provider's dialect and tokenizer; null for runs
 * whose providers say neither (http targets, results written before the dialects). */
export function tokenCounting(summary: RunSummary): string | null {
  const spoken = (summary.providers ?? []).filter((x) => x.dialect !== undefined || x.tokenizer !== undefined);
  if (spoken.length === 0) return null;
  const each = spoken.map((x) => `${x.id}: ${[x.dialect, x.tokenizer !== undefined ? `tokenizer ${x.tokenizer}` : undefined].filter((v) => v !== undefined).join(', ')}`);
  return `${COUNTED[summary.tokens.method]}; ${each.join(' · ')}`;
}
