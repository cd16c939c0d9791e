// `${secret:NAME}` values live in VS Code's SecretStorage (the OS keychain on desktop). A run
// that needs a missing one asks once and stores the answer.
import * as vscode from 'vscode';

const KEY_PREFIX = 'stampede.secret.';
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class ScenarioSecrets {
  constructor(private readonly storage: vscode.SecretStorage) {}

  get(name: string): Thenable<string | undefined> {
    return this.storage.get(KEY_PREFIX + name);
  }

  /** Stores a value; the walkthrough's "Point it at your endpoint" step ticks on the first. */
  private async store(name: string, value: string): Promise<void> {
    await this.storage.store(KEY_PREFIX + name, value);
    await vscode.commands.executeCommand('setContext', 'stampede.hasSecret', true);
  }

  /** The stored value, or asks for it (once) and stores it; undefined if the user cancels. */
  async getOrAsk(name: string): Promise<string | undefined> {
    const stored = await this.get(name);
    if (stored) return stored;
    const value = await vscode.window.showInputBox({
      title: `Stampede: secret ${name}`,
      prompt: `The scenario uses \${secret:${name}}. Enter its value; it is kept in VS Code's secret storage, never in the file, a log or a report.`,
      password: true,
      ignoreFocusOut: true,
    });
    if (!value) return undefined;
    await this.store(name, value);
    return value;
  }

  /** The "Set Secret" command: name (prefilled when given), then value. */
  async setInteractively(suggested?: string): Promise<void> {
    const name = await vscode.window.showInputBox({
      title: 'Stampede: Set Secret',
      prompt: 'Name of the secret, as written in ${secret:NAME}',
      value: suggested,
      ignoreFocusOut: true,
      validateInput: (v) => (NAME_RE.test(v) ? undefined : 'letters, digits and _, not starting with a digit'),
    });
    if (!name) return;
    const value = await vscode.window.showInputBox({
      title: `Stampede: secret ${name}`,
      prompt: 'Value (stored in VS Code secret storage). Leave empty to delete the secret.',
      password: true,
      ignoreFocusOut: true,
    });
    if (value === undefined) return;
    if (value === '') {
      await this.storage.delete(KEY_PREFIX + name);
      void vscode.window.showInformationMessage(`Stampede: secret ${name} deleted.`);
    } else {
      await this.store(name, value);
      void vscode.window.showInformationMessage(`Stampede: secret ${name} stored.`);
    }
  }
}
