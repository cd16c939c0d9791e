// Runs from the editor: checks the scenario, resolves secrets, asks before a costly run against
// real providers, checks what the run needs before it sends anything (preflight: a missing
// ${env:…} refuses the run and leaves nothing behind), runs the engine in a worker thread (so
// the extension host never blocks), shows progress with Cancel, writes live lines and the
// verdict to the Stampede output channel (shown by itself only when a run ends in an error, so
// the live panel keeps its space), and writes results.json + report.html into the results
// folder as the CLI does.
import * as vscode from 'vscode';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import type { ResolvedPlan } from '../core/plan';
import type { RunEvent, RunSummary } from '../protocol/run-events';
import type { RunHandle } from '../runner/run-options';
import { startRunInWorker } from '../runner/worker-client';
import { renderHtmlReport } from '../report/html-report';
import { collectSecretValues, createScrubber, redactPlan } from '../report/redact';
import { createResultsDocument } from '../report/results-document';
import { ResultsWriter } from '../report/results-writer';
import { addTick, formatLiveLine, formatLogLine, newLiveState } from '../report/text-progress';
import { formatVerdict } from '../report/text-verdict';
import { plainPalette } from '../report/text-style';
import { formatEstimate, type RunEstimate } from '../core/run-estimate';
import { verdictLine } from '../../vocabulary/figures';
import { referenceLocation } from '../core/interpolation';
import { preflightRun, type PreflightProblem } from '../runner/config-preflight';
import { planAgainstMock } from './mock-plan';
import { newestReport, resultsRoot } from './results-location';
import { newRunFolder } from '../report/run-folder';
import { isScenarioDocument, scenarioFolder, type ScenarioAnalyses } from './scenario-analysis';
import type { ScenarioSecrets } from './secrets';
import { secretNames } from './secret-names';
import type { ScenarioDiagnostics } from './diagnostics';

const LAST_REPORT_KEY = 'stampede.lastReport';
export const RESTRICTED_MODE_MESSAGE = 'Stampede: running a scenario is disabled in Restricted Mode. A run sends traffic and may spend money: trust this workspace to run it.';

/** Whatever else wants the run's events (the live panel). */
export interface RunEventSink {
  /** `scrub` removes the run's secret values from text meant for a person to read. */
  onRunEvent(event: RunEvent, scrub: (text: string) => string): void;
  show?(preserveFocus?: boolean): void;
}

interface ActiveRun {
  handle: RunHandle;
  name: string;
  writer: ResultsWriter;
}

/** A run that ended, for whoever records runs (Test Explorer). */
export interface FinishedRun {
  uri: vscode.Uri;
  summary: RunSummary;
  durationMs: number;
}

