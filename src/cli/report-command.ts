// `stampede report RESULTS.json [--report out.html] [--md out.md] [--junit out.xml]`: renders the
// reports again from a results file — e.g. one left by a killed run, or after an upgrade.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseArtilleryReport, resultsFromArtillery } from '../artillery/artillery-results';
import { loadScenario } from '../artillery/scenario-load';
import { readEngineConfig } from '../artillery/stampede-engine';
import { renderHtmlReport } from '../report/html-report';
import { renderJunitReport } from '../report/junit-report';
import { renderMarkdownReport } from '../report/markdown-report';
import { parseResults, type ResultsDocument } from '../report/results-document';

export const REPORT_USAGE = `Usage: stampede report RESULTS.json [--report out.html] [--md out.md] [--junit out.xml]
       stampede report --from-artillery REPORT.json [--script artillery.yml] [--report out.html] …

Renders the reports of a finished (or interrupted) run from its results file. Without options,
writes the HTML report beside the results file.

--from-artillery renders them from Artillery's JSON report (artillery run / run-fargate /
run-lambda --output) of a script written by \`stampede export artillery\`: --script names that
script (default: artillery.yml beside the report, else in the current folder), which names the
scenario whose thresholds are judged on Artillery's merged metrics.`;

export async function runReportCommand(argv: string[]): Promise<number> {
  const files: string[] = [];
  const outputs: Partial<Record<'report' | 'md' | 'junit' | 'from-artillery' | 'script', string>> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(REPORT_USAGE + '\n');
      return 0;
    }
    const m = /^--(report|md|junit|from-artillery|script)(?:=(.*))?$/.exec(arg);
    if (m) {
      const value = m[2] ?? argv[++i];
      if (!value) return usage(`--${m[1]} needs a value`);
      outputs[m[1] as 'report' | 'md' | 'junit' | 'from-artillery' | 'script'] = value;
    } else if (arg.startsWith('-')) return usage(`unknown option '${arg}'`);
    else files.push(arg);
  }
  const fromArtillery = outputs['from-artillery'];
  if (fromArtillery) {
    if (files.length) return usage(`--from-artillery reads ${fromArtillery}; a results file (${files[0]}) cannot be given too`);
    files.push(fromArtillery);
  } else if (outputs.script) return usage('--script goes with --from-artillery');
  if (files.length !== 1) return usage(files.length ? 'one results file expected' : 'missing the results file');
  let doc: ResultsDocument;
  try {
    doc = fromArtillery ? artilleryDocument(fromArtillery, outputs.script) : parseResults(readFileSync(files[0], 'utf8'));
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
  return resultsFromArtillery(report, { plan: loaded.plan, workers: config.workers, reportFile, scenarioFile, overrides: config.set, toolVersion: '0.1.0' });
}

function usage(message: string): number {
  process.stderr.write(`stampede report: ${message}\n\n${REPORT_USAGE}\n`);
  return 2;
}
