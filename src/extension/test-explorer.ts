// Test Explorer: each scenario file in the workspace is a test item, its thresholds are the
// children. Running an item runs the whole scenario through the run controller (the thresholds
// of one run are judged together) and marks each threshold passed or failed with its value. A
// run started elsewhere (the CodeLens, the palette, the history) is recorded in Test Explorer's
// results too.
import * as vscode from 'vscode';
import { analyzeScenario } from '../core/analyze-scenario';
import type { ResolvedPlan } from '../core/plan';
import { statusWord, verdictLine } from '../../vocabulary/figures';
import type { RunSummary } from '../protocol/run-events';
import type { FinishedRun } from './run-controller';
import { thresholdOutcome } from './threshold-outcome';

const SCENARIO_GLOB = '**/*.stampede.{yaml,yml}';
const EXCLUDE_GLOB = '**/node_modules/**';

export type RunScenario = (uri: vscode.Uri) => Promise<RunSummary | undefined>;

/** Threshold `id` of a child item: the scenario's URI and the threshold's id. */
function thresholdItemId(uri: vscode.Uri, id: string): string {
  return `${uri.toString()}#${id}`;
}

export class ScenarioTests implements vscode.Disposable {
  private readonly controller = vscode.tests.createTestController('stampede', 'Stampede');
  private readonly disposables: vscode.Disposable[] = [this.controller];
  /** Scenarios Test Explorer itself is running: their results are reported by execute(). */
  private readonly running = new Set<string>();

