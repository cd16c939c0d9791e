// Problems for scenario files: on open at once, while typing after a short pause. Ranges come
// from core as 1-based line/column and become 0-based VS Code positions here.
import * as vscode from 'vscode';
import type { Problem } from '../core/problem';
import { isScenarioDocument, type ScenarioAnalyses } from './scenario-analysis';

export const DIAGNOSTIC_SOURCE = 'stampede';
const TYPING_DEBOUNCE_MS = 300;

export function problemRange(problem: Problem): vscode.Range {
  const r = problem.range;
  const start = new vscode.Position(Math.max(0, r.line - 1), Math.max(0, r.column - 1));
  const end = new vscode.Position(Math.max(0, r.endLine - 1), Math.max(0, r.endColumn - 1));
  return new vscode.Range(start, end.isBefore(start) ? start : end);
}

export function toDiagnostic(problem: Problem): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(
    problemRange(problem),
    problem.path ? `${problem.message} (${problem.path})` : problem.message,
    problem.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
  );
  diagnostic.source = DIAGNOSTIC_SOURCE;
  diagnostic.code = problem.code;
  return diagnostic;
}

export class ScenarioDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly analyses: ScenarioAnalyses) {
    this.disposables.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => this.refresh(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.cancel(d);
        this.collection.delete(d.uri);
      }),
    );
    for (const document of vscode.workspace.textDocuments) this.refresh(document);
  }

  /** Analyzes now and publishes; returns the problems (empty for other files). */
  refresh(document: vscode.TextDocument): Problem[] {
    this.cancel(document);
    if (!isScenarioDocument(document)) return [];
    const { problems } = this.analyses.get(document);
    this.collection.set(document.uri, problems.map(toDiagnostic));
    return problems;
  }

  private schedule(document: vscode.TextDocument): void {
    if (!isScenarioDocument(document)) return;
    this.cancel(document);
    const key = document.uri.toString();
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.refresh(document);
      }, TYPING_DEBOUNCE_MS),
    );
  }

  private cancel(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    const timer = this.timers.get(key);
    if (timer) clearTimeout(timer);
    this.timers.delete(key);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const d of this.disposables) d.dispose();
  }
}
