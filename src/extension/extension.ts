// Entry point of the extension: wires language features, CodeLens, commands, runs, the mock
// provider and the live panel. Holds no logic of its own; everything registered here is
// disposed with the extension (timers, the worker of a run, the mock server).
import { formatActivationTimes } from './activation-clock';
import * as vscode from 'vscode';
import { ScenarioAnalyses, LANGUAGE_ID, isScenarioDocument, scenarioFolder } from './scenario-analysis';
import { ScenarioDiagnostics } from './diagnostics';
import { ScenarioQuickFixes } from './quick-fixes';
import { ScenarioCompletions, ScenarioHovers } from './language-features';
import { ScenarioCodeLenses } from './code-lens';
import { ScenarioSecrets } from './secrets';
import { MockController } from './mock-controller';
import { RunController } from './run-controller';
import { newScenario } from './new-scenario';
import { NEW_SCENARIO_FROM_TRACE_COMMAND, newScenarioFromTrace } from './new-scenario-from-trace';
import { showReport } from './report-view';
import { formatEstimate } from '../core/run-estimate';
import { LivePanel, SHOW_PANEL_COMMAND } from './panel/live-panel';
import { RunStatusBar } from './run-status-bar';
import { newestStoredRun, RunHistoryView } from './run-history-view';
import { ScenarioTests } from './test-explorer';
import { ScenarioTasks, TASK_TYPE } from './scenario-tasks';

let runs: RunController | undefined;
const bundleEvaluatedAt = performance.now();

export function activate(context: vscode.ExtensionContext): void {
  const activateStartedAt = performance.now();
  const log = vscode.window.createOutputChannel('Stampede', { log: true });
  const analyses = new ScenarioAnalyses();
  const diagnostics = new ScenarioDiagnostics(analyses);
  const codeLenses = new ScenarioCodeLenses(analyses);
  const secrets = new ScenarioSecrets(context.secrets);
  const mock = new MockController(log);
  runs = new RunController(context, log, analyses, diagnostics, secrets);
  const controller = runs;
  const selector: vscode.DocumentSelector = [{ language: LANGUAGE_ID }];

  context.subscriptions.push(
    log,
    analyses,
    diagnostics,
    codeLenses,
    mock,
    controller,
    vscode.languages.registerCodeLensProvider(selector, codeLenses),
    vscode.languages.registerCompletionItemProvider(selector, new ScenarioCompletions(), ...ScenarioCompletions.triggerCharacters),
    vscode.languages.registerHoverProvider(selector, new ScenarioHovers()),
    vscode.languages.registerCodeActionsProvider(selector, new ScenarioQuickFixes(), { providedCodeActionKinds: ScenarioQuickFixes.kinds }),
    vscode.commands.registerCommand('stampede.runScenario', (uri?: vscode.Uri) => controller.run(uri instanceof vscode.Uri ? uri : undefined, { againstMock: false })),
    vscode.commands.registerCommand('stampede.runScenarioAgainstMock', (uri?: vscode.Uri) => controller.run(uri instanceof vscode.Uri ? uri : undefined, { againstMock: true })),
    vscode.commands.registerCommand('stampede.stopRun', () => controller.stop()),
    vscode.commands.registerCommand('stampede.validateScenario', (uri?: vscode.Uri) => validate(uri instanceof vscode.Uri ? uri : undefined, analyses, diagnostics)),
    vscode.commands.registerCommand('stampede.newScenario', () => newScenario()),
    vscode.commands.registerCommand(NEW_SCENARIO_FROM_TRACE_COMMAND, () => newScenarioFromTrace()),
    vscode.commands.registerCommand('stampede.startMock', () => mock.start()),
    vscode.commands.registerCommand('stampede.stopMock', () => mock.stop()),
    vscode.commands.registerCommand('stampede.setSecret', (name?: string) => secrets.setInteractively(typeof name === 'string' ? name : undefined)),
    vscode.commands.registerCommand('stampede.showLastReport', async (path?: string) => {
      const report = typeof path === 'string' ? path : controller.lastReport();
      if (!report) {
        void vscode.window.showInformationMessage('Stampede: no report yet — run a scenario first.');
        return;
      }
      await showReport(report);
    }),
  );

  const panel = LivePanel.register(
    context,
    { stop: () => controller.stop(), setMultiplier: (value) => controller.setMultiplier(value) },
    { lastStoredRun: () => newestStoredRun() },
  );
  controller.addSink(panel);
  const statusBar = new RunStatusBar(SHOW_PANEL_COMMAND);
  controller.addSink(statusBar);
  const history = new RunHistoryView({
    rerun: (uri) => controller.run(uri, { againstMock: false }),
    compare: (message) => panel.compare(message),
    showReport: (path) => showReport(path),
  });
  const tests = new ScenarioTests((uri) => controller.run(uri, { againstMock: false }));
  context.subscriptions.push(
    statusBar,
    history,
    ...history.register(),
    tests,
    controller.onDidFinishRun((finished) => void tests.recordRun(finished)),
    vscode.tasks.registerTaskProvider(TASK_TYPE, new ScenarioTasks(controller)),
  );
  // Diagnostics of the scenarios already open were published above, so the language features are ready.
  log.info(formatActivationTimes(bundleEvaluatedAt, activateStartedAt, performance.now()));
}

async function validate(uri: vscode.Uri | undefined, analyses: ScenarioAnalyses, diagnostics: ScenarioDiagnostics): Promise<void> {
  const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
  if (!document || !isScenarioDocument(document)) {
    void vscode.window.showInformationMessage('Stampede: open a scenario file (*.stampede.yaml) to validate it.');
    return;
  }
  const problems = diagnostics.refresh(document);
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const { plan } = analyses.get(document);
  if (plan) {
    const note = warnings ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : '';
    try {
      // A replay's shape and estimate come from its trace.
      const shaped = await analyses.estimates.estimate(plan, scenarioFolder(document));
      const load = shaped.plan.load;
      void vscode.window.showInformationMessage(`Stampede: ✔ ${plan.name} is valid${note} — ${load.segments.length} segment(s), ${Math.round(load.durationMs / 1000)} s, ${formatEstimate(shaped.estimate)}.`);
    } catch (error) {
      void vscode.window.showErrorMessage(`Stampede: ${plan.name} is valid${note}, but ${(error as Error).message}`);
    }
  } else {
    void vscode.window.showErrorMessage(`Stampede: ${errors} error${errors === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''} in ${vscode.workspace.asRelativePath(document.uri)}.`);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
  }
}

export function deactivate(): void {
  runs?.dispose();
  runs = undefined;
}
