// The Run History view: past runs from the results folder of each workspace folder, newest
// first, with their verdicts; actions to open the report or results file, rerun, delete and
// compare two runs. A file watcher on the results folders keeps it current.
import * as vscode from 'vscode';
import { rm } from 'node:fs/promises';
import type { CompareMessage } from '../protocol/panel-messages';
import { comparedRun, listRuns, readResults, recordDescription, shortTime, storedRun, type RunRecord, type StoredRun } from './run-records';
import { DEFAULT_RESULTS_FOLDER, resultsRoot } from './results-location';

export const HISTORY_VIEW_ID = 'stampede.runHistory';

export interface HistoryActions {
  rerun(scenarioFile: vscode.Uri): Promise<unknown>;
  compare(message: CompareMessage): void;
  showReport(path: string): Promise<void>;
}

class RunItem extends vscode.TreeItem {
  constructor(readonly record: RunRecord) {
    super(record.scenario, vscode.TreeItemCollapsibleState.None);
    this.id = record.folder;
    this.description = recordDescription(record);
    this.contextValue = record.reportPath ? 'stampedeRun.withReport' : 'stampedeRun';
    this.iconPath = verdictIcon(record);
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**${escapeMd(record.scenario)}** — ${verdictWord(record)}\n\n`);
    if (record.headline) tooltip.appendText(record.headline);
    tooltip.appendMarkdown(`\n\n${escapeMd(record.runId)}`);
    this.tooltip = tooltip;
    this.command = record.reportPath
      ? { command: 'stampede.history.openReport', title: 'Open Report', arguments: [this] }
      : { command: 'stampede.history.openResults', title: 'Open Results', arguments: [this] };
  }
}

function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}

function verdictWord(r: RunRecord): string {
  return `${r.word ?? (r.status === 'running' ? 'running or cut short' : r.status)}${r.mock ? ' (against the mock provider)' : ''}`;
}

function verdictIcon(r: RunRecord): vscode.ThemeIcon {
  switch (r.word) {
    case null:
      return new vscode.ThemeIcon('circle-large-outline', new vscode.ThemeColor('disabledForeground'));
    case 'PASS':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'STOPPED':
      return new vscode.ThemeIcon('debug-stop', new vscode.ThemeColor('testing.iconSkipped'));
    case 'INCONCLUSIVE':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('testing.iconSkipped'));
    case 'ERROR':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconErrored'));
    default:
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
  }
}

/** The results root of each workspace folder (one folder when the setting is absolute). */
export function resultsRoots(): string[] {
  const setting = vscode.workspace.getConfiguration('stampede').get<string>('resultsFolder') ?? DEFAULT_RESULTS_FOLDER;
  const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => resultsRoot(setting, f.uri.fsPath));
  return [...new Set(roots)];
}

/** Every run of every results root, newest first. */
export function allRuns(): RunRecord[] {
  return resultsRoots()
    .flatMap((root) => listRuns(root))
    .sort((a, b) => b.time - a.time);
}

/** The newest run, for the panel to show after a window reload. */
export function newestStoredRun(): StoredRun | undefined {
  const newest = allRuns()[0];
  const doc = newest ? readResults(newest.jsonPath) : undefined;
  return doc ? storedRun(doc) : undefined;
}

export class RunHistoryView implements vscode.TreeDataProvider<RunItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private watchers: vscode.Disposable[] = [];
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly actions: HistoryActions) {
    this.watch();
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('stampede.resultsFolder')) return;
        this.watch();
        this.refresh();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.watch();
        this.refresh();
      }),
    );
  }

  register(): vscode.Disposable[] {
    const item = (x: unknown): RunItem | undefined => (x instanceof RunItem ? x : undefined);
    return [
      vscode.window.createTreeView(HISTORY_VIEW_ID, { treeDataProvider: this, showCollapseAll: false }),
      vscode.commands.registerCommand('stampede.history.refresh', () => this.refresh()),
      vscode.commands.registerCommand('stampede.history.openReport', (x: unknown) => this.openReport(item(x))),
      vscode.commands.registerCommand('stampede.history.openResults', (x: unknown) => this.openResults(item(x))),
      vscode.commands.registerCommand('stampede.history.rerun', (x: unknown) => this.rerun(item(x))),
      vscode.commands.registerCommand('stampede.history.delete', (x: unknown) => this.delete(item(x))),
      vscode.commands.registerCommand('stampede.history.compareWith', (x: unknown) => this.compareWith(item(x))),
    ];
  }

  refresh(): void {
    // Several files change per run folder per second while a run writes: one refresh for them.
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.changed.fire();
    }, 1000);
  }

  getTreeItem(element: RunItem): vscode.TreeItem {
    return element;
  }

  getChildren(element?: RunItem): RunItem[] {
    if (element) return [];
    return allRuns().map((r) => new RunItem(r));
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    for (const w of this.watchers) w.dispose();
    for (const d of this.disposables) d.dispose();
  }

  private watch(): void {
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
    for (const root of resultsRoots()) {
      // Run folders and their results.json/report.html: two levels below the root.
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), '**/*'));
      watcher.onDidCreate(() => this.refresh());
      watcher.onDidDelete(() => this.refresh());
      watcher.onDidChange(() => this.refresh());
      this.watchers.push(watcher);
    }
  }

  private async pick(item: RunItem | undefined, title: string): Promise<RunRecord | undefined> {
    if (item) return item.record;
    const runs = allRuns();
    if (runs.length === 0) {
      void vscode.window.showInformationMessage('Stampede: no past runs in the results folder (setting stampede.resultsFolder).');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      runs.map((r) => ({ label: r.scenario, description: recordDescription(r), detail: r.headline ?? r.status, record: r })),
      { title, ignoreFocusOut: true },
    );
    return picked?.record;
  }

  private async openReport(item: RunItem | undefined): Promise<void> {
    const r = await this.pick(item, 'Stampede: open the report of which run?');
    if (!r) return;
    if (!r.reportPath) {
      void vscode.window.showInformationMessage(`Stampede: ${r.runId} has no HTML report (the run did not finish); opening its results file.`);
      await this.openResults(item);
      return;
    }
    await this.actions.showReport(r.reportPath);
  }

  private async openResults(item: RunItem | undefined): Promise<void> {
    const r = await this.pick(item, 'Stampede: open the results file of which run?');
    if (r) await vscode.window.showTextDocument(vscode.Uri.file(r.jsonPath), { preview: true });
  }

  private async rerun(item: RunItem | undefined): Promise<void> {
    const r = await this.pick(item, 'Stampede: rerun which run?');
    if (!r) return;
    if (!r.scenarioFile) {
      void vscode.window.showWarningMessage(`Stampede: ${r.runId} does not record its scenario file; open the scenario and run it.`);
      return;
    }
    const folder = vscode.workspace.workspaceFolders?.[0];
    const uri = /^([a-zA-Z]:)?[\\/]/.test(r.scenarioFile) || !folder ? vscode.Uri.file(r.scenarioFile) : vscode.Uri.joinPath(folder.uri, r.scenarioFile);
    try {
      await vscode.workspace.fs.stat(uri);
    } catch {
      void vscode.window.showWarningMessage(`Stampede: the scenario file ${r.scenarioFile} of ${r.runId} no longer exists.`);
      return;
    }
    await this.actions.rerun(uri);
  }

  private async delete(item: RunItem | undefined): Promise<void> {
    const r = await this.pick(item, 'Stampede: delete which run?');
    if (!r) return;
    const choice = await vscode.window.showWarningMessage(
      `Delete the run ${r.runId}?`,
      { modal: true, detail: `Its folder ${r.folder} (results file and report) is deleted.` },
      'Delete',
    );
    if (choice !== 'Delete') return;
    try {
      await rm(r.folder, { recursive: true, force: true });
    } catch (error) {
      void vscode.window.showErrorMessage(`Stampede: could not delete ${r.folder}: ${(error as Error).message}`);
    }
    this.refresh();
  }

  private async compareWith(item: RunItem | undefined): Promise<void> {
    const current = await this.pick(item, 'Stampede: compare which run?');
    if (!current) return;
    const others = allRuns().filter((r) => r.folder !== current.folder);
    if (others.length === 0) {
      void vscode.window.showInformationMessage('Stampede: there is no other run to compare with.');
      return;
    }
    const picked = await vscode.window.showQuickPick(
      others.map((r) => ({ label: r.scenario, description: recordDescription(r), detail: r.headline ?? r.status, record: r })),
      { title: `Stampede: compare ${current.scenario} (${shortTime(current.startedAt)}) with… (the baseline)`, ignoreFocusOut: true },
    );
    if (!picked) return;
    const baselineDoc = readResults(picked.record.jsonPath);
    const currentDoc = readResults(current.jsonPath);
    if (!baselineDoc || !currentDoc) {
      void vscode.window.showErrorMessage(`Stampede: cannot read ${!baselineDoc ? picked.record.jsonPath : current.jsonPath} as a results file.`);
      return;
    }
    // The older run is the baseline: "what changed since" reads the same whichever was clicked.
    const [base, cur] = picked.record.time <= current.time ? [[picked.record, baselineDoc], [current, currentDoc]] as const : [[current, currentDoc], [picked.record, baselineDoc]] as const;
    this.actions.compare({ type: 'compare', baseline: comparedRun(base[0], base[1]), current: comparedRun(cur[0], cur[1]) });
  }
}
