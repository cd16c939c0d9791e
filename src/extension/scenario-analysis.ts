// One analysis per document version, shared by diagnostics, CodeLens and runs, so a keystroke
// costs one parse however many features look at the file; likewise one read of a replay's trace
// per file version for the estimates.
import * as vscode from 'vscode';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { analyzeScenario, type ScenarioAnalysis } from '../core/analyze-scenario';
import { PlanEstimator } from '../runner/plan-estimate';

export const LANGUAGE_ID = 'stampede';

export function isScenarioDocument(document: vscode.TextDocument): boolean {
  return document.languageId === LANGUAGE_ID || /\.stampede\.ya?ml$/i.test(document.fileName);
}

/** The folder a scenario's relative paths (prompt files, data, traces) start from: its own, or
 * the workspace's for an unsaved one. */
export function scenarioFolder(document: vscode.TextDocument): string {
  if (document.uri.scheme === 'file') return dirname(document.uri.fsPath);
  return (vscode.workspace.getWorkspaceFolder(document.uri) ?? vscode.workspace.workspaceFolders?.[0])?.uri.fsPath ?? tmpdir();
}

export class ScenarioAnalyses implements vscode.Disposable {
  /** Estimates of requests and cost (a replay's from its trace). */
  readonly estimates = new PlanEstimator();
  private readonly cache = new Map<string, { version: number; analysis: ScenarioAnalysis }>();
  private readonly closeListener = vscode.workspace.onDidCloseTextDocument((d) => this.cache.delete(d.uri.toString()));

  get(document: vscode.TextDocument): ScenarioAnalysis {
    const key = document.uri.toString();
    const cached = this.cache.get(key);
    if (cached && cached.version === document.version) return cached.analysis;
    let analysis: ScenarioAnalysis;
    try {
      analysis = analyzeScenario(document.getText(), { fileName: document.uri.scheme === 'file' ? document.uri.fsPath : undefined });
    } catch (error) {
      // A bug in the analyzer must not take the editor's language features down with it.
      const message = error instanceof Error ? error.message : String(error);
      analysis = {
        plan: null,
        problems: [{ severity: 'error', code: 'internal', message: `Stampede could not analyze this file: ${message}`, path: '', range: { line: 1, column: 1, endLine: 1, endColumn: 1 } }],
      };
    }
    this.cache.set(key, { version: document.version, analysis });
    return analysis;
  }

  dispose(): void {
    this.closeListener.dispose();
    this.cache.clear();
  }
}
