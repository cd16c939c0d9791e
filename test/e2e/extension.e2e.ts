// The packaged extension in a real VS Code (code-server) driven through Chromium: language
// features, CodeLens, a run to its verdict, the command palette, New Scenario and New Scenario
// from Trace.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Editor, REPO, editorInstalled, waitFor } from './harness';
import { analyzeScenario } from '../../src/core/analyze-scenario';

const missing = editorInstalled();
const packageJson = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  contributes: { commands: Array<{ command: string; title: string; category?: string }>; menus: { commandPalette: Array<{ command: string; when?: string }> } };
};

describe('Stampede in code-server', { skip: missing }, () => {
  let editor: Editor;

  before(async () => {
    editor = await Editor.start({ workspaceFixture: join(REPO, 'test/e2e/workspace'), extraFolders: { examples: join(REPO, 'examples') } });
  });

  after(async () => {
    await editor?.close();
  });

  test('an example scenario opens with no problems and the scenario language', async () => {
    await editor.step('example-no-problems', async () => {
      await editor.openFile('examples/quickstart.stampede.yaml');
      // The CodeLens appears once the extension has analyzed the file; then the count is final.
      await waitFor(async () => (await editor.codeLensTitles()).some((t) => t.includes('Run scenario')), 'the Run scenario CodeLens', 60_000);
      const mode = await editor.page.locator('[id="status.editor.mode"]').first().textContent();
      assert.match(mode ?? '', /Stampede Scenario/);
      assert.deepEqual(await editor.squiggles(), { errors: 0, warnings: 0 });
      assert.deepEqual(await editor.problemCounts(), { errors: 0, warnings: 0 });
    });
  });

  test('a broken scenario lists its errors at the right lines', async () => {
    await editor.step('broken-problems', async () => {
      await editor.openFile('broken.stampede.yaml');
      await waitFor(async () => (await editor.problemCounts()).errors === 3, 'three errors in the status bar', 30_000);
      const rows = await waitFor(async () => {
        const all = await editor.problemRows();
        return all.filter((r) => /stampede/i.test(r) || /line \d+/i.test(r)).length >= 3 ? all : undefined;
      }, 'the Problems panel rows');
      const text = rows.join('\n');
      assert.match(text, /unknown field 'stges'[\s\S]*?(line 6|6:3|\[Ln 6, Col 3\])/i);
      assert.match(text, /has no unit[\s\S]*?(line 8|8:26|\[Ln 8, Col 26\])/i);
      assert.match(text, /unknown metric 'errorz\.rate'[\s\S]*?(line 10|10:5|\[Ln 10, Col 5\])/i);
      const squiggles = await editor.page.locator('.editor-group-container.active .squiggly-error').count();
      assert.ok(squiggles >= 3, `expected error squiggles, saw ${squiggles}`);
    });
  });

  test('completion at a key position offers the schema keys', async () => {
    await editor.step('completion', async () => {
      await editor.openFile('typing.stampede.yaml');
      // Line 5 is "      maxTokens: 100" inside a mix entry; a new key goes on line 6.
      await editor.goTo(5, 19);
      await editor.page.keyboard.press('End');
      await editor.page.keyboard.press('Enter');
      const labels = await editor.completionLabels();
      for (const key of ['weight', 'promptTokens', 'provider']) assert.ok(labels.includes(key), `completion lacks ${key}: ${labels.join(', ')}`);
      assert.ok(!labels.includes('name'), 'completion offers a key that is already there');
      await editor.page.keyboard.press('Control+Z');
    });
  });

  test('hover shows the schema description', async () => {
    await editor.step('hover', async () => {
      await editor.openFile('typing.stampede.yaml');
      await editor.goTo(5, 9);
      const text = await editor.hoverText();
      assert.match(text, /max_tokens/);
      assert.match(text, /Default/);
    });
  });

  test('typing a misspelled key shows a problem, and its quick fix repairs it', async () => {
    await editor.step('typing-quick-fix', async () => {
      await editor.openFile('typing.stampede.yaml');
      await editor.goTo(5, 7);
      await editor.page.keyboard.type('x');
      await waitFor(async () => (await editor.squiggles()).errors === 1, 'a squiggle under xmaxTokens');
      const fix = editor.page.locator('.action-widget .monaco-list-row', { hasText: "Change to 'maxTokens'" });
      // Ctrl+. before the code actions are computed shows nothing; ask again until they are.
      await waitFor(
        async () => {
          if (await fix.isVisible()) return true;
          if (!(await editor.page.locator('.action-widget').isVisible())) await editor.page.keyboard.press('Control+.');
          return false;
        },
        'the quick fix',
        30_000,
        500,
      );
      await fix.click();
      await waitFor(async () => (await editor.squiggles()).errors === 0, 'the squiggle gone after the fix');
      const line = await editor.page.locator('.editor-group-container.active .view-line', { hasText: 'maxTokens' }).first().textContent();
      assert.equal(line?.replace(/\u00a0/g, ' ').trim(), 'maxTokens: 100');
    });
  });

  test('the palette lists the Stampede commands that apply here, and hides the others', async () => {
    await editor.step('palette', async () => {
      // A scenario is the active editor (the tests above opened one); no run and no mock are going.
      const when = new Map(packageJson.contributes.menus.commandPalette.map((m) => [m.command, m.when]));
      const shownHere: Array<string | undefined> = [undefined, 'editorLangId == stampede', '!stampede.mockRunning'];
      const appliesNow = (command: string) => shownHere.includes(when.get(command));
      const label = (c: { title: string; category?: string }) => `${c.category}: ${c.title}`;
      const expected = packageJson.contributes.commands.filter((c) => appliesNow(c.command)).map(label);
      const hidden = packageJson.contributes.commands.filter((c) => !appliesNow(c.command)).map(label);
      assert.ok(hidden.includes('Stampede: Stop Run') && hidden.includes('Stampede: Stop Mock Provider'));
      const seen = new Set(await editor.paletteLabels('Stampede: '));
      for (const wanted of [...expected, ...hidden].filter((l) => !seen.has(l))) {
        // The list is virtualized: look up what did not fit by its full name.
        const labels = await editor.paletteLabels(wanted).catch((): string[] => []);
        if (labels.includes(wanted)) seen.add(wanted);
      }
      assert.deepEqual(expected.filter((l) => !seen.has(l)), []);
      assert.deepEqual(hidden.filter((l) => seen.has(l)), []);
    });
  });

  test('New Scenario creates a file that validates', async () => {
    await editor.step('new-scenario', async () => {
      await editor.runCommand('Stampede: New Scenario');
      await editor.pickQuickItem('Burst');
      const input = editor.page.locator('.quick-input-widget input');
      await waitFor(async () => (await input.inputValue()) === 'burst.stampede.yaml', 'the file name prompt');
      await editor.page.keyboard.press('Enter');
      await waitFor(() => editor.page.locator('.tabs-container .tab.active[aria-label*="burst.stampede.yaml"]').isVisible(), 'the new file open');
      const path = join(editor.workspace, 'burst.stampede.yaml');
      await waitFor(() => existsSync(path), 'the file on disk');
      const { problems } = analyzeScenario(readFileSync(path, 'utf8'), { fileName: path });
      assert.deepEqual(problems, []);
      await waitFor(async () => (await editor.codeLensTitles()).some((t) => t.startsWith('≈')), 'its CodeLens estimate (shown only for a valid scenario)');
      assert.deepEqual(await editor.squiggles(), { errors: 0, warnings: 0 });
    });
  });

  test('New Scenario from Trace… fits a picked trace into a scenario that validates; a replay\'s CodeLens estimates its trace', async () => {
    await editor.step('new-scenario-from-trace', async () => {
      const { page } = editor;
      await editor.runCommand('Stampede: New Scenario from Trace…');
      // code-server's open and save dialogs are quick inputs that take a path.
      const input = page.locator('.quick-input-widget input');
      await waitFor(() => input.isVisible(), 'the open dialog');
      // The simple file dialog writes its starting folder into the input once it has listed it;
      // a path typed before that is overwritten (seen at load 19), so type until it sticks and the
      // dialog lists the file, then accept.
      const trace = join(editor.workspace, 'examples/data/support-bot.mooncake.jsonl');
      await waitFor(async () => {
        if ((await input.inputValue()) !== trace) await input.fill(trace);
        const listed = await page.locator('.quick-input-list .monaco-list-row', { hasText: 'support-bot.mooncake.jsonl' }).count();
        return (await input.inputValue()) === trace && listed > 0;
      }, 'the open dialog to take the trace path and list the file');
      await page.keyboard.press('Enter');
      const path = join(editor.workspace, 'support-bot.mooncake.stampede.yaml');
      await waitFor(async () => (await input.isVisible()) && (await input.inputValue()).endsWith('support-bot.mooncake.stampede.yaml'), 'the save dialog with the scenario\'s name', 60_000);
      await page.keyboard.press('Enter');
      await waitFor(() => existsSync(path), 'the fitted scenario on disk', 60_000);
      const text = readFileSync(path, 'utf8');
      assert.match(text, /^# Fitted by `stampede fit` from .*support-bot\.mooncake\.jsonl \(mooncake\)/);
      const { problems, plan } = analyzeScenario(text, { fileName: path });
      assert.deepEqual(problems.filter((p) => p.severity === 'error'), []);
      assert.ok(plan && plan.load.segments.some((s) => /^burst/.test(s.stage)), 'the burst is a stage');
      await waitFor(() => page.locator('.tabs-container .tab.active[aria-label*="support-bot.mooncake.stampede.yaml"]').isVisible(), 'the fitted scenario open');
      await waitFor(async () => (await editor.codeLensTitles()).some((t) => t.startsWith('≈')), 'its CodeLens estimate (shown only for a valid scenario)');
      assert.equal((await editor.squiggles()).errors, 0);
    });
    await editor.step('replay-estimate', async () => {
      await editor.openFile('examples/replay-trace.stampede.yaml');
      await waitFor(async () => (await editor.codeLensTitles()).includes('≈ 418 requests · $0.13'), 'the replay\'s estimate from its 418 recorded requests', 60_000);
    });
  });

  test('▶ Run scenario runs a short scenario to its verdict', async () => {
    await editor.step('run-codelens', async () => {
      await editor.openFile('quick.stampede.yaml');
      const lens = editor.page.locator('.editor-group-container.active .codelens-decoration a', { hasText: 'Run scenario' });
      await waitFor(() => lens.isVisible(), 'the Run scenario CodeLens', 30_000);
      const titles = await waitFor(async () => {
        const all = await editor.codeLensTitles();
        return all.some((t) => /^≈ [\d,]+ requests · /.test(t)) ? all : undefined;
      }, 'the estimate CodeLens');
      assert.ok(!titles.includes('Run against mock'), 'a mock-only scenario offers Run against mock');
      await lens.click();
      // The output channel stays closed; the verdict notification opens it on request.
      const show = editor.page.locator('.notifications-toasts .notification-list-item', { hasText: 'PASS' }).locator('.monaco-button', { hasText: 'Show Output' });
      await waitFor(() => show.first().isVisible(), 'the verdict notification', 60_000);
      await show.first().click();
      await waitFor(async () => /Verdict:/.test(await editor.outputText()), 'the verdict in the Stampede output', 30_000);
      const output = await editor.outputText();
      assert.match(output, /Verdict: PASS/);
      const runs = join(editor.workspace, '.stampede/runs');
      const folders = await waitFor(() => (existsSync(runs) ? readdirSync(runs) : []).filter((f) => existsSync(join(runs, f, 'report.html'))), 'a run folder with a report');
      const results = JSON.parse(readFileSync(join(runs, folders[0], 'results.json'), 'utf8')) as { status: string; summary: { requests: { total: number } } };
      assert.equal(results.status, 'completed');
      assert.ok(results.summary.requests.total > 0);
      await editor.screenshot('run-verdict');
    });
  });

  test('Show Last Report opens the report of that run', async () => {
    await editor.step('last-report', async () => {
      await editor.runCommand('Stampede: Show Last Report');
      await waitFor(() => editor.page.locator('.tabs-container .tab.active[aria-label*="Report: "]').isVisible(), 'the report tab');
    });
  });

  test('Start Mock Provider serves the OpenAI API with its URL in the status bar; Stop ends it', async () => {
    await editor.step('mock-provider', async () => {
      await editor.runCommand('Stampede: Start Mock Provider');
      await editor.pickQuickItem('instant');
      const item = editor.page.locator('.statusbar-item', { hasText: 'Mock http://127.0.0.1:' });
      await waitFor(() => item.isVisible(), 'the mock URL in the status bar');
      const url = /http:\/\/127\.0\.0\.1:\d+\/v1/.exec((await item.textContent()) ?? '')?.[0];
      assert.ok(url, 'no URL in the status bar item');
      const models = await fetch(`${url}/models`);
      assert.equal(models.status, 200);
      await models.body?.cancel();
      await editor.runCommand('Stampede: Stop Mock Provider');
      await waitFor(async () => !(await item.isVisible()), 'the status bar item gone');
      await waitFor(async () => {
        try {
          await fetch(`${url}/models`);
          return false;
        } catch {
          return true;
        }
      }, 'the mock to stop listening');
    });
  });
});
