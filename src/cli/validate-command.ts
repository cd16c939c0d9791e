// `stampede validate FILE… [--json PATH]`: checks scenario files and prints one line per problem
// in the `file:line:col: severity: message` form that CI logs and VS Code problem matchers
// (`$stampede`) read. A file is read by the one rule of runner/scenario-file.ts (size, binary,
// BOM), as `stampede run` and the editor read it.
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { analyzeScenario } from '../core/analyze-scenario';
import type { ResolvedPlan } from '../core/plan';
import { formatProblemLine, type Problem } from '../core/problem';
import { readScenarioFile } from '../runner/scenario-file';
import { parseScenarioSource } from '../core/yaml-source';
import { estimatePlan } from '../runner/plan-estimate';
import { parseOrExit, usageError, type CommandSpec } from './command-line';
import { ensureDirectory } from '../report/ensure-directory';

export const VALIDATE_COMMAND: CommandSpec = {
  name: 'validate',
  synopsis: 'FILE... [options]',
  summary: 'Checks scenario files without running them: one file:line:col: severity: message line per problem.',
  options: {
    json: { type: 'string', value: 'PATH', output: true, description: 'also write the problems as JSON; - for stdout (the lines then go to stderr)' },
  },
  epilog: 'Exit codes: 0 no errors (warnings allowed), 2 an error in any file or bad usage, 70 internal error.',
};

interface FileProblem extends Problem {
  file: string;
}

function fileProblem(file: string, code: string, message: string): FileProblem {
  return { file, severity: 'error', code, message, path: '', range: { line: 1, column: 1, endLine: 1, endColumn: 1 } };
}

/** A replay's trace is read as a run reads it, so CI's validate step fails on a trace the run
 * would stop at (missing, malformed, out of order), at load.trace.file, naming the trace's line. */
async function checkTrace(file: string, text: string, plan: ResolvedPlan): Promise<FileProblem[]> {
  try {
    await estimatePlan(plan, dirname(file));
    return [];
  } catch (error) {
    const field = 'load.trace.file';
    const message = (error instanceof Error ? error.message : String(error)).replace(`${field}: `, '');
    const range = parseScenarioSource(text).locator.valueRange(['load', 'trace', 'file']);
    return [{ file, severity: 'error', code: 'trace-unreadable', message, path: field, range }];
  }
}

async function checkFile(file: string): Promise<FileProblem[]> {
  const read = readScenarioFile(file);
  // An empty file gets the same problem the editor shows for one.
  if (!read.ok && read.code !== 'empty') return [fileProblem(file, read.code, read.message)];
  const text = read.ok ? read.text : '';
  const { problems, plan } = analyzeScenario(text, { fileName: file });
  if (plan?.load.replay) return [...problems.map((p) => ({ ...p, file })), ...(await checkTrace(file, text, plan))];
  const syntax = problems.filter((p) => p.code === 'yaml-syntax');
  if (syntax.length > 1) {
    // A file that is not YAML at all produces a cascade; the first error is the one to fix.
    const first = syntax[0];
    const rest = problems.filter((p) => p.code !== 'yaml-syntax');
    return [{ ...first, message: `${first.message} (and ${syntax.length - 1} more YAML errors: is this a YAML scenario?)`, file }, ...rest.map((p) => ({ ...p, file }))];
  }
  return problems.map((p) => ({ ...p, file }));
}

export async function runValidateCommand(argv: string[]): Promise<number> {
  const parsed = parseOrExit(VALIDATE_COMMAND, argv);
  if (typeof parsed === 'number') return parsed;
  const files = parsed.positionals;
  const json = parsed.values.json as string | undefined;
  if (files.length === 0) return usageError(VALIDATE_COMMAND, 'no files given');
  const all: FileProblem[] = [];
  for (const file of files) all.push(...(await checkFile(file)));
  const errors = all.filter((p) => p.severity === 'error').length;
  const warnings = all.length - errors;
  // With the JSON on stdout, the lines go to stderr, so stdout stays one JSON document.
  const lines = json === '-' ? process.stderr : process.stdout;
  for (const problem of all) lines.write(formatProblemLine(problem.file, problem) + '\n');
  const summary = `${files.length} file${files.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
  process.stderr.write(summary + '\n');
  if (json !== undefined) {
    const out = all.map((p) => ({ file: p.file, line: p.range.line, column: p.range.column, endLine: p.range.endLine, endColumn: p.range.endColumn, severity: p.severity, code: p.code, message: p.message, path: p.path }));
    const text = JSON.stringify({ files: files.length, errors, warnings, problems: out }, null, 2) + '\n';
    if (json === '-') process.stdout.write(text);
    else {
      try {
        ensureDirectory(dirname(resolve(json)));
        writeFileSync(json, text);
      } catch (error) {
        process.stderr.write(`stampede validate: cannot write ${json}: ${(error as Error).message}\n`);
        return 2;
      }
    }
  }
  return errors > 0 ? 2 : 0;
}
