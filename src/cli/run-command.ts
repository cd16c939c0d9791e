// `stampede run FILE`: validate, run with a live view, write results and reports, print the
// verdict, exit with a code CI can act on (see RUN_COMMAND).
import { writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { analyzeScenario } from '../core/analyze-scenario';
import type { ResolvedPlan } from '../core/plan';
import { applyOverridesToText, formatOverridePath, parseSetArgument, type SetOverride } from '../core/scenario-overrides';
import type { RunEvent, RunSummary } from '../protocol/run-events';
import { startRun } from '../runner/engine';
import { preflightRun } from '../runner/config-preflight';
import { referenceLocation } from '../core/interpolation';
import { estimatePlan } from '../runner/plan-estimate';
import { RunConfigError } from '../runner/prompt-source';
import type { RunHandle } from '../runner/run-options';
import { renderHtmlReport } from '../report/html-report';
import { renderJunitReport } from '../report/junit-report';
import { renderMarkdownReport } from '../report/markdown-report';
import { collectSecretValues, createScrubber, redactPlan, scrubDeep } from '../report/redact';
import { createResultsDocument, serializeResults, type ResultsDocument } from '../report/results-document';
import { ResultsWriter } from '../report/results-writer';
import { formatDryRun } from './dry-run';
import { readScenarioText } from '../runner/scenario-file';
import { LiveView, type LiveMode } from './live-view';
import { parseRunArgs, RUN_COMMAND, type RunArgs } from './run-args';
import { formatHelp, usageError } from './command-line';
import { toolVersion } from './version';
import { allowOwnSequences, useColor } from './terminal-style';
import { colorPalette, plainPalette } from '../report/text-style';
import { EXIT_INVALID, exitCodeFor } from '../core/exit-codes';
import { formatVerdict } from '../report/text-verdict';
import { newRunFolder, runStamp, scenarioSlug } from '../report/run-folder';
import { ensureDirectory } from '../report/ensure-directory';

/** How long a stop may take before the CLI gives up waiting for the engine's summary. */
const STOP_GRACE_MS = 5000;

type Signal = 'SIGINT' | 'SIGTERM';

function fail(message: string): number {
  process.stderr.write(`stampede run: ${message}\n`);
  return EXIT_INVALID;
}

/** Given one of --json / --report, the other goes beside it; given neither, both go into a new
 * folder under the results folder, where the run history looks for them. An output sent to stdout
 * (`-`) is still written as a file there too, so a killed run keeps its results. */
function outputPaths(args: RunArgs, plan: ResolvedPlan, now: Date): { jsonPath: string; reportPath: string } {
  const swapExt = (path: string, ext: string) => path.replace(/(\.[^./\\]*)?$/, ext);
  const json = args.json === '-' ? undefined : args.json;
  const report = args.report === '-' ? undefined : args.report;
  if (json || report) {
    return {
      jsonPath: resolve(json ?? swapExt(report as string, '.json')),
      reportPath: resolve(report ?? swapExt(json as string, '.html')),
    };
  }
  const root = resolve(args.resultsDir ?? join(process.cwd(), '.stampede', 'runs'));
  const { folder } = newRunFolder(root, plan.name, args.file, now);
  return { jsonPath: join(folder, 'results.json'), reportPath: join(folder, 'report.html') };
}

function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

function secretLookup(kind: 'secret' | 'env', name: string): string | undefined {
  if (kind === 'env') return process.env[name];
  return process.env[`STAMPEDE_SECRET_${name}`] ?? process.env[name];
}

function analyze(args: RunArgs): { plan: ResolvedPlan; text: string } | { code: number } {
  const read = readScenarioText(args.file);
  if ('error' in read) return { code: fail(read.error) };
  const overrides: SetOverride[] = [];
  for (const raw of args.sets) {
    const parsed = parseSetArgument(raw);
    if (!parsed.ok) return { code: fail(parsed.message) };
    overrides.push(parsed.override);
  }
  const applied = applyOverridesToText(read.text, overrides);
  if (applied.errors.length) {
    for (const e of applied.errors) process.stderr.write(`stampede run: ${e.message}\n`);
    return { code: EXIT_INVALID };
  }
  const { problems, plan } = analyzeScenario(applied.text, { fileName: args.file });
  const errors = problems.filter((p) => p.severity === 'error');
  // A problem in a value that came from --set is reported against the --set, not the file.
  const fromOverride = (path: string) =>
    [...overrides].reverse().find((o) => {
      const op = formatOverridePath(o.path);
      return path === op || path.startsWith(`${op}.`) || path.startsWith(`${op}[`);
    });
  let positionsShifted = false;
  for (const p of problems) {
    const override = p.path ? fromOverride(p.path) : undefined;
    const where = override ? `--set ${override.raw}` : `${args.file}:${p.range.line}:${p.range.column}`;
    if (!override && applied.reserialized) positionsShifted = true;
    process.stderr.write(`${where}: ${p.severity === 'error' ? 'error' : 'warning'}: ${p.message}${p.path ? ` (${p.path})` : ''}\n`);
  }
  if (positionsShifted) {
    process.stderr.write('note: --set added keys to the scenario, so the positions above may be off by a few lines\n');
  }
  if (errors.length || !plan) {
    if (!errors.length) process.stderr.write(`stampede run: ${args.file} could not be resolved into a run plan\n`);
    return { code: EXIT_INVALID };
  }
  return { plan, text: applied.text };
}

/** Configuration errors found before any traffic (a missing ${env:…}, an unreadable prompt
 * file, no provider reachable): printed at their line, and nothing is started or written. */
async function preflight(args: RunArgs, plan: ResolvedPlan, text: string): Promise<number | null> {
  const check = await preflightRun(plan, { env: process.env, secret: (name) => secretLookup('secret', name), baseDir: dirname(resolve(args.file)) });
  for (const warning of check.warnings) process.stderr.write(`stampede run: warning: ${warning}\n`);
  if (check.errors.length === 0) return null;
  for (const problem of check.errors) {
    const at = problem.reference ? referenceLocation(text, problem.reference.kind, problem.reference.name) : null;
    process.stderr.write(`${args.file}${at ? `:${at.line}:${at.column}` : ''}: error: ${problem.message}\n`);
  }
  process.stderr.write('stampede run: the run was not started: nothing was sent and no results were written\n');
  return EXIT_INVALID;
}

/** Writes a report file, or to stdout for `-`. Returns a one-line error, or null. */
function writeOutput(path: string, text: string): string | null {
  if (path === '-') {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    return null;
  }
  try {
    ensureDirectory(dirname(path));
    writeFileSync(path, text);
    return null;
  } catch (error) {
    return `cannot write ${path}: ${(error as Error).message}`;
  }
}

export async function runRunCommand(argv: string[]): Promise<number> {
  const parsed = parseRunArgs(argv);
  if (!parsed.ok) return usageError(RUN_COMMAND, parsed.message);
  const args = parsed.args;
  if (args.help) {
    process.stdout.write(formatHelp(RUN_COMMAND) + '\n');
    return 0;
  }
  // With an output on stdout, the live view, the verdict and the paths go to stderr.
  const human = [args.json, args.report, args.md, args.junit].includes('-') ? process.stderr : process.stdout;
  const analyzed = analyze(args);
  if ('code' in analyzed) return analyzed.code;
  const plan = analyzed.plan;
  if (args.dryRun) {
    try {
      const shaped = await estimatePlan(plan, dirname(resolve(args.file)));
      for (const line of formatDryRun(shaped.plan, shaped.estimate)) human.write(line + '\n');
    } catch (error) {
      if (error instanceof RunConfigError) return fail(error.message);
      throw error;
    }
    return 0;
  }
  const refused = await preflight(args, plan, analyzed.text);
  if (refused !== null) return refused;

  const now = new Date();
  const { jsonPath, reportPath } = outputPaths(args, plan, now);
  const runId = `${runStamp(now)}-${scenarioSlug(plan.name, args.file)}`;
  const scrub = createScrubber(collectSecretValues(plan, secretLookup));

  const isTTY = Boolean(human.isTTY);
  const palette = useColor(isTTY, process.env, args.color) ? colorPalette : plainPalette;
  const mode: LiveMode = args.quiet ? 'quiet' : isTTY ? 'tty' : 'lines';
  allowOwnSequences(palette === colorPalette || mode === 'tty');
  const live = new LiveView(human, mode, palette, scrub);

  const doc: ResultsDocument = createResultsDocument({
    runId,
    toolVersion: toolVersion(),
    scenarioName: plan.name,
    scenarioFile: args.file,
    overrides: args.sets,
    redactedPlan: redactPlan(plan),
    now,
  });
  let writer: ResultsWriter;
  try {
    writer = new ResultsWriter({ path: jsonPath, doc, scrub });
    writer.open();
  } catch (error) {
    return fail((error as Error).message);
  }

  let stoppedBy: Signal | null = null;
  let handle: RunHandle | null = null;
  const restoreCursor = () => live.close();
  const onSignal = (signal: Signal) => {
    if (stoppedBy) {
      // Second signal: quit now; the results file already holds the last snapshot.
      writer.close();
      live.close();
      process.stderr.write(`\nstampede run: quit; partial results in ${displayPath(jsonPath)}\n`);
      process.exit(exitCodeFor({ endReason: 'stopped' } as RunSummary, signal));
    }
    stoppedBy = signal;
    live.message(palette.yellow(`Stopping (${signal}); results will be written. Press Ctrl-C again to quit now.`));
    handle?.stop('stopped', `stopped by ${signal}`);
  };
  const onSigint = () => onSignal('SIGINT');
  const onSigterm = () => onSignal('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  process.on('exit', restoreCursor);

  // The load shape's length, from the plan — or for a replay from the start event, once the
  // engine has read its trace.
  let shapeMs: number | null = plan.load.replay ? null : plan.load.durationMs;
  const onEvent = (raw: RunEvent) => {
    if (raw.type === 'start' && shapeMs === null) shapeMs = raw.durationMs;
    // Scrubbed once, before anything is rendered from it: no output format can then show a
    // secret that a server echoed into a message.
    const event = scrubDeep(raw, scrub);
    try {
      writer.handle(event);
      live.onEvent(event);
    } catch (error) {
      process.stderr.write(scrub(`stampede run: could not record a ${raw.type} event: ${(error as Error).message}\n`));
    }
  };

  let summary: RunSummary | null = null;
  try {
    const started: RunHandle = startRun({
      plan,
      onEvent,
      runId,
      env: process.env,
      baseDir: dirname(resolve(args.file)),
      resolveSecret: async (name: string) => secretLookup('secret', name),
    });
    handle = started;
    if (stoppedBy) started.stop('stopped', `stopped by ${stoppedBy}`);
    const ended = await waitForSummary(started, plan, () => stoppedBy !== null, () => shapeMs);
    summary = ended && scrubDeep(ended, scrub);
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    // What follows writes the results and reports synchronously; a signal can only be handled
    // once that is done, while the process winds down (sockets closing). It then quits at once
    // with the signal's exit code rather than letting the signal kill the process outright.
    process.on('SIGINT', () => process.exit(exitCodeFor({ endReason: 'stopped' } as RunSummary, 'SIGINT')));
    process.on('SIGTERM', () => process.exit(exitCodeFor({ endReason: 'stopped' } as RunSummary, 'SIGTERM')));
    live.close();
  }

  if (summary && !doc.summary) writer.handle({ type: 'done', summary });
  if (!summary) doc.status = 'stopped';
  const writeError = writer.close();
  process.off('exit', restoreCursor);

  const out = (line: string) => human.write(scrub(line) + '\n');
  const problems: string[] = writeError ? [writeError] : [];
  const reports: Array<[string, string]> = [];
  const html = writeOutput(reportPath, scrub(renderHtmlReport(doc)));
  if (html) problems.push(html);
  else reports.push(['Report', reportPath]);
  const extra: Array<[string, string | undefined, () => string]> = [
    ['HTML', args.report === '-' ? '-' : undefined, () => renderHtmlReport(doc)],
    ['Markdown', args.md, () => renderMarkdownReport(doc)],
    ['JUnit', args.junit, () => renderJunitReport(doc)],
    ['JSON', args.json === '-' ? '-' : undefined, () => serializeResults(doc)],
  ];
  for (const [label, path, render] of extra) {
    if (!path) continue;
    const target = path === '-' ? '-' : resolve(path);
    const e = writeOutput(target, scrub(render()));
    if (e) problems.push(e);
    else if (target !== '-') reports.push([label, target]);
  }

  out('');
  if (summary) {
    for (const line of formatVerdict(summary, { palette, thresholds: plan.thresholds, loadModel: plan.load.model, stoppedBy })) out(line);
  } else {
    out(palette.yellow(`Stopped: the engine did not finish within ${STOP_GRACE_MS / 1000} s; the results file keeps the ${doc.series.length} s measured.`));
  }
  out(`Results: ${displayPath(jsonPath)}`);
  for (const [label, path] of reports) out(`${`${label}:`.padEnd(8)} ${displayPath(path)}`);
  for (const p of problems) process.stderr.write(scrub(`stampede run: ${p}\n`));

  if (!summary) return exitCodeFor({ endReason: 'stopped' } as RunSummary, stoppedBy);
  const code = exitCodeFor(summary, stoppedBy);
  return problems.length && code === 0 ? EXIT_INVALID : code;
}

/** Waits for the engine's summary. Never hangs: after a stop (or once the run is well past its
 * planned end) the engine gets STOP_GRACE_MS to finish, then the CLI moves on without it.
 * `shapeMs`: the load shape's length, null until known (a replay's, once its trace is read; the
 * planned end counts from then). */
function waitForSummary(handle: RunHandle, plan: ResolvedPlan, stopping: () => boolean, shapeMs: () => number | null): Promise<RunSummary | null> {
  return new Promise((resolvePromise) => {
    // A cache A/B runs the load twice; a warm-up runs before it.
    const cx = plan.cacheExperiment;
    const runs = cx?.ab ? 2 : 1;
    let overdueAt = Infinity;
    const planEnd = () => {
      const shape = shapeMs();
      if (shape !== null && overdueAt === Infinity) overdueAt = Date.now() + shape * runs + (cx?.warmup?.durationMs ?? 0) + plan.resilience.timeouts.totalMs * runs + 30_000;
    };
    planEnd();
    let stopSeenAt: number | null = null;
    const timer = setInterval(() => {
      const now = Date.now();
      planEnd();
      if (stopSeenAt === null && (stopping() || now > overdueAt)) {
        stopSeenAt = now;
        if (!stopping()) handle.stop('stopped', 'the run went past its planned end');
      }
      if (stopSeenAt !== null && now - stopSeenAt > STOP_GRACE_MS) {
        clearInterval(timer);
        resolvePromise(null);
      }
    }, 200);
    handle.done.then(
      (summary) => {
        clearInterval(timer);
        resolvePromise(summary);
      },
      () => {
        clearInterval(timer);
        resolvePromise(null);
      },
    );
  });
}
