// Shows a run's HTML report inside the editor. The report is one self-contained file (inline
// SVG and CSS, no scripts), so a webview with scripts disabled and a CSP that allows only
// inline styles and data: images shows it exactly.
import * as vscode from 'vscode';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

const CSP = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:;">`;

export function withReportCsp(html: string): string {
  return /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (head) => `${head}${CSP}`) : `${CSP}${html}`;
}

export async function showReport(path: string): Promise<void> {
  let html: string;
  try {
    html = await readFile(path, 'utf8');
  } catch (error) {
    void vscode.window.showErrorMessage(`Stampede: cannot read the report ${path}: ${(error as Error).message}`);
    return;
  }
  const panel = vscode.window.createWebviewPanel('stampede.report', `Report: ${basename(dirname(path))}`, vscode.ViewColumn.Active, {
    enableScripts: false,
    localResourceRoots: [],
  });
  panel.webview.html = withReportCsp(html);
  // Ticks the walkthrough's "Read the verdict" step, however the report was opened.
  await vscode.commands.executeCommand('setContext', 'stampede.hasOpenedReport', true);
}
