// The `stampede` task type. A tasks.json entry such as
//   { "type": "stampede", "command": "validate", "file": "load/launch.stampede.yaml", "problemMatcher": "$stampede" }
// runs in a terminal of its own: it prints each problem as a `file:line:col: severity: message`
// line, which the $stampede problem matcher turns into entries of the Problems view, and ends with
// the CLI's exit codes (a `run` task fails when a threshold fails). Runs go through the run
// controller, so they ask before spending money and write results like any other run.
import * as vscode from 'vscode';
import { isAbsolute, join, relative } from 'node:path';
import { analyzeScenario } from '../core/analyze-scenario';
import { EXIT_INVALID, exitCodeFor } from '../core/exit-codes';
import type { ResolvedPlan } from '../core/plan';
import { formatProblemLine } from '../core/problem';
import type { RunEvent, RunSummary } from '../protocol/run-events';
import { formatLiveLine, formatLogLine, newLiveState, updateLiveState, type LiveState } from '../report/text-progress';
import { colorPalette } from '../report/text-style';
import { formatVerdict } from '../report/text-verdict';
import type { RunController } from './run-controller';

export const TASK_TYPE = 'stampede';
export const PROBLEM_MATCHER = '$stampede';
/** How long a task waits for the problem matcher to report its lines before it ends anyway (a
 * tasks.json entry without "problemMatcher" reports nothing). */
const MATCHER_WAIT_MS = 3000;

interface StampedeTaskDefinition extends vscode.TaskDefinition {
  command: 'validate' | 'run';
  file: string;
  againstMock?: boolean;
}

function isDefinition(value: vscode.TaskDefinition): value is StampedeTaskDefinition {
  return (value.command === 'validate' || value.command === 'run') && typeof value.file === 'string';
}

export class ScenarioTasks implements vscode.TaskProvider {
  constructor(private readonly runs: RunController) {}

  /** A validate and a run task for each scenario of the workspace, for Run Task. */
  async provideTasks(): Promise<vscode.Task[]> {
    const files = await vscode.workspace.findFiles('**/*.stampede.{yaml,yml}', '**/node_modules/**', 100);
    const tasks: vscode.Task[] = [];
    for (const uri of files) {
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      if (!folder) continue;
      const file = relative(folder.uri.fsPath, uri.fsPath).split('\\').join('/');
      for (const command of ['validate', 'run'] as const) tasks.push(this.task({ type: TASK_TYPE, command, file }, folder));
    }
    return tasks;
  }

  /** A tasks.json entry of type `stampede`. */
  resolveTask(task: vscode.Task): vscode.Task | undefined {
    if (!isDefinition(task.definition)) return undefined;
    const folder = typeof task.scope === 'object' ? task.scope : vscode.workspace.workspaceFolders?.[0];
    return folder ? this.task(task.definition, folder) : undefined;
  }

  private task(definition: StampedeTaskDefinition, folder: vscode.WorkspaceFolder): vscode.Task {
    const name = `${definition.command}${definition.againstMock ? ' against mock' : ''} ${definition.file}`;
    const task = new vscode.Task(
      definition,
      folder,
      name,
      TASK_TYPE,
      new vscode.CustomExecution(async () => new ScenarioTaskTerminal(definition, folder, this.runs)),
      [PROBLEM_MATCHER],
    );
    if (definition.command === 'validate') task.group = vscode.TaskGroup.Test;
    return task;
  }
}

/** The terminal a task runs in: no shell, the work happens here and is written to it. */
class ScenarioTaskTerminal implements vscode.Pseudoterminal {
  private readonly written = new vscode.EventEmitter<string>();
  private readonly closed = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.written.event;
  readonly onDidClose = this.closed.event;
  private running = false;
  private finished = false;
  /** The last run's secret scrubber, for its verdict. */
  private scrub: (text: string) => string = (text) => text;

