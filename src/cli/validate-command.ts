// `stampede validate FILE… [--json]`: checks scenario files and prints one line per problem in
// the `file:line:col: severity: message` form that CI logs and VS Code problem matchers read.
import { dirname } from 'node:path';
import { analyzeScenario } from '../core/analyze-scenario';
import type { ResolvedPlan } from '../core/plan';
import type { Problem } from '../core/problem';
import { readScenarioFile } from '../runner/scenario-file';
import { parseScenarioSource } from '../core/yaml-source';
import { estimatePlan } from '../runner/plan-estimate';

const USAGE = 'usage: stampede validate FILE... [--json]';

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

function formatLine(problem: FileProblem): string {
  const where = problem.path ? ` (${problem.path})` : '';
  return `${problem.file}:${problem.range.line}:${problem.range.column}: ${problem.severity}: ${problem.message}${where}`;
}

export async function runValidateCommand(args: string[]): Promise<number> {
  const json = args.includes('--json');
  const unknownFlag = args.find((a) => a.startsWith('-') && a !== '--json');
  const files = args.filter((a) => !a.startsWith('-'));
  if (unknownFlag) {
    process.stderr.write(`stampede validate: unknown option '${unknownFlag}'\n${USAGE}\n`);
    return 2;
  }
  if (files.length === 0) {
    process.stderr.write(`stampede validate: no files given\n${USAGE}\n`);
    return 2;
  }
  const all: FileProblem[] = [];
  for (const file of files) all.push(...(await checkFile(file)));
  const errors = all.filter((p) => p.severity === 'error').length;
  const warnings = all.length - errors;
  if (json) {
    const out = all.map((p) => ({ file: p.file, line: p.range.line, column: p.range.column, endLine: p.range.endLine, endColumn: p.range.endColumn, severity: p.severity, code: p.code, message: p.message, path: p.path }));
    process.stdout.write(JSON.stringify({ files: files.length, errors, warnings, problems: out }, null, 2) + '\n');
  } else {
    for (const problem of all) process.stdout.write(formatLine(problem) + '\n');
    const summary = `${files.length} file${files.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
    process.stderr.write(summary + '\n');
  }
  return errors > 0 ? 2 : 0;
}
