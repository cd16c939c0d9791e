// Test Explorer: each scenario file in the workspace is a test item, its thresholds are the
// children. Running an item runs the whole scenario through the run controller (the thresholds
// of one run are judged together) and marks each threshold passed or failed with its value.
import * as vscode from 'vscode';
import { analyzeScenario } from '../core/analyze-scenario';
import type { RunSummary } from '../protocol/run-events';
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
    try {
      summary = await this.runScenario(scenario.uri);
    } finally {
      stopOnCancel.dispose();
    }
    const duration = Date.now() - began;
    if (!summary) {
      for (const c of children) run.skipped(c);
      run.skipped(fresh);
      return;
    }
    run.appendOutput(`${summary.scenario}: ${summary.verdict.headline}\r\n`, undefined, fresh);
    let anyFailed = false;
    for (const t of plan.thresholds) {
      const child = fresh.children.get(thresholdItemId(scenario.uri, t.id));
      if (!child) continue;
      const outcome = thresholdOutcome(t, summary.thresholds.find((s) => s.id === t.id));
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
    if (summary.endReason === 'error') {
      run.errored(fresh, new vscode.TestMessage(`the run could not go on: ${summary.endMessage ?? summary.verdict.headline}`), duration);
    } else if (anyFailed || !summary.verdict.pass) {
      run.failed(fresh, new vscode.TestMessage(summary.verdict.headline), duration);
    } else {
      run.passed(fresh, duration);
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
