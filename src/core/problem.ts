import type { SourceRange } from './plan';

/** One finding about a scenario file, positioned for an editor squiggle or a CI log line. */
export interface Problem {
  severity: 'error' | 'warning';
  /** Stable class of the problem (e.g. "unknown-field", "bad-duration"), for tests and filters. */
  code: string;
  message: string;
  /** Field path in the scenario, e.g. "load.stages[1].rampTo"; "" for the whole file. */
  path: string;
  range: SourceRange;
}

export const WHOLE_FILE_START: SourceRange = { line: 1, column: 1, endLine: 1, endColumn: 1 };

/** Renders a path of keys and indices the way users read it: `load.stages[1].rampTo`. */
export function formatPath(segments: ReadonlyArray<string | number>): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** `file:line:col: severity: message (field)`: the line CI logs show and problem matchers
 * (`$stampede`) read. */
export function formatProblemLine(file: string, problem: Problem): string {
  const where = problem.path ? ` (${problem.path})` : '';
  return `${file}:${problem.range.line}:${problem.range.column}: ${problem.severity}: ${problem.message}${where}`;
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}
