// The live panel's VS Code side: creates or revives the WebviewPanel (strict CSP, no
// retainContextWhenHidden, resources only from dist/ and media/) and hands everything else to
// PanelSession, which owns the series and the message pacing.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { RunEvent } from '../../protocol/run-events';
import type { CompareMessage, HostMessage } from '../../protocol/panel-messages';
import type { StoredRun } from '../run-records';
import { panelHtml } from './panel-html';
import { intervalForRate, PanelSession } from './panel-session';

export const PANEL_VIEW_TYPE = 'stampede.livePanel';
export const SHOW_PANEL_COMMAND = 'stampede.showPanel';

export interface PanelControls {
  stop(): void;
  setMultiplier(value: number): void;
}

export interface PanelOptions {
  /** The newest run in the results folder, shown when the panel opens with nothing to show
   * (after a window reload the extension host, and the run in it, are new). */
  lastStoredRun?(): StoredRun | undefined;
}

export class LivePanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private readonly session: PanelSession;

  static register(context: vscode.ExtensionContext, controls: PanelControls, options: PanelOptions = {}): LivePanel {
    const live = new LivePanel(context.extensionUri, controls, options);
    context.subscriptions.push(
      live,
      vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => live.adopt(panel),
      }),
      vscode.commands.registerCommand(SHOW_PANEL_COMMAND, () => live.show()),
    );
    return live;
  }

  constructor(
    private readonly extensionUri: vscode.Uri,
    controls: PanelControls,
    private readonly options: PanelOptions = {},
  ) {
    const rate = () => intervalForRate(vscode.workspace.getConfiguration('stampede').get<number>('panel.refreshRate'));
    this.session = new PanelSession(controls, undefined, rate);
  }

  /** Shows two past runs side by side in the panel (opening it if needed). */
  compare(message: CompareMessage): void {
    this.restoreIfEmpty();
    this.session.showComparison(message);
    this.show(false);
    if (this.panel) this.panel.title = `Stampede: compare runs`;
  }

  show(preserveFocus = false): void {
    this.restoreIfEmpty();
    if (this.panel) {
      this.panel.reveal(undefined, preserveFocus);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      this.title(),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
      this.webviewOptions(),
    );
    this.adopt(panel);
  }

  /** Call for every RunEvent of the current run (start resets the series). */
  onRunEvent(event: RunEvent): void {
    this.session.onRunEvent(event);
    if (event.type === 'start' && this.panel) this.panel.title = this.title();
  }

  dispose(): void {
    this.session.dispose();
    this.panel?.dispose();
    this.releasePanel();
  }

  private restoreIfEmpty(): void {
    if (!this.session.series.empty || !this.options.lastStoredRun) return;
    let stored: StoredRun | undefined;
    try {
      stored = this.options.lastStoredRun();
    } catch {
      stored = undefined;
    }
    if (stored) this.session.series.load(stored.start, stored.points, stored.summary, stored.note);
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.restoreIfEmpty();
    this.panel?.dispose();
    this.releasePanel();
    this.panel = panel;
    panel.title = this.title();
    panel.webview.options = this.webviewOptions();
    panel.webview.html = this.html(panel.webview);
    this.session.attach({
      post: (message: HostMessage) => void panel.webview.postMessage(message),
    });
    this.panelDisposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        this.session.onWebviewMessage(raw);
        // "Back to the run" leaves the comparison: the tab is the run's again.
        if (!this.session.comparing) panel.title = this.title();
      }),
      panel.onDidChangeViewState((e) => {
        // Hidden without retainContextWhenHidden: the document is destroyed; it posts `ready`
        // again when shown and gets the whole run replayed.
        if (!e.webviewPanel.visible) this.session.markNotReady();
      }),
      panel.onDidDispose(() => {
        if (this.panel !== panel) return;
        this.session.detach();
        this.releasePanel();
      }),
    );
  }

  private releasePanel(): void {
    for (const d of this.panelDisposables) d.dispose();
    this.panelDisposables = [];
    this.panel = undefined;
  }

  private webviewOptions(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
  }

  private html(webview: vscode.Webview): string {
    return panelHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(18).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'panel.css')).toString(),
      title: this.title(),
    });
  }

  private title(): string {
    const scenario = this.session.series.scenario;
    return scenario ? `Stampede: ${scenario}` : 'Stampede';
  }
}
