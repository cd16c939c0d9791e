// `stampede report RESULTS.json [--report out.html] [--md out.md] [--junit out.xml]`: renders the
// reports again from a results file — e.g. one left by a killed run, or after an upgrade.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { renderHtmlReport } from '../report/html-report';
import { renderJunitReport } from '../report/junit-report';
import { renderMarkdownReport } from '../report/markdown-report';
import { parseResults, type ResultsDocument } from '../report/results-document';

export const REPORT_USAGE = `Usage: stampede report RESULTS.json [--report out.html] [--md out.md] [--junit out.xml]

Renders the reports of a finished (or interrupted) run from its results file. Without options,
writes the HTML report beside the results file.`;

export async function runReportCommand(argv: string[]): Promise<number> {
  const files: string[] = [];
  const outputs: Partial<Record<'report' | 'md' | 'junit', string>> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(REPORT_USAGE + '\n');
      return 0;
    }
    const m = /^--(report|md|junit)(?:=(.*))?$/.exec(arg);
    if (m) {
      const value = m[2] ?? argv[++i];
      if (!value) return usage(`--${m[1]} needs a value`);
      outputs[m[1] as 'report' | 'md' | 'junit'] = value;
    } else if (arg.startsWith('-')) return usage(`unknown option '${arg}'`);
    else files.push(arg);
  }
  if (files.length !== 1) return usage(files.length ? 'one results file expected' : 'missing the results file');
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
    try {
      mkdirSync(dirname(resolve(path)), { recursive: true });
      writeFileSync(path, render(doc));
    } catch (error) {
      process.stderr.write(`stampede report: cannot write ${path}: ${(error as Error).message}\n`);
      return 2;
    }
    process.stdout.write(`${`${label}:`.padEnd(9)} ${path}\n`);
  }
  return 0;
}

function usage(message: string): number {
  process.stderr.write(`stampede report: ${message}\n\n${REPORT_USAGE}\n`);
  return 2;
}
