// The live panel's entry point (bundled to dist/webview.js): validates every host message,
// applies it to the model and renders; asks for a replay of the run as soon as it loads.
import type { WebviewMessage } from '../src/protocol/panel-messages';
import { parseHostMessage } from './host-message-parse';
import { PanelModel } from './panel-model';
import { PanelView, type UiState } from './panel-view';
import { CompareView } from './compare-view';
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
const app = document.getElementById('app') ?? document.body;
const root = document.createElement('div');
root.className = 'live';
app.replaceChildren(root);
const view = new PanelView(root, model, { post: (m) => vscode.postMessage(m), saveUiState: (s) => vscode.setState(s) }, savedUiState(vscode.getState()));
const showLive = () => {
  compare.hide();
  root.hidden = false;
};
const compare = new CompareView(app, readPalette(), (m) => vscode.postMessage(m), showLive);

window.addEventListener('message', (event: MessageEvent) => {
  const message = parseHostMessage(event.data);
  if (!message) return;
  if (message.type === 'compare') {
    root.hidden = true;
    compare.show(message);
    return;
  }
  // A new run takes the page back to the live view.
  if (message.type === 'update' && message.start) showLive();
  view.render(model.apply(message));
});
observeTheme(() => {
  const palette = readPalette();
  view.board.setPalette(palette);
  compare.setPalette(palette);
});
view.render({ reset: true, appended: 0, ended: false, flips: [] });
vscode.postMessage({ type: 'ready' });