  constructor(private readonly runScenario: RunScenario) {
    this.controller.resolveHandler = async (item) => {
      if (!item) await this.discover();
      else if (item.uri) await this.refreshFile(item.uri);
    };
    this.controller.refreshHandler = async () => this.discover();
    this.controller.createRunProfile('Run', vscode.TestRunProfileKind.Run, (request, token) => this.execute(request, token), true);
    const watcher = vscode.workspace.createFileSystemWatcher(SCENARIO_GLOB);
    watcher.onDidCreate((uri) => void this.refreshFile(uri));
    watcher.onDidChange((uri) => void this.refreshFile(uri));
    watcher.onDidDelete((uri) => this.controller.items.delete(uri.toString()));
    this.disposables.push(
      watcher,
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (/\.stampede\.ya?ml$/i.test(d.fileName)) void this.refreshFile(d.uri);
      }),
    );
  }

  async discover(): Promise<void> {
    const files = await vscode.workspace.findFiles(SCENARIO_GLOB, EXCLUDE_GLOB, 500);
    const seen = new Set(files.map((f) => f.toString()));
    this.controller.items.forEach((item) => {
      if (!seen.has(item.id)) this.controller.items.delete(item.id);
    });
    await Promise.all(files.map((f) => this.refreshFile(f)));
  }

  async refreshFile(uri: vscode.Uri): Promise<vscode.TestItem | undefined> {
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      this.controller.items.delete(uri.toString());
      return undefined;
    }
    const analysis = analyzeScenario(text, { fileName: uri.scheme === 'file' ? uri.fsPath : undefined });
    const label = analysis.plan?.name ?? vscode.workspace.asRelativePath(uri);
    let item = this.controller.items.get(uri.toString());
    if (!item) {
      item = this.controller.createTestItem(uri.toString(), label, uri);
      this.controller.items.add(item);
    }
    item.label = label;
    item.description = vscode.workspace.asRelativePath(uri);
    item.range = new vscode.Range(0, 0, 0, 0);
    const errors = analysis.problems.filter((p) => p.severity === 'error');
    item.error = analysis.plan ? undefined : `${errors.length} problem${errors.length === 1 ? '' : 's'} in the scenario: ${errors[0]?.message ?? 'it does not validate'}`;
    const children = (analysis.plan?.thresholds ?? []).map((t) => {
      const child = this.controller.createTestItem(thresholdItemId(uri, t.id), t.source, uri);
      if (t.range) child.range = new vscode.Range(t.range.line - 1, t.range.column - 1, t.range.endLine - 1, t.range.endColumn - 1);
      return child;
    });
    item.children.replace(children);
    return item;
  }

  private async execute(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    // Scenario items to run: a threshold item runs its scenario (its siblings are judged by the
    // same run, so they are reported too).
    const scenarios = new Map<string, vscode.TestItem>();
    const requested = request.include ?? (() => {
      const all: vscode.TestItem[] = [];
      this.controller.items.forEach((i) => all.push(i));
      return all;
    })();
    for (const item of requested) {
      const scenario = item.parent ?? item;
      scenarios.set(scenario.id, scenario);
    }
    for (const excluded of request.exclude ?? []) scenarios.delete(excluded.id);

    const run = this.controller.createTestRun(request, 'Stampede', true);
    try {
      for (const scenario of scenarios.values()) {
        if (token.isCancellationRequested) break;
        await this.runOne(run, scenario, token);
      }
    } finally {
      run.end();
    }
  }

  private async runOne(run: vscode.TestRun, scenario: vscode.TestItem, token: vscode.CancellationToken): Promise<void> {
    if (!scenario.uri) return;
    const fresh = (await this.refreshFile(scenario.uri)) ?? scenario;
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(scenario.uri));
    const plan = analyzeScenario(text, { fileName: scenario.uri.fsPath }).plan;
    const children: vscode.TestItem[] = [];
    fresh.children.forEach((c) => children.push(c));
    if (!plan) {
      run.errored(fresh, new vscode.TestMessage(fresh.error ? String(fresh.error) : 'the scenario does not validate'));
      return;
    }
    run.started(fresh);
    for (const c of children) run.started(c);
    const stopOnCancel = token.onCancellationRequested(() => void vscode.commands.executeCommand('stampede.stopRun'));
    const began = Date.now();
    let summary: RunSummary | undefined;
    this.running.add(scenario.uri.toString());
    try {
      summary = await this.runScenario(scenario.uri);
    } finally {
      this.running.delete(scenario.uri.toString());
      stopOnCancel.dispose();
    }
    const duration = Date.now() - began;
    if (!summary) {
      for (const c of children) run.skipped(c);
      run.skipped(fresh);
      return;
    }
    this.report(run, fresh, plan, summary, duration);
  }

  /** Records a run started outside Test Explorer (CodeLens, palette, history) in its results. */
  async recordRun(finished: FinishedRun): Promise<void> {
    if (this.running.has(finished.uri.toString())) return;
    const item = await this.refreshFile(finished.uri);
    if (!item?.uri) return;
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(item.uri));
    const plan = analyzeScenario(text, { fileName: item.uri.fsPath }).plan;
    if (!plan) return;
    const run = this.controller.createTestRun(new vscode.TestRunRequest([item]), `${finished.summary.scenario} (run from the editor)`, false);
    try {
      run.started(item);
      item.children.forEach((c) => run.started(c));
      this.report(run, item, plan, finished.summary, finished.durationMs);
    } finally {
      run.end();
    }
  }

  /** Marks the scenario and each threshold of one finished run. */
  private report(run: vscode.TestRun, scenario: vscode.TestItem, plan: ResolvedPlan, summary: RunSummary, duration: number): void {
    if (!scenario.uri) return;
    run.appendOutput(`${summary.scenario}: ${verdictLine(summary)}\r\n`, undefined, scenario);
    let anyFailed = false;
    for (const t of plan.thresholds) {
      const child = scenario.children.get(thresholdItemId(scenario.uri, t.id));
      if (!child) continue;
      const outcome = thresholdOutcome(t, summary.thresholds.find((s) => s.id === t.id), plan.load.model);
      if (outcome.passed === true) run.passed(child, duration);
      else if (outcome.passed === false) {
        anyFailed = true;
        const message = vscode.TestMessage.diff(outcome.message, outcome.expected, outcome.actual);
        if (child.uri && child.range) message.location = new vscode.Location(child.uri, child.range);
        run.failed(child, message, duration);
      } else {
        run.skipped(child);
        run.appendOutput(`${outcome.message}\r\n`, undefined, child);
      }
    }
    const word = statusWord(summary);
    if (word === 'ERROR') {
      run.errored(scenario, new vscode.TestMessage(`the run could not go on: ${summary.endMessage ?? verdictLine(summary)}`), duration);
    } else if (word === 'STOPPED' || word === 'ABORTED' || word === 'INCONCLUSIVE') {
      // Not a verdict on the system: the run did not go as planned (or, INCONCLUSIVE, the load
      // tester could not deliver the planned load).
      run.errored(scenario, new vscode.TestMessage(verdictLine(summary)), duration);
    } else if (anyFailed || !summary.verdict.pass) {
      run.failed(scenario, new vscode.TestMessage(verdictLine(summary)), duration);
    } else {
      run.passed(scenario, duration);
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
