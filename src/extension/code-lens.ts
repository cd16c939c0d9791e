// The CodeLens line above each scenario: run it, run it against the mock (when it targets real
// providers), and the dry-run estimate of requests and cost (a replay's from its trace).
import * as vscode from 'vscode';
import type { ResolvedPlan } from '../core/plan';
import { formatEstimate } from '../core/run-estimate';
import { targetsRealProviders } from './mock-plan';
import { scenarioFolder, type ScenarioAnalyses } from './scenario-analysis';

const ESTIMATE_TOOLTIP = 'Estimated from the load shape and prices, without sending anything: the open model counts expected arrivals; the closed model assumes ~50 tokens/s per request; cost assumes every request uses its full maxTokens and no cached input.';
const REPLAY_TOOLTIP = "Estimated from the trace, without sending anything: each recorded request with its own prompt and output tokens at its route's prices, times load.rate and loops; cost assumes no cached input.";
/** A trace's error in a lens title is cut here; the tooltip has all of it. */
const MAX_TITLE = 90;

export const CODE_LENS_SETTING = 'stampede.codeLens.enabled';

export class ScenarioCodeLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly listeners: vscode.Disposable[];

  constructor(private readonly analyses: ScenarioAnalyses) {
    this.listeners = [
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(CODE_LENS_SETTING)) this.changed.fire();
      }),
    ];
  }

  refresh(): void {
    this.changed.fire();
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!vscode.workspace.getConfiguration('stampede', document.uri).get<boolean>('codeLens.enabled', true)) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    const { plan, problems } = this.analyses.get(document);
    const lenses = [new vscode.CodeLens(top, { title: '▶ Run scenario', command: 'stampede.runScenario', arguments: [document.uri], tooltip: 'Run this scenario and show its verdict' })];
    if (!plan) {
      const errors = problems.filter((p) => p.severity === 'error').length;
      lenses.push(new vscode.CodeLens(top, { title: `${errors} problem${errors === 1 ? '' : 's'} to fix before a run`, command: 'workbench.actions.view.problems', tooltip: 'Show the Problems panel' }));
      return lenses;
    }
    if (targetsRealProviders(plan)) {
      lenses.push(new vscode.CodeLens(top, { title: 'Run against mock', command: 'stampede.runScenarioAgainstMock', arguments: [document.uri], tooltip: 'Run the same load shape against the embedded mock provider: no traffic to real providers, no cost' }));
    }
    lenses.push(new vscode.CodeLens(top, await this.estimate(plan, document)));
    return lenses;
  }

  private async estimate(plan: ResolvedPlan, document: vscode.TextDocument): Promise<vscode.Command> {
    try {
      const { estimate } = await this.analyses.estimates.estimate(plan, scenarioFolder(document));
      return { title: formatEstimate(estimate), command: '', tooltip: plan.load.replay ? REPLAY_TOOLTIP : ESTIMATE_TOOLTIP };
    } catch (error) {
      // A trace that cannot be read: said here, before a run would say it.
      const message = error instanceof Error ? error.message : String(error);
      return { title: `⚠ ${message.length > MAX_TITLE ? `${message.slice(0, MAX_TITLE - 1)}…` : message}`, command: '', tooltip: message };
    }
  }

  dispose(): void {
    this.changed.dispose();
    for (const l of this.listeners) l.dispose();
  }
}
