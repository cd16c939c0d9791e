// The whole check of a scenario file, from text: YAML, schema, then semantics. Runs on every
// (debounced) keystroke in the editor, so the validator is compiled once, at module load.
import type { ResolvedPlan } from './plan';
import { hasErrors, WHOLE_FILE_START, type Problem } from './problem';
import { parseScenarioSource } from './yaml-source';
import { validateAgainstSchema } from './scenario-schema';
import { schemaProblems } from './schema-problems';
import { resolveScenario } from './resolve-scenario';

const REFERENCE_CODES = new Set(['secret-not-allowed', 'env-not-allowed', 'bad-interpolation']);

export interface ScenarioAnalysis {
  problems: Problem[];
  /** Null when there is any error. */
  plan: ResolvedPlan | null;
}

function byPosition(a: Problem, b: Problem): number {
  return a.range.line - b.range.line || a.range.column - b.range.column;
}

export function analyzeScenario(text: string, options: { fileName?: string } = {}): ScenarioAnalysis {
  const source = parseScenarioSource(text);
  const problems = [...source.problems];
  if (source.empty && !hasErrors(problems)) {
    problems.push({ severity: 'error', code: 'empty-file', message: 'the file is empty: a scenario needs at least name, workload and load', path: '', range: WHOLE_FILE_START });
  }
  if (hasErrors(problems)) return { problems: problems.sort(byPosition), plan: null };

  const schemaIssues = schemaProblems(validateAgainstSchema(source.value), source.value, source.locator);
  problems.push(...schemaIssues);
  const root = source.value;
  // Semantic checks assume a map; a scalar or list document is already reported by the schema.
  if (root && typeof root === 'object' && !Array.isArray(root)) {
    const resolved = resolveScenario(root, { locator: source.locator, sourcePath: options.fileName });
    const at = (p: Problem) => `${p.path}@${p.range.line}:${p.range.column}`;
    // Where each schema problem sits, by position and by path: one lookup per semantic problem
    // (a search through every problem for each made a file of many warnings take minutes).
    const byPlace = new Map<string, number>();
    const byPath = new Map<string, number>();
    problems.forEach((p, i) => {
      if (!byPlace.has(at(p))) byPlace.set(at(p), i);
      if (!byPath.has(p.path)) byPath.set(p.path, i);
    });
    for (const problem of resolved.problems) {
      const reference = REFERENCE_CODES.has(problem.code);
      const clash = byPlace.get(at(problem)) ?? (reference ? byPath.get(problem.path) : undefined);
      // A misplaced ${secret:…} also fails the field's pattern; saying where secrets belong helps more.
      if (clash === undefined) {
        problems.push(problem);
        if (!byPlace.has(at(problem))) byPlace.set(at(problem), problems.length - 1);
        if (!byPath.has(problem.path)) byPath.set(problem.path, problems.length - 1);
      } else if (reference) problems[clash] = problem;
    }
    problems.sort(byPosition);
    return { problems, plan: hasErrors(problems) ? null : resolved.plan };
  }
  return { problems: problems.sort(byPosition), plan: null };
}