export class RunController implements vscode.Disposable {
  private active: ActiveRun | undefined;
  private readonly sinks: RunEventSink[] = [];
  private readonly finished = new vscode.EventEmitter<FinishedRun>();
  /** Every run that ended, whichever way it was started (CodeLens, palette, Test Explorer). */
  readonly onDidFinishRun = this.finished.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly analyses: ScenarioAnalyses,
    private readonly diagnostics: ScenarioDiagnostics,
    private readonly secrets: ScenarioSecrets,
  ) {}

  /** Adds a listener of every run's events; dispose the result to remove it (a task's terminal). */
  addSink(sink: RunEventSink): vscode.Disposable {
    this.sinks.push(sink);
    return new vscode.Disposable(() => {
      const at = this.sinks.indexOf(sink);
      if (at >= 0) this.sinks.splice(at, 1);
    });
  }

  get running(): boolean {
    return this.active !== undefined;
  }

  stop(): void {
    if (!this.active) {
      void vscode.window.showInformationMessage('Stampede: no run is in progress.');
      return;
    }
    this.log.info('stopping the run…');
    this.active.handle.stop('stopped', 'stopped from the editor');
  }

  setMultiplier(value: number): void {
    this.active?.handle.setMultiplier(value);
  }

  /** The report of the newest run: this window's last run, else the newest in the results folder. */
  lastReport(): string | undefined {
    const remembered = this.context.workspaceState.get<string>(LAST_REPORT_KEY);
    const folder = vscode.workspace.workspaceFolders?.[0];
    const scanned = folder ? newestReport(resultsRoot(this.setting<string>('resultsFolder'), folder.uri.fsPath)) : undefined;
    return scanned ?? remembered;
  }

  /** Runs a scenario to its end; resolves with the summary, or undefined when it did not start. */
  async run(uri: vscode.Uri | undefined, options: { againstMock: boolean }): Promise<RunSummary | undefined> {
    if (!vscode.workspace.isTrusted) {
      // Restricted Mode: a scenario from an unknown repository could send traffic anywhere and
      // spend money, and its workspace settings could skip the cost prompt.
      void vscode.window
        .showWarningMessage(RESTRICTED_MODE_MESSAGE, 'Manage Workspace Trust')
        .then((choice) => (choice ? vscode.commands.executeCommand('workbench.trust.manage') : undefined));
      return undefined;
    }
    if (this.active) {
      const choice = await vscode.window.showWarningMessage(`Stampede: "${this.active.name}" is still running.`, 'Stop It');
      if (choice === 'Stop It') this.stop();
      return undefined;
    }
    const document = await this.scenarioDocument(uri);
    if (!document) return undefined;
    const problems = this.diagnostics.refresh(document);
    const { plan: analyzed } = this.analyses.get(document);
    if (!analyzed) {
      const errors = problems.filter((p) => p.severity === 'error');
      const first = errors[0];
      const where = first ? ` First: line ${first.range.line}: ${first.message}` : '';
      void vscode.window.showErrorMessage(`Stampede: fix ${errors.length} problem${errors.length === 1 ? '' : 's'} in the scenario before running it.${where}`);
      await vscode.commands.executeCommand('workbench.actions.view.problems');
      return undefined;
    }
    const asked = options.againstMock ? planAgainstMock(analyzed) : analyzed;
    const estimate = await this.estimate(asked, document);
    if (!estimate) return undefined;
    const plan = await this.confirmCost(asked, estimate);
    if (!plan) return undefined;

    const secretValues = new Map<string, string>();
    for (const name of secretNames(plan)) {
      const value = await this.secrets.getOrAsk(name);
      if (value === undefined) {
        void vscode.window.showWarningMessage(`Stampede: run cancelled — secret ${name} is not set (Stampede: Set Secret).`);
        return undefined;
      }
      secretValues.set(name, value);
    }
    const check = await preflightRun(plan, { env: process.env, secret: (name) => secretValues.get(name), baseDir: scenarioFolder(document) });
    if (check.errors.length) {
      this.refuse(document, plan, check.errors);
      return undefined;
    }
    for (const warning of check.warnings) this.log.warn(`${plan.name}: ${warning}`);
    // Swapped to the mock: the same requests at no cost.
    const final = plan === asked ? estimate : await this.estimate(plan, document);
    return final && this.start(document, plan, secretValues, final);
  }

  /** The plan's estimate; a replay's trace that cannot be read is said now, and nothing runs.
   * (The runner reads the trace again from the plan as analyzed.) */
  private async estimate(plan: ResolvedPlan, document: vscode.TextDocument): Promise<RunEstimate | undefined> {
    try {
      return (await this.analyses.estimates.estimate(plan, scenarioFolder(document))).estimate;
    } catch (error) {
      void vscode.window.showErrorMessage(`Stampede: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** A configuration error found before the run: said once, at its line, and nothing started. */
  private refuse(document: vscode.TextDocument, plan: ResolvedPlan, problems: PreflightProblem[]): void {
    const file = vscode.workspace.asRelativePath(document.uri);
    const located = problems.map((p) => ({ problem: p, at: p.reference ? referenceLocation(document.getText(), p.reference.kind, p.reference.name) : null }));
    for (const { problem, at } of located) this.log.error(`${file}${at ? `:${at.line}:${at.column}` : ''}: ${plan.name} was not run: ${problem.message}`);
    const first = located[0]!;
    const where = first.at ? ` (${file} line ${first.at.line})` : ` (${file})`;
    const more = located.length > 1 ? ` (+${located.length - 1} more in the Stampede output)` : '';
    const actions = first.at ? ['Go to Line', 'Show Output'] : ['Show Output'];
    void vscode.window.showErrorMessage(`Stampede: "${plan.name}" was not run: ${first.problem.message}${where}${more}. Nothing was sent and no run was recorded.`, ...actions).then(async (choice) => {
      if (choice === 'Show Output') this.log.show(true);
      if (choice === 'Go to Line' && first.at) {
        const position = new vscode.Position(first.at.line - 1, first.at.column - 1);
        await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position) });
      }
    });
  }

  private async start(document: vscode.TextDocument, plan: ResolvedPlan, secretValues: Map<string, string>, estimate: RunEstimate): Promise<RunSummary | undefined> {
    const workspaceFolder = vscode.workspace.getWorkspaceFolder(document.uri) ?? vscode.workspace.workspaceFolders?.[0];
    const fileName = document.uri.scheme === 'file' ? document.uri.fsPath : undefined;
    const baseDir = workspaceFolder?.uri.fsPath ?? (fileName ? dirname(fileName) : tmpdir());
    const began = Date.now();
    const now = new Date();
    const { folder, runId } = newRunFolder(resultsRoot(this.setting<string>('resultsFolder'), baseDir), plan.name, fileName, now);
    const jsonPath = join(folder, 'results.json');
    const reportPath = join(folder, 'report.html');
    const lookup = (kind: 'secret' | 'env', name: string) => (kind === 'secret' ? secretValues.get(name) : process.env[name]);
    const scrub = createScrubber(collectSecretValues(plan, lookup));

    const doc = createResultsDocument({
      runId,
      toolVersion: String(this.context.extension.packageJSON.version),
      scenarioName: plan.name,
      scenarioFile: fileName ?? null,
      overrides: [],
      redactedPlan: redactPlan(plan),
      now,
    });
    const writer = new ResultsWriter({ path: jsonPath, doc, scrub });
    try {
      writer.open();
    } catch (error) {
      void vscode.window.showErrorMessage(`Stampede: ${(error as Error).message} (setting stampede.resultsFolder)`);
      return undefined;
    }

    const live = { ...newLiveState(), plannedDurationS: plan.load.durationMs / 1000, loadModel: plan.load.model };
    const line = (text: string) => this.log.info(scrub(text));
    let progress: vscode.Progress<{ message?: string; increment?: number }> | undefined;
    let reported = 0;

    let sawDone = false;
    const tellSinks = (event: RunEvent) => {
      for (const sink of this.sinks) {
        try {
          sink.onRunEvent(event, scrub);
        } catch (error) {
          this.log.warn(`the live panel could not take a ${event.type} event: ${(error as Error).message}`);
        }
      }
    };
    const onEvent = (event: RunEvent) => {
      if (event.type === 'done') sawDone = true;
      try {
        writer.handle(event);
      } catch (error) {
        this.log.warn(`could not record a ${event.type} event: ${(error as Error).message}`);
      }
      tellSinks(event);
      if (event.type === 'start') {
        live.stages = event.stages;
        live.loadModel = event.loadModel;
        live.plannedDurationS = event.durationMs / 1000;
        line(`started ${event.runId}: ${event.stages.length} stage${event.stages.length === 1 ? '' : 's'}, ${Math.round(event.durationMs / 1000)} s, providers ${event.providers.map((p) => `${p.id} (${p.type})`).join(', ')}`);
      } else if (event.type === 'tick') {
        addTick(live, event.point);
        line(formatLiveLine(live, plainPalette));
        const fraction = live.plannedDurationS > 0 ? Math.min(1, event.point.t / live.plannedDurationS) : 0;
        const increment = fraction * 100 - reported;
        reported = fraction * 100;
        progress?.report({ increment, message: `${event.point.stage} · ${event.point.t}/${Math.round(live.plannedDurationS)} s` });
      } else if (event.type === 'log') {
        line(formatLogLine(event.entry, plainPalette));
      }
    };

    // The panel's page loads while the worker starts, so the first tick finds it ready.
    if (this.setting<boolean>('panel.openOnRun')) for (const sink of this.sinks) sink.show?.(true);
    let handle: RunHandle;
    try {
      handle = startRunInWorker({
        plan,
        onEvent,
        runId,
        env: process.env,
        baseDir: scenarioFolder(document),
        resolveSecret: async (name) => secretValues.get(name),
        workerPath: this.context.asAbsolutePath(join('dist', 'worker.js')),
      });
    } catch (error) {
      writer.close();
      void vscode.window.showErrorMessage(`Stampede: could not start the run: ${(error as Error).message}`);
      return undefined;
    }
    this.active = { handle, name: plan.name, writer };
    await vscode.commands.executeCommand('setContext', 'stampede.running', true);
    // Ticks the walkthrough's run step however the run was started (a CodeLens passes its
    // command through a delegate, which the walkthrough's onCommand event never sees).
    await vscode.commands.executeCommand('setContext', 'stampede.hasRun', true);
    this.log.info(`▶ ${plan.name} — ${formatEstimate(estimate)}; results: ${folder}`);

    const summary = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Stampede: ${plan.name}`, cancellable: true },
      async (p, token) => {
        progress = p;
        token.onCancellationRequested(() => handle.stop('stopped', 'cancelled from the editor'));
        return handle.done;
      },
    );
    this.active = undefined;
    // A worker that died without its `done` still ends the run for the panel and status bar.
    if (!sawDone) tellSinks({ type: 'done', summary });
    await vscode.commands.executeCommand('setContext', 'stampede.running', false);
    await this.finish(summary, { writer, scrub, reportPath, jsonPath, plan, doc });
    this.finished.fire({ uri: document.uri, summary, durationMs: Date.now() - began });
    return summary;
  }

  private async finish(
    summary: RunSummary,
    ctx: { writer: ResultsWriter; scrub: (t: string) => string; reportPath: string; jsonPath: string; plan: ResolvedPlan; doc: ReturnType<typeof createResultsDocument> },
  ): Promise<void> {
    if (!ctx.doc.summary) ctx.writer.handle({ type: 'done', summary });
    const writeError = ctx.writer.close();
    if (writeError) this.log.error(`could not write ${ctx.jsonPath}: ${writeError}`);
    let reportWritten = false;
    try {
      await writeFile(ctx.reportPath, ctx.scrub(renderHtmlReport(ctx.doc)));
      reportWritten = true;
      await this.context.workspaceState.update(LAST_REPORT_KEY, ctx.reportPath);
    } catch (error) {
      this.log.error(`could not write the report ${ctx.reportPath}: ${(error as Error).message}`);
    }
    // The one-line verdict goes last, where the output channel's view stays scrolled.
    const [verdictText, ...details] = formatVerdict(summary, { palette: plainPalette, thresholds: ctx.plan.thresholds, loadModel: ctx.plan.load.model });
    for (const text of details) this.log.info(ctx.scrub(text));
    this.log.info(`results: ${ctx.jsonPath}${reportWritten ? `; report: ${ctx.reportPath}` : ''}`);
    if (verdictText) this.log.info(ctx.scrub(verdictText));

    // The status word once, as the panel, the status bar and the reports say it.
    const actions = [...(reportWritten ? ['Open Report'] : []), 'Open Results', 'Show Output'];
    const show = summary.endReason === 'completed' && summary.verdict.pass ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    // The output channel comes forward by itself only when the run could not go on.
    if (summary.endReason === 'error') this.log.show(true);
    void show(`Stampede: ${ctx.scrub(verdictLine(summary))}`, ...actions).then(async (choice) => {
      if (choice === 'Open Report') await vscode.commands.executeCommand('stampede.showLastReport', ctx.reportPath);
      if (choice === 'Open Results') await vscode.window.showTextDocument(vscode.Uri.file(ctx.jsonPath));
      if (choice === 'Show Output') this.log.show(true);
    });
  }

  /** The plan to run: as given, swapped to the mock, or undefined when the user declines. */
  private async confirmCost(plan: ResolvedPlan, estimate: RunEstimate): Promise<ResolvedPlan | undefined> {
    if (estimate.realProviders.length === 0) return plan;
    const limit = this.setting<number>('confirmCostAboveUsd') ?? 1;
    if (estimate.costUsd <= limit && limit > 0) return plan;
    const choice = await vscode.window.showWarningMessage(
      `Stampede: this run sends ${formatEstimate(estimate)} (estimated) to ${estimate.realProviders.join(', ')}.`,
      { modal: true, detail: `The estimate is above stampede.confirmCostAboveUsd ($${limit}). "Run Against Mock" tries the same load shape at no cost.` },
      'Run',
      'Run Against Mock',
    );
    if (choice === 'Run Against Mock') return planAgainstMock(plan);
    return choice === 'Run' ? plan : undefined;
  }

  private async scenarioDocument(uri: vscode.Uri | undefined): Promise<vscode.TextDocument | undefined> {
    if (uri) return vscode.workspace.openTextDocument(uri);
    const active = vscode.window.activeTextEditor?.document;
    if (active && isScenarioDocument(active)) return active;
    const files = await vscode.workspace.findFiles('**/*.stampede.{yaml,yml}', '**/node_modules/**', 200);
    if (files.length === 0) {
      const choice = await vscode.window.showInformationMessage('Stampede: no scenario file (*.stampede.yaml) in this workspace.', 'New Scenario');
      if (choice) await vscode.commands.executeCommand('stampede.newScenario');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      files.map((f) => ({ label: vscode.workspace.asRelativePath(f), uri: f })),
      { title: 'Stampede: which scenario?', ignoreFocusOut: true },
    );
    return picked ? vscode.workspace.openTextDocument(picked.uri) : undefined;
  }

  private setting<T>(key: string): T | undefined {
    return vscode.workspace.getConfiguration('stampede').get<T>(key);
  }

  dispose(): void {
    this.finished.dispose();
    this.active?.handle.stop('stopped', 'the editor is closing');
    // The extension host may exit before the worker's `done` arrives (a window reload): the
    // results file gets every second received so far, which the restored panel shows.
    this.active?.writer.flush();
    this.active = undefined;
  }
}
