// "Stampede: New Scenario from Trace…": pick a trace (request logs, an OTLP span export or a
// Mooncake trace), fit a scenario to it as `stampede fit` does, save it and open it for editing.
import * as vscode from 'vscode';
import { basename, dirname, join } from 'node:path';
import { parseColumnMapping, type TraceColumns } from '../core/trace-record';
import { fitTraceFile, type FittedTrace } from '../runner/trace-fit-file';
import { TraceFileError } from '../runner/trace-file';

export const NEW_SCENARIO_FROM_TRACE_COMMAND = 'stampede.newScenarioFromTrace';

async function fitWithProgress(path: string, columns: TraceColumns | undefined): Promise<FittedTrace> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Stampede: fitting a scenario to ${basename(path)}…` }, () => fitTraceFile({ name: path }, columns ? { columns } : {}));
}

export async function newScenarioFromTrace(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: 'Stampede: New Scenario from Trace',
    openLabel: 'Fit a scenario',
    canSelectMany: false,
    filters: { 'Traces (JSONL, CSV, OTLP JSON, Mooncake)': ['jsonl', 'ndjson', 'json', 'csv', 'log', 'txt'], 'All files': ['*'] },
  });
  const trace = picked?.[0];
  if (!trace) return undefined;
  let columns: TraceColumns | undefined;
  let fitted: FittedTrace | undefined;
  while (!fitted) {
    try {
      fitted = await fitWithProgress(trace.fsPath, columns);
    } catch (error) {
      if (!(error instanceof TraceFileError)) throw error;
      // A request log whose fields have unusual names: ask for the mapping and try again.
      if (!/no (time|promptTokens|outputTokens) column found|which the header does not have/.test(error.message)) {
        void vscode.window.showErrorMessage(`Stampede: ${error.message}`);
        return undefined;
      }
      const answer = await vscode.window.showInputBox({
        title: 'Stampede: which fields hold the time and the token counts?',
        prompt: error.message,
        placeHolder: 'time=ts,promptTokens=usage.in,outputTokens=usage.out,route=endpoint',
        validateInput: (value) => {
          const parsed = parseColumnMapping(value);
          return parsed.ok ? undefined : parsed.message;
        },
      });
      if (!answer) return undefined;
      const parsed = parseColumnMapping(answer);
      if (!parsed.ok) return undefined;
      columns = parsed.columns;
    }
  }
  const stem = basename(trace.fsPath).replace(/\.[^.]+$/, '').replace(/\.otlp$/, '');
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? dirname(trace.fsPath);
  const target = await vscode.window.showSaveDialog({
    title: 'Stampede: save the fitted scenario',
    defaultUri: vscode.Uri.file(join(folder, `${stem}.stampede.yaml`)),
    filters: { 'Stampede scenario': ['stampede.yaml', 'yaml'] },
  });
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(fitted.text));
  await vscode.window.showTextDocument(target);
  const { fit } = fitted;
  void vscode.window.showInformationMessage(
    `Stampede: fitted ${fit.requests.toLocaleString('en-US')} requests — ${fit.routes.length} mix entr${fit.routes.length === 1 ? 'y' : 'ies'}, ${fit.stages.length} stage${fit.stages.length === 1 ? '' : 's'}, ${fit.bursts.length} burst${fit.bursts.length === 1 ? '' : 's'}. Prompt text was not read.`,
  );
  return target;
}
