// One analysis per document version, shared by diagnostics, CodeLens and runs, so a keystroke
// costs one parse however many features look at the file.
import * as vscode from 'vscode';
import { analyzeScenario, type ScenarioAnalysis } from '../core/analyze-scenario';
import type { RunEstimate } from '../core/run-estimate';
import { estimateScenario } from './scenario-estimate';

export const LANGUAGE_ID = 'stampede';

export function isScenarioDocument(document: vscode.TextDocument): boolean {
  return document.languageId === LANGUAGE_ID || /\.stampede\.ya?ml$/i.test(document.fileName);
}

export class ScenarioAnalyses implements vscode.Disposable {
  private readonly cache = new Map<string, { version: number; analysis: ScenarioAnalysis; estimate?: RunEstimate | null }>();
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

  /** The run estimate of the document's plan (null without one), once per version: prompt
   * files are read and counted with the providers' tokenizers. */
  estimate(document: vscode.TextDocument): RunEstimate | null {
    const plan = this.get(document).plan;
    const cached = this.cache.get(document.uri.toString())!;
    if (cached.estimate === undefined) {
      cached.estimate = plan ? estimateScenario(plan, document.uri.scheme === 'file' ? document.uri.fsPath : undefined) : null;
    }
    return cached.estimate;
  }

  dispose(): void {
    this.closeListener.dispose();
    this.cache.clear();
  }
}
