// Completion and hover for scenario files: thin adapters over src/core, which computes both
// from the JSON schema.
import * as vscode from 'vscode';
import { completeAt, type CompletionKind } from '../core/schema-completion';
import { hoverAt } from '../core/schema-hover';

const KINDS: Record<CompletionKind, vscode.CompletionItemKind> = {
  property: vscode.CompletionItemKind.Property,
  value: vscode.CompletionItemKind.Value,
  enum: vscode.CompletionItemKind.EnumMember,
  snippet: vscode.CompletionItemKind.Snippet,
  metric: vscode.CompletionItemKind.Field,
  operator: vscode.CompletionItemKind.Operator,
  unit: vscode.CompletionItemKind.Unit,
  reference: vscode.CompletionItemKind.Reference,
};

/** `- ttft.p95 ` or `- ttft.p95 < ` (also after `expr:`): the next part of a threshold. */
const THRESHOLD_PART = /^\s*-\s+(?:expr:\s*)?["']?[A-Za-z][\w.]*(?:\s+[<>=!]{1,2})?\s$/;

export class ScenarioCompletions implements vscode.CompletionItemProvider {
  static readonly triggerCharacters = [' ', ':', '-', '.', '{', ','];

  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position, _token: vscode.CancellationToken, context: vscode.CompletionContext): vscode.CompletionItem[] {
    if (context.triggerKind === vscode.CompletionTriggerKind.TriggerCharacter && context.triggerCharacter === ' ') {
      // A space opens suggestions only where a value or a threshold's next part starts, not in
      // the middle of free text such as a description.
      const before = document.lineAt(position.line).text.slice(0, position.character);
      if (!/[:-]\s$/.test(before) && !THRESHOLD_PART.test(before)) return [];
    }
    const text = document.getText();
    const offset = document.offsetAt(position);
    return completeAt(text, offset).map((entry, index) => {
      const item = new vscode.CompletionItem(entry.label, KINDS[entry.kind]);
      item.insertText = entry.snippet ? new vscode.SnippetString(entry.insertText) : entry.insertText;
      // src/core lays out every line of the insertion at its column: the editor must not indent
      // it again (after "- " that put a stage's fields at the dash's column).
      item.keepWhitespace = true;
      item.range = new vscode.Range(document.positionAt(entry.start), document.positionAt(Math.max(entry.start, entry.end)));
      if (entry.detail) item.detail = entry.detail;
      if (entry.documentation) item.documentation = new vscode.MarkdownString(entry.documentation);
      item.sortText = entry.sortText ?? String(index).padStart(4, '0');
      if (entry.filterText) item.filterText = entry.filterText;
      // After inserting a key, offer its values straight away.
      if (entry.kind === 'property' && /:\s$/.test(entry.insertText)) item.command = { command: 'editor.action.triggerSuggest', title: 'Suggest values' };
      return item;
    });
  }
}

export class ScenarioHovers implements vscode.HoverProvider {
  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const hover = hoverAt(document.getText(), document.offsetAt(position));
    if (!hover) return undefined;
    return new vscode.Hover(new vscode.MarkdownString(hover.markdown), new vscode.Range(document.positionAt(hover.start), document.positionAt(hover.end)));
  }
}
