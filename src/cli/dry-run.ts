// `stampede run --dry-run FILE`: what the run would send and cost, per stage and in total,
// without sending anything.
import type { ResolvedPlan } from '../core/plan';
import { formatUsdEstimate, type RunEstimate } from '../core/run-estimate';

function seconds(ms: number): string {
  const s = ms / 1000;
  return s >= 60 ? `${Math.floor(s / 60)}m${Math.round(s % 60) ? `${Math.round(s % 60)}s` : ''}` : `${Math.round(s * 10) / 10}s`;
}

const n = (v: number) => Math.round(v).toLocaleString('en-US');

/** `plan` as it will run (a replay's with the load shape its trace fills in) and its estimate
 * (runner/plan-estimate.ts). */
export function formatDryRun(plan: ResolvedPlan, e: RunEstimate): string[] {
  const rows: string[][] = [['stage', 'duration', 'requests', 'input tokens', 'output tokens', 'cost']];
  for (const s of e.stages) rows.push([s.name, seconds(s.durationMs), n(s.requests), n(s.inputTokens), n(s.outputTokens), formatUsdEstimate(s.costUsd)]);
  rows.push(['total', seconds(e.durationMs), n(e.requests), n(e.inputTokens), n(e.outputTokens), formatUsdEstimate(e.costUsd)]);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => '  ' + r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  const replay = plan.load.replay;
  const model = replay ? `replay of ${replay.file}${replay.rateFactor !== 1 ? ` at ${replay.rateFactor}x` : ''}${replay.loops > 1 ? `, ${replay.loops} loops` : ''}` : `${plan.load.model} model`;
  const out = [`Dry run of "${plan.name}" (${model}${plan.load.timeScale !== 1 ? `, timeScale ${plan.load.timeScale}` : ''}): nothing is sent.`];
  rows.forEach((r, i) => {
    if (i === rows.length - 1) out.push('  ' + widths.map((w) => '-'.repeat(w)).join('  '));
    out.push(line(r));
  });
  out.push(
    replay
      ? 'Estimate: every request as its trace recorded it (prompt and output tokens, route), no prompt cached, so cost errs high.'
      : 'Estimate: every request generates its full maxTokens and no prompt is cached, so cost errs high.',
  );
  if (plan.budget) out.push(`Budget: $${plan.budget.maxCostUsd} (${plan.budget.onExceed})${e.costUsd > plan.budget.maxCostUsd ? ' — the estimate exceeds it' : ''}.`);
  if (e.realProviders.length) out.push(`Real providers (may cost money): ${e.realProviders.join(', ')}.`);
  return out;
}
