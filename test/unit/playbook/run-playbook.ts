// Runs a playbook scenario in-process, shortened with --set style overrides, and returns its
// summary and ticks.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeScenario } from '../../../src/core/analyze-scenario';
import { applyOverridesToText, parseSetArgument } from '../../../src/core/scenario-overrides';
import type { RunSummary, TickPoint } from '../../../src/protocol/run-events';
import { startRun } from '../../../src/runner/engine';

export const EXAMPLES = resolve(__dirname, '..', '..', '..', 'examples');

export async function runPlaybook(name: string, sets: string[]): Promise<{ summary: RunSummary; ticks: TickPoint[]; logs: string[] }> {
  const file = join(EXAMPLES, name);
  const overrides = sets.map((raw) => {
    const parsed = parseSetArgument(raw);
    if (!parsed.ok) throw new Error(parsed.message);
    return parsed.override;
  });
  const applied = applyOverridesToText(readFileSync(file, 'utf8'), overrides);
  if (applied.errors.length) throw new Error(applied.errors.map((e) => e.message).join('; '));
  const { problems, plan } = analyzeScenario(applied.text, { fileName: file });
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length || !plan) throw new Error(`${name}: ${errors.map((p) => `${p.range.line}:${p.range.column} ${p.message}`).join('; ')}`);
  const ticks: TickPoint[] = [];
  const logs: string[] = [];
  let limit: NodeJS.Timeout | undefined;
  const handle = startRun({
    plan,
    baseDir: EXAMPLES,
    env: {},
    onEvent: (e) => {
      // Bounded: the planned duration plus drain time, then stop. The duration is the start
      // event's: a replay's is known only once its trace has been read.
      if (e.type === 'start') limit = setTimeout(() => handle.stop('stopped', 'test time limit'), e.durationMs + 20_000);
      if (e.type === 'tick') ticks.push(e.point);
      if (e.type === 'log') logs.push(`${e.entry.t}s ${e.entry.level} ${e.entry.message}`);
    },
  });
  try {
    const summary = await handle.done;
    return { summary, ticks, logs };
  } finally {
    clearTimeout(limit);
  }
}

export function kinds(summary: RunSummary): string[] {
  return (summary.analysis?.timeline ?? []).map((e) => (e.kind === 'threshold' ? `threshold:${e.source}` : e.kind));
}
