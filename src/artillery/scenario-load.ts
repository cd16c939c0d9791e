// A scenario file plus its `--set` overrides, resolved into a plan — for the export command and
// for each Artillery worker, which load the same file with the same overrides.
import type { ResolvedPlan } from '../core/plan';
import { analyzeScenario } from '../core/analyze-scenario';
import { applyOverridesToText, parseSetArgument, type SetOverride } from '../core/scenario-overrides';
import { readScenarioText } from '../runner/scenario-file';

export type LoadedScenario = { ok: true; plan: ResolvedPlan; text: string } | { ok: false; errors: string[] };

/** `label` names the file in messages (the path as the user gave it). */
export function loadScenario(file: string, sets: readonly string[], label = file): LoadedScenario {
  const read = readScenarioText(file);
  if ('error' in read) return { ok: false, errors: [read.error] };
  const overrides: SetOverride[] = [];
  for (const raw of sets) {
    const parsed = parseSetArgument(raw);
    if (!parsed.ok) return { ok: false, errors: [parsed.message] };
    overrides.push(parsed.override);
  }
  const applied = applyOverridesToText(read.text, overrides);
  if (applied.errors.length) return { ok: false, errors: applied.errors.map((e) => e.message) };
  const { problems, plan } = analyzeScenario(applied.text, { fileName: file });
  const errors = problems
    .filter((p) => p.severity === 'error')
    .map((p) => `${label}:${p.range.line}:${p.range.column}: ${p.message}${p.path ? ` (${p.path})` : ''}${overrides.length ? ' (with the --set overrides applied)' : ''}`);
  if (errors.length || !plan) return { ok: false, errors: errors.length ? errors : [`${label} could not be resolved into a run plan`] };
  return { ok: true, plan, text: applied.text };
}
