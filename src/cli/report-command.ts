// `stampede report RESULTS.json [--report out.html] [--md out.md] [--junit out.xml]`: renders the
// reports again from a results file — e.g. one left by a killed run, or after an upgrade.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { renderHtmlReport } from '../report/html-report';
import { renderJunitReport } from '../report/junit-report';
import { renderMarkdownReport } from '../report/markdown-report';
import { parseResults, type ResultsDocument } from '../report/results-document';
import { parseOrExit, usageError, type CommandSpec } from './command-line';

export const REPORT_COMMAND: CommandSpec = {
  name: 'report',
  synopsis: 'RESULTS.json [options]',
  summary: 'Renders the reports of a finished (or interrupted) run from its results file.\nWithout options, writes the HTML report beside the results file. A path may be - for stdout.',
  options: {
    report: { type: 'string', value: 'PATH', output: true, description: 'HTML report', default: 'RESULTS.html when no option is given' },
    md: { type: 'string', value: 'PATH', output: true, description: 'Markdown summary, e.g. "$GITHUB_STEP_SUMMARY"' },
    junit: { type: 'string', value: 'PATH', output: true, description: 'JUnit XML, one test case per threshold' },
  },
  epilog: 'Exit codes: 0 written, 2 unreadable results file, unwritable output or bad usage, 70 internal error.',
};

export async function runReportCommand(argv: string[]): Promise<number> {
  const parsed = parseOrExit(REPORT_COMMAND, argv);
  if (typeof parsed === 'number') return parsed;
  const files = parsed.positionals;
  const outputs: Partial<Record<'report' | 'md' | 'junit', string>> = {};
  for (const key of ['report', 'md', 'junit'] as const) if (typeof parsed.values[key] === 'string') outputs[key] = parsed.values[key] as string;
  const usage = (message: string) => usageError(REPORT_COMMAND, message);
  if (files.length !== 1) return usage(files.length ? 'one results file expected' : 'missing the results file');
  if (Object.values(outputs).filter((p) => p === '-').length > 1) return usage('only one output can go to stdout');
  let doc: ResultsDocument;
  try {
    doc = parseResults(readFileSync(files[0], 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : (error as Error).message;
    process.stderr.write(`stampede report: ${files[0]}: ${why}\n`);
    return 2;
  }
  if (!outputs.report && !outputs.md && !outputs.junit) outputs.report = files[0].replace(/(\.json)?$/, '.html');
  const jobs: Array<[string, string | undefined, (d: ResultsDocument) => string]> = [
    ['Report', outputs.report, renderHtmlReport],
    ['Markdown', outputs.md, renderMarkdownReport],
    ['JUnit', outputs.junit, renderJunitReport],
  ];
  for (const [label, path, render] of jobs) {
    if (!path) continue;
    if (path === '-') {
      process.stdout.write(render(doc));
      continue;
    }
    try {
      mkdirSync(dirname(resolve(path)), { recursive: true });
      writeFileSync(path, render(doc));
    } catch (error) {
      process.stderr.write(`stampede report: cannot write ${path}: ${(error as Error).message}\n`);
      return 2;
    }
    // With an output on stdout, the paths of the others go to stderr.
    (Object.values(outputs).includes('-') ? process.stderr : process.stdout).write(`${`${label}:`.padEnd(9)} ${path}\n`);
  }
  return 0;
}
