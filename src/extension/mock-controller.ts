// "Start/Stop Mock Provider": the embedded mock on loopback, for trying a client or a scenario
// by hand; its URL sits in the status bar while it is up.
import * as vscode from 'vscode';
import type { MockProfileName } from '../core/plan';
import { startMockServer, type MockServer } from '../mock/mock-server';

const PROFILES: Array<{ label: MockProfileName; description: string }> = [
  { label: 'small-gpu', description: 'A modest GPU that saturates early' },
  { label: 'h100-8b', description: 'An H100 serving an 8B model' },
  { label: 'rate-limited-api', description: 'A hosted API with RPM/TPM limits (429s)' },
  { label: 'instant', description: 'No latency: for testing clients' },
];

export class MockController implements vscode.Disposable {
  private server: MockServer | undefined;
  private readonly status = vscode.window.createStatusBarItem('stampede.mock', vscode.StatusBarAlignment.Left, 10);

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.status.name = 'Stampede Mock Provider';
    this.status.command = 'stampede.stopMock';
  }

  get url(): string | undefined {
    return this.server?.url;
  }

  async start(): Promise<void> {
    if (this.server) {
      void vscode.window.showInformationMessage(`Stampede: the mock provider is already running at ${this.server.url}/v1.`);
      return;
    }
    const picked = await vscode.window.showQuickPick(PROFILES, { title: 'Stampede: mock provider profile', placeHolder: 'How should the mock behave?', ignoreFocusOut: true });
    if (!picked) return;
    const port = vscode.workspace.getConfiguration('stampede').get<number>('mock.port', 0);
    try {
      this.server = await startMockServer({ port, host: '127.0.0.1', profile: picked.label, seed: 1 });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      void vscode.window.showErrorMessage(`Stampede: could not start the mock provider: ${message} (setting stampede.mock.port)`);
      return;
    }
    const base = `${this.server.url}/v1`;
    this.status.text = `$(server-process) Mock ${base}`;
    this.status.tooltip = `Stampede mock provider (${picked.label}), OpenAI-compatible at ${base}. Click to stop.`;
    this.status.show();
    await vscode.commands.executeCommand('setContext', 'stampede.mockRunning', true);
    this.log.info(`mock provider (${picked.label}) listening at ${base}`);
    const action = await vscode.window.showInformationMessage(`Stampede: mock provider (${picked.label}) at ${base}`, 'Copy URL');
    if (action === 'Copy URL') await vscode.env.clipboard.writeText(base);
  }

  async stop(): Promise<void> {
    if (!this.server) {
      void vscode.window.showInformationMessage('Stampede: the mock provider is not running.');
      return;
    }
    const server = this.server;
    this.server = undefined;
    this.status.hide();
    await server.close();
    await vscode.commands.executeCommand('setContext', 'stampede.mockRunning', false);
    this.log.info('mock provider stopped');
  }

  dispose(): void {
    this.status.dispose();
    void this.server?.close();
    this.server = undefined;
  }
}
