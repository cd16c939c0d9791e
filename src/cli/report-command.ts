// `stampede report RESULTS.json [--report out.html] [--md out.md] [--junit out.xml]`: renders the
// reports again from a results file — e.g. one left by a killed run, or after an upgrade.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseArtilleryReport, resultsFromArtillery } from '../artillery/artillery-results';
import { loadScenario } from '../artillery/scenario-load';
import { readEngineConfig } from '../artillery/stampede-engine';
import { renderHtmlReport } from '../report/html-report';
import { renderJunitReport } from '../report/junit-report';
import { renderMarkdownReport } from '../report/markdown-report';
import { parseResults, type ResultsDocument } from '../report/results-document';
import { parseOrExit, usageError, type CommandSpec } from './command-line';
import { toolVersion } from './version';
import { ensureDirectory } from '../report/ensure-directory';

export const REPORT_COMMAND: CommandSpec = {
  name: 'report',
  synopsis: 'RESULTS.json [options] | --from-artillery REPORT.json [--script artillery.yml] [options]',
  summary: 'Renders the reports of a finished (or interrupted) run from its results file.\nWithout options, writes the HTML report beside the results file. A path may be - for stdout.\n--from-artillery renders them from Artillery\'s JSON report (artillery run / run-fargate / run-lambda --output)\nof a script written by `stampede export artillery`, judging the scenario\'s thresholds on Artillery\'s merged metrics.',
  options: {
    'from-artillery': { type: 'string', value: 'REPORT.json', description: 'read Artillery\'s JSON report instead of a results file' },
    script: { type: 'string', value: 'PATH', description: 'the exported Artillery script that names the scenario (with --from-artillery)', default: 'artillery.yml beside the report, else in the current folder' },
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
  const fromArtillery = typeof parsed.values['from-artillery'] === 'string' ? parsed.values['from-artillery'] : undefined;
  const script = typeof parsed.values.script === 'string' ? parsed.values.script : undefined;
  if (fromArtillery) {
    if (files.length) return usage(`--from-artillery reads ${fromArtillery}; a results file (${files[0]}) cannot be given too`);
    files.push(fromArtillery);
  } else if (script) return usage('--script goes with --from-artillery');
  if (files.length !== 1) return usage(files.length ? 'one results file expected' : 'missing the results file');
  if (Object.values(outputs).filter((p) => p === '-').length > 1) return usage('only one output can go to stdout');
  let doc: ResultsDocument;
  try {
    doc = fromArtillery ? artilleryDocument(fromArtillery, script) : parseResults(readFileSync(files[0], 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : (error as Error).message;
    const path = (error as NodeJS.ErrnoException).path;
    process.stderr.write(`stampede report: ${code && path ? path : files[0]}: ${why}\n`);
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
      ensureDirectory(dirname(resolve(path)));
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

/** The results document of an Artillery run: the report, the exported script beside it (or in
 * the current folder) and the scenario that script names. Throws an Error with one line. */
function artilleryDocument(reportFile: string, scriptArg: string | undefined): ResultsDocument {
  const report = parseArtilleryReport(readFileSync(reportFile, 'utf8'));
  const candidates = scriptArg ? [scriptArg] : [join(dirname(reportFile), 'artillery.yml'), 'artillery.yml'];
  const scriptFile = candidates.find((f) => existsSync(f)) ?? candidates[0];
  let script: unknown;
  try {
    script = parseYaml(readFileSync(scriptFile, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`the Artillery script ${scriptFile} was not found: give it with --script (the file \`stampede export artillery\` wrote)`);
    throw new Error(`${scriptFile}: ${(error as Error).message.split('\n')[0]}`);
  }
  let config;
  try {
    config = readEngineConfig((script ?? {}) as Parameters<typeof readEngineConfig>[0]);
  } catch (error) {
    throw new Error(`${scriptFile}: ${(error as Error).message}`);
  }
  const scenarioFile = join(dirname(scriptFile), config.scenario);
  const loaded = loadScenario(scenarioFile, config.set);
  if (!loaded.ok) throw new Error(`the scenario of ${scriptFile} cannot be read:\n  ${loaded.errors.join('\n  ')}`);
  return resultsFromArtillery(report, { plan: loaded.plan, workers: config.workers, reportFile, scenarioFile, overrides: config.set, toolVersion: toolVersion() });
}