  constructor(
    private readonly definition: StampedeTaskDefinition,
    private readonly folder: vscode.WorkspaceFolder,
    private readonly runs: RunController,
  ) {}

  open(): void {
    void this.perform().then(
      (code) => this.finish(code),
      (error: unknown) => {
        this.line(`stampede: internal error: ${error instanceof Error ? error.message : String(error)}`);
        this.finish(70);
      },
    );
  }

  /** The terminal was closed or the task terminated: a run in progress stops. */
  close(): void {
    if (this.running) this.runs.stop();
    this.finish(130);
  }

  private finish(code: number): void {
    if (this.finished) return;
    this.finished = true;
    this.closed.fire(code);
    this.written.dispose();
    this.closed.dispose();
  }

  private line(text: string): void {
    if (!this.finished) this.written.fire(`${text.replace(/\r?\n/g, '\r\n')}\r\n`);
  }

  private async perform(): Promise<number> {
    const { file, command } = this.definition;
    const uri = vscode.Uri.file(isAbsolute(file) ? file : join(this.folder.uri.fsPath, file));
    // The saved file, as the CLI reads it (VS Code saves before running a task by default).
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch (error) {
      this.line(`${file}:1:1: error: cannot read the scenario: ${error instanceof Error ? error.message : String(error)}`);
      return EXIT_INVALID;
    }
    const { problems, plan } = analyzeScenario(text.replace(/^\uFEFF/, ''), { fileName: uri.fsPath });
    const reported = problems.length ? this.problemsReported(uri) : Promise.resolve();
    for (const problem of problems) this.line(formatProblemLine(file, problem));
    const errors = problems.filter((p) => p.severity === 'error').length;
    this.line(`${file}: ${errors} error${errors === 1 ? '' : 's'}, ${problems.length - errors} warning${problems.length - errors === 1 ? '' : 's'}`);
    // VS Code may end a task before its problem matcher has read the last lines written
    // (microsoft/vscode#92868): wait until the problems are in (or a few seconds went by).
    await reported;
    if (errors > 0 || !plan) return EXIT_INVALID;
    if (command === 'validate') return 0;
    return this.runScenario(uri, plan);
  }

  /** Resolves once the file has more diagnostics than now (the problem matcher's), or after
   * MATCHER_WAIT_MS. */
  private problemsReported(uri: vscode.Uri): Promise<void> {
    const before = vscode.languages.getDiagnostics(uri).length;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        listener.dispose();
        resolve();
      };
      const timer = setTimeout(done, MATCHER_WAIT_MS);
      const listener = vscode.languages.onDidChangeDiagnostics((event) => {
        if (event.uris.some((u) => u.toString() === uri.toString()) && vscode.languages.getDiagnostics(uri).length > before) done();
      });
    });
  }

  private async runScenario(uri: vscode.Uri, plan: ResolvedPlan): Promise<number> {
    const live: LiveState = { ...newLiveState(), loadModel: plan.load.model };
    const sink = this.runs.addSink({
      onRunEvent: (event: RunEvent, scrub: (text: string) => string) => {
        updateLiveState(live, event);
        if (event.type === 'tick') this.line(scrub(formatLiveLine(live, colorPalette)));
        else if (event.type === 'log') this.line(scrub(formatLogLine(event.entry, colorPalette)));
        else if (event.type === 'done') this.scrub = scrub;
      },
    });
    this.running = true;
    let summary: RunSummary | undefined;
    try {
      summary = await this.runs.run(uri, { againstMock: this.definition.againstMock === true });
    } finally {
      this.running = false;
      sink.dispose();
    }
    if (!summary) {
      this.line('The run did not start (see the notification).');
      return EXIT_INVALID;
    }
    this.line('');
    for (const text of formatVerdict(summary, { palette: colorPalette, thresholds: plan.thresholds, loadModel: plan.load.model })) this.line(this.scrub(text));
    return exitCodeFor(summary, null);
  }
}
