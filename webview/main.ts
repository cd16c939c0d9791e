// The live panel's entry point (bundled to dist/webview.js): validates every host message,
// applies it to the model and renders; asks for a replay of the run as soon as it loads.
import type { WebviewMessage } from '../src/protocol/panel-messages';
import { parseHostMessage } from './host-message-parse';
import { PanelModel } from './panel-model';
import { PanelView, type UiState } from './panel-view';
import { observeTheme, readPalette } from './theme';
import { registerToolkit } from './toolkit';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

function savedUiState(raw: unknown): UiState | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { markerT, runId } = raw as { markerT?: unknown; runId?: unknown };
  return {
    markerT: typeof markerT === 'number' && Number.isFinite(markerT) ? markerT : null,
    runId: typeof runId === 'string' ? runId : null,
  };
}

const vscode = acquireVsCodeApi();
registerToolkit();
const model = new PanelModel();
const root = document.getElementById('app') ?? document.body;
const view = new PanelView(root, model, { post: (m) => vscode.postMessage(m), saveUiState: (s) => vscode.setState(s) }, savedUiState(vscode.getState()));

window.addEventListener('message', (event: MessageEvent) => {
  const message = parseHostMessage(event.data);
  if (!message) return;
  view.render(model.apply(message));
});
observeTheme(() => view.board.setPalette(readPalette()));
view.render({ reset: true, appended: 0, ended: false, flips: [] });
vscode.postMessage({ type: 'ready' });
