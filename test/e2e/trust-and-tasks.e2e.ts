// Workspace Trust and tasks in a real VS Code (code-server). The folder opens in Restricted Mode:
// a scenario still gets its diagnostics, but running it is refused with a clear message, and the
// workspace's values of restricted settings (the mock's port, the results folder) are ignored.
// Once the folder is trusted the same settings apply and the run goes. Then a tasks.json
// `stampede` task validates a broken file no editor has open, and its problem reaches the
// Problems view through the $stampede problem matcher.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Editor, REPO, editorInstalled, freePort, waitFor } from './harness';

const missing = editorInstalled();
const TASK_TARGET = 'task-target.stampede.yaml';

/** The workspace: two scenarios of the main e2e workspace, a broken file for the task, and
 * checked-in settings and tasks such as a repository could carry. */
function writeFixture(mockPort: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-trust-fixture-'));
  for (const name of ['quick.stampede.yaml', 'broken.stampede.yaml']) cpSync(join(REPO, 'test/e2e/workspace', name), join(dir, name));
  writeFileSync(join(dir, TASK_TARGET), 'name: Task target\nworkload:\n  mix:\n    - { name: chat, weight: 1 }\nload:\n  stages:\n    - { name: base, for: 30, rate: 2/s }\n');
  mkdirSync(join(dir, '.vscode'));
  writeFileSync(join(dir, '.vscode/settings.json'), JSON.stringify({ 'stampede.mock.port': mockPort, 'stampede.resultsFolder': 'trusted-runs' }, null, 2));
  writeFileSync(
    join(dir, '.vscode/tasks.json'),
    JSON.stringify({ version: '2.0.0', tasks: [{ label: 'validate the task target', type: 'stampede', command: 'validate', file: TASK_TARGET, problemMatcher: '$stampede' }] }, null, 2),
  );
  return dir;
}

describe('Restricted Mode, trust, and the stampede task', { skip: missing }, () => {
  let editor: Editor;
  let fixture: string;
  let mockPort: number;

  before(async () => {
    mockPort = await freePort();
    fixture = writeFixture(mockPort);
    editor = await Editor.start({ workspaceFixture: fixture, trusted: false });
  });

  after(async () => {
    await editor?.close();
    if (fixture) rmSync(fixture, { recursive: true, force: true });
  });

  const restrictedBadge = () => editor.page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first();
  const mockItem = () => editor.page.locator('.statusbar-item', { hasText: 'Mock http://127.0.0.1:' }).first();
  const runLens = () => editor.page.locator('.editor-group-container.active .codelens-decoration a', { hasText: 'Run scenario' });

  /** Starts the mock from the palette and returns the port in its status bar item, then stops it. */
  async function mockPortShown(): Promise<number> {
    await editor.runCommand('Stampede: Start Mock Provider');
    await editor.pickQuickItem('instant');
    await waitFor(() => mockItem().isVisible(), 'the mock URL in the status bar');
    const port = Number(/127\.0\.0\.1:(\d+)/.exec((await mockItem().textContent()) ?? '')?.[1]);
    await editor.runCommand('Stampede: Stop Mock Provider');
    await waitFor(async () => !(await mockItem().isVisible()), 'the mock stopped');
    return port;
  }

  test('untrusted: diagnostics work, a run is refused with a clear message, restricted settings are ignored', async () => {
    await editor.step('restricted-mode', async () => {
      await waitFor(() => restrictedBadge().isVisible(), 'the Restricted Mode badge', 30_000);
      await editor.openFile('broken.stampede.yaml');
      await waitFor(async () => (await editor.problemCounts()).errors === 3, 'the three errors of broken.stampede.yaml', 60_000);
      await waitFor(async () => (await editor.squiggles()).errors >= 3, 'the error squiggles', 30_000);

      await editor.openFile('quick.stampede.yaml');
      await waitFor(() => runLens().isVisible(), 'the Run scenario CodeLens', 30_000);
      await runLens().click();
      const refusal = editor.page.locator('.notifications-toasts .notification-toast', { hasText: 'running a scenario is disabled in Restricted Mode' });
      await waitFor(() => refusal.first().isVisible(), 'the refusal message', 20_000);
      assert.match((await refusal.first().textContent()) ?? '', /trust this workspace to run it/);
      await waitFor(() => refusal.first().locator('.monaco-button', { hasText: 'Manage Workspace Trust' }).isVisible(), 'the message to offer Manage Workspace Trust');
      await editor.screenshot('restricted-run-refused');
      assert.ok(!existsSync(join(editor.workspace, '.stampede')) && !existsSync(join(editor.workspace, 'trusted-runs')), 'nothing was run');

      // The workspace's stampede.mock.port is a restricted setting: the default (a free port) is used.
      assert.notEqual(await mockPortShown(), mockPort);
    });
  });

  test('after trusting the folder, the workspace settings apply and the run goes', async () => {
    await editor.step('trusted-run', async () => {
      await editor.pressEscape();
      await editor.runCommand('Workspaces: Manage Workspace Trust');
      const trust = editor.page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ });
      await waitFor(() => trust.first().isVisible(), 'the Trust button', 20_000);
      await trust.first().click();
      await waitFor(async () => !(await restrictedBadge().isVisible()), 'Restricted Mode to end', 20_000);
      await editor.runCommand('View: Close All Editors');

      assert.equal(await mockPortShown(), mockPort, 'the workspace value of stampede.mock.port applies once trusted');

      await editor.openFile('quick.stampede.yaml');
      await waitFor(() => runLens().isVisible(), 'the Run scenario CodeLens', 30_000);
      await runLens().click();
      // stampede.resultsFolder from the workspace settings, ignored until now.
      const runs = join(editor.workspace, 'trusted-runs');
      const folder = await waitFor(() => (existsSync(runs) ? readdirSync(runs) : []).find((f) => existsSync(join(runs, f, 'report.html'))), 'a run folder with its report in trusted-runs', 90_000);
      const results = JSON.parse(readFileSync(join(runs, folder, 'results.json'), 'utf8')) as { status: string; summary: { requests: { total: number } } };
      assert.equal(results.status, 'completed');
      assert.ok(results.summary.requests.total > 0);
    });
  });

  test('a tasks.json stampede task validating a broken file puts its problem in the Problems view', async () => {
    await editor.step('task-problem-matcher', async () => {
      await editor.runCommand('View: Close All Editors');
      await editor.runCommand('Tasks: Run Task');
      await editor.pickQuickItem('validate the task target');
      // The file was never opened, so the only source of this problem is the task's output.
      const rows = await waitFor(
        async () => {
          const all = await editor.problemRows();
          return all.some((r) => r.includes("duration '30' has no unit")) ? all : undefined;
        },
        'the task problem in the Problems view',
        60_000,
        1000,
      );
      const text = rows.join('\n');
      assert.match(text, /task-target\.stampede\.yaml/);
      assert.match(text, /duration '30' has no unit: write 30s or 30ms \(load\.stages\[0\]\.for\)[\s\S]*?(7:26|\[Ln 7, Col 26\]|line 7)/i);
      assert.ok(!(await editor.page.locator(`.tabs-container .tab[aria-label*="${TASK_TARGET}"]`).count()), 'the task did not open the file');
      const terminal = (await editor.page.locator('.terminal-wrapper .xterm-rows').allTextContents()).join('\n');
      await editor.screenshot('task-problems');
      assert.ok(terminal === '' || /1 error/.test(terminal), `the task terminal: ${terminal}`);
    });
  });
});
