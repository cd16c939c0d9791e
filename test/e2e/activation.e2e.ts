// Activation cost in a real VS Code: the extension logs, once language features are ready, how long
// activate() took and how long since extension.js began loading. This file opens a scenario,
// reloads the window a few times and prints the figures; like every timing here, they are
// printed for the record (issue 14's before/after), never compared against a limit.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Editor, REPO, editorInstalled, waitFor } from './harness';

const missing = editorInstalled();
const RELOADS = 4;
const LINE = /activated: extension\.js evaluated in (\d+) ms; language features ready (\d+) ms after activate\(\) \((\d+) ms after extension\.js began loading\)/;

describe('activation time', { skip: missing }, () => {
  let editor: Editor;

  before(async () => {
    editor = await Editor.start({ workspaceFixture: join(REPO, 'test/e2e/workspace') });
  });

  after(async () => {
    await editor?.close();
  });

  test('each activation logs when the language features are ready', async () => {
    await editor.step('activation-times', async () => {
      const samples = () => editor.logLines('Stampede.log').map((l) => LINE.exec(l)).filter((m) => m !== null);
      await editor.openFile('broken.stampede.yaml');
      await waitFor(async () => (await editor.problemCounts()).errors === 3, 'the diagnostics of the open scenario', 60_000);
      await waitFor(() => samples().length >= 1, 'the activation line in Stampede.log', 30_000);
      for (let i = 0; i < RELOADS; i++) {
        const seen = samples().length;
        await editor.runCommand('Developer: Reload Window');
        await waitFor(() => editor.page.locator('.monaco-workbench .part.statusbar').isVisible(), 'the workbench after a reload', 90_000);
        await waitFor(() => samples().length > seen, `activation ${seen + 1} in Stampede.log`, 90_000);
        await waitFor(async () => (await editor.problemCounts()).errors === 3, 'the diagnostics after a reload', 60_000);
      }
      const found = samples();
      assert.ok(found.length >= RELOADS + 1, `expected ${RELOADS + 1} activations, logged ${found.length}`);
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
      const series = (index: number, label: string) => {
        const values = found.map((m) => Number(m[index]));
        return `${label} ${values.join(', ')} (median ${median(values)})`;
      };
      console.log(`activation (ms) over ${found.length} activations: ${series(1, 'extension.js evaluation')}; ${series(2, 'activate() to language features ready')}; ${series(3, 'extension.js start to ready')}`);
    });
  });
});
