// The first hour of a new user in a real VS Code (code-server): New Scenario with the
// walkthrough open, the walkthrough ticking after a CodeLens run, the stage snippet typed after
// "- ", a missing ${env:…} refused before the run, the Output channel leaving the live panel its
// space, and Stop leaving the Load chart's scale sane. One editor for the whole file. The last
// test leaves the panel's pictures mid-run and after Stop, in the dark and the light theme:
// test-results/e2e/panel-{mid-run,stopped}-{dark,light}.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { ARTIFACTS, Editor, REPO, editorInstalled, waitFor } from './harness';
import { analyzeScenario } from '../../src/core/analyze-scenario';
import type { TickPoint } from '../../src/protocol/run-events';

const missing = editorInstalled();

/** Records the text every canvas draws (its axis labels among it), per draw: Chart.js clears the
 * whole canvas first. What a chart's axes read is then known without reaching into the page's
 * code, in the panel of any build. */
const RECORD_CANVAS_TEXT = `(() => {
  if (typeof CanvasRenderingContext2D === 'undefined') return;
  const proto = CanvasRenderingContext2D.prototype;
  const fillText = proto.fillText;
  const clearRect = proto.clearRect;
  proto.clearRect = function (x, y, w, h) {
    const c = this.canvas;
    if (c && x <= 0 && y <= 0 && w >= c.width && h >= c.height) c.__draw = [];
    return clearRect.apply(this, arguments);
  };
  proto.fillText = function (text, x, y) {
    const c = this.canvas;
    if (c) {
      const m = this.getTransform();
      (c.__draw = c.__draw || []).push({ text: String(text), x: m.a * x + m.c * y + m.e, align: this.textAlign, rotated: m.b !== 0 });
      c.__labels = c.__draw;
    }
    return fillText.apply(this, arguments);
  };
})();`;

/** Copies the scenarios in once the first test is done: it needs a workspace without any, as a
 * new user's, so that the extension activates on the New Scenario command. */
function addScenarios(editor: Editor): void {
  cpSync(join(REPO, 'test/e2e/workspace-first-hour'), editor.workspace, { recursive: true, force: false });
}

const WALKTHROUGH_STEP = (id: string) => `.gettingStartedContainer [data-step-id$="#${id}"]`;

function runFolders(workspace: string): string[] {
  const root = join(workspace, '.stampede/runs');
  return existsSync(root) ? readdirSync(root).sort() : [];
}

function newestSeries(workspace: string): TickPoint[] {
  const folders = runFolders(workspace);
  const newest = folders[folders.length - 1];
  const file = newest ? join(workspace, '.stampede/runs', newest, 'results.json') : '';
  if (!file || !existsSync(file)) return [];
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { series: TickPoint[] }).series;
  } catch {
    return [];
  }
}

/** The live panel's document among the page's frames (webviews are nested iframes). */
function panelFrame(editor: Editor): Promise<Frame | undefined> {
  return editor.frameWith('.live .chart-card');
}

/** The numbers on the left y axis of a chart, as last drawn on its canvas (device-independent). */
async function leftAxisNumbers(frame: Frame, chartId: string): Promise<number[]> {
  return frame.evaluate((id) => {
    const canvas = document.querySelector(`#${id} canvas`) as (HTMLCanvasElement & { __labels?: Array<{ text: string; x: number; align: string; rotated: boolean }> }) | null;
    if (!canvas?.__labels) return [];
    const ratio = canvas.width / Math.max(1, canvas.clientWidth);
    return canvas.__labels
      .filter((l) => l.align === 'right' && !l.rotated && l.x / ratio < canvas.clientWidth / 3)
      .map((l) => Number(/^-?[\d,]*\.?\d+/.exec(l.text)?.[0].replace(/,/g, '') ?? NaN))
      .filter((n) => Number.isFinite(n));
  }, chartId);
}

async function clickRunLens(editor: Editor, file: string): Promise<void> {
  await editor.openFile(file);
  const lens = editor.page.locator('.editor-group-container.active .codelens-decoration a', { hasText: 'Run scenario' });
  await waitFor(() => lens.first().isVisible(), 'the Run scenario CodeLens', 60_000);
  await lens.first().click();
}

/** Text of the notification toasts on screen. */
async function toasts(editor: Editor): Promise<string[]> {
  return editor.page.locator('.notifications-toasts .notification-list-item-message').allTextContents();
}

/** Closes the bottom panel if it is open ("View: Hide Panel" is offered only then). */
async function hidePanel(editor: Editor): Promise<void> {
  if (await editor.page.locator('.part.panel').first().isVisible()) await editor.runCommand('View: Hide Panel');
}

async function clearNotifications(editor: Editor): Promise<void> {
  await editor.runCommand('Notifications: Clear All Notifications');
}

/** Focuses the Explorer's title: Escape in the walkthrough page would go back or close it. */
async function focusWorkbench(editor: Editor): Promise<void> {
  await editor.page.locator('.part.sidebar .title-label').first().click();
}

async function openWalkthrough(editor: Editor): Promise<void> {
  if (await editor.page.locator('.gettingStartedContainer').first().isVisible()) return;
  await focusWorkbench(editor);
  await editor.runCommand('Welcome: Open Walkthrough...');
  await editor.pickQuickItem('Get started with Stampede');
  await waitFor(() => editor.page.locator(WALKTHROUGH_STEP('newScenario')).first().isVisible(), 'the Stampede walkthrough');
}

/** Runs a palette command from wherever the focus is (no Escape first, unlike Editor.runCommand). */
async function paletteHere(editor: Editor, label: string): Promise<void> {
  const { page } = editor;
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await waitFor(() => input.isVisible(), 'the command palette');
  await input.fill(`>${label}`);
  await waitFor(
    async () => ((await page.locator('.quick-input-list .monaco-list-row').first().locator('.label-name').first().textContent()) ?? '').replace(/\s+/g, ' ').trim() === label,
    `the palette to offer "${label}"`,
  );
  await page.keyboard.press('Enter');
}

/** Picks a colour theme through the theme picker, as a user does, and waits for the workbench. */
async function colorTheme(editor: Editor, label: string, workbenchClass: 'vs' | 'vs-dark', tab: string): Promise<void> {
  const { page } = editor;
  await page.locator('.tabs-container .tab', { hasText: tab }).first().click();
  // The live panel's webview can take the focus back while it redraws, which closes the theme
  // picker (seen in CI: the input went inert, then hidden): open it again until the pick lands.
  const input = page.locator('.quick-input-widget input');
  await waitFor(async () => {
    if (await page.locator(`.monaco-workbench.${workbenchClass}`).first().isVisible()) return true;
    if (!(await input.isVisible())) {
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+T');
      return false;
    }
    try {
      await input.fill(label, { timeout: 2_000 });
      const first = (await page.locator('.quick-input-list .monaco-list-row').first().textContent({ timeout: 2_000 })) ?? '';
      if (first.includes(label)) await page.keyboard.press('Enter');
    } catch {
      // The picker closed under the fill: the next round opens it again.
    }
    return false;
  }, `the ${label} theme`, 60_000, 500);
}

async function stepChecked(editor: Editor, id: string): Promise<boolean> {
  return (await editor.page.locator(WALKTHROUGH_STEP(id)).first().getAttribute('aria-checked')) === 'true';
}

describe('the first hour in code-server', { skip: missing }, () => {
  let editor: Editor;
  let empty: string;

  before(async () => {
    empty = mkdtempSync(join(tmpdir(), 'stampede-first-hour-'));
    writeFileSync(join(empty, 'README.md'), 'A new project: no scenario yet.\n');
    editor = await Editor.start({
      workspaceFixture: empty,
      settings: { 'workbench.secondarySideBar.defaultVisibility': 'hidden', 'chat.disableAIFeatures': true, 'workbench.colorTheme': 'Default Dark Modern' },
      initScript: RECORD_CANVAS_TEXT,
    });
  });

  after(async () => {
    await editor?.close();
    rmSync(empty, { recursive: true, force: true });
  });

  test('New Scenario from the palette with the walkthrough open keeps its pickers open', async () => {
    await editor.step('walkthrough-new-scenario', async () => {
      // A new user's workspace has no scenario yet: the extension activates on the command, while
      // the picker opens (that activation is what took the focus back to the walkthrough).
      await openWalkthrough(editor);
      assert.equal(await stepChecked(editor, 'newScenario'), false);
      // From the walkthrough, as a user who just opened it: the focus is in its page.
      await waitFor(() => editor.page.evaluate(() => document.activeElement?.closest('.gettingStartedContainer') != null), 'the focus in the walkthrough');
      await paletteHere(editor, 'Stampede: New Scenario');
      const picker = editor.page.locator('.quick-input-widget');
      await waitFor(async () => (await picker.isVisible()) && ((await picker.textContent()) ?? '').includes('Burst'), 'the template picker');
      // The command ticks the walkthrough step and the extension activates; the walkthrough page
      // redraws and, depending on timing (one run in three here), puts the focus back on its
      // step: the picker then closed ~300 ms after it opened. That focus move, made here every
      // time, must not close the pickers.
      await waitFor(() => stepChecked(editor, 'newScenario'), 'the walkthrough step "Create a scenario" ticked');
      const stealFocus = () => editor.page.locator(WALKTHROUGH_STEP('newScenario')).first().focus();
      const stillOpen = async (what: string) => {
        const until = Date.now() + 1000;
        while (Date.now() < until) {
          assert.ok(await picker.isVisible(), `${what} closed when the walkthrough took the focus`);
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      await stealFocus();
      await stillOpen('the template picker');
      await editor.pickQuickItem('Burst');
      const input = editor.page.locator('.quick-input-widget input');
      await waitFor(async () => (await input.inputValue()) === 'burst.stampede.yaml', 'the file name prompt');
      await stealFocus();
      await stillOpen('the file name prompt');
      await input.focus();
      await editor.page.keyboard.press('Enter');
      const path = join(editor.workspace, 'burst.stampede.yaml');
      await waitFor(() => existsSync(path), 'the new scenario on disk');
      assert.deepEqual(analyzeScenario(readFileSync(path, 'utf8'), { fileName: path }).problems, []);
    });
  });

  test('the walkthrough step "Run it against the mock provider" ticks after a CodeLens run', async () => {
    await editor.step('walkthrough-codelens-run', async () => {
      addScenarios(editor);
      // With the walkthrough open its redraws can take the focus from the command palette: close
      // it (Close All Editors by its keys), run, then open it again to read the step.
      await focusWorkbench(editor);
      await editor.page.keyboard.press('Control+K');
      await editor.page.keyboard.press('Control+W');
      await waitFor(async () => (await editor.page.locator('.gettingStartedContainer').count()) === 0, 'the walkthrough closed');
      const before = runFolders(editor.workspace).length;
      await clickRunLens(editor, 'quick.stampede.yaml');
      await waitFor(() => runFolders(editor.workspace).length > before, 'the run to start', 30_000);
      await waitFor(
        () => runFolders(editor.workspace).some((f) => existsSync(join(editor.workspace, '.stampede/runs', f, 'report.html'))),
        'the run to finish',
        60_000,
      );
      await openWalkthrough(editor);
      assert.equal(await stepChecked(editor, 'newScenario'), true, 'the first step lost its tick');
      // Its text shows no markdown markers, and its example fits the media pane.
      const steps = (await editor.page.locator('.gettingStartedContainer .getting-started-step').allTextContents()).join('\n');
      assert.doesNotMatch(steps, /`/, `literal backticks in the walkthrough: ${steps}`);
      await editor.page.locator(WALKTHROUGH_STEP('newScenario')).first().click();
      const cut = await waitFor(async () => {
        for (const frame of editor.page.frames()) {
          const widths = await frame
            .evaluate(() => (document.body?.textContent?.includes('A scenario is a YAML file') ? Array.from(document.querySelectorAll('pre')).map((p) => p.scrollWidth - p.clientWidth) : null))
            .catch(() => null);
          if (widths && widths.length) return widths;
        }
        return undefined;
      }, 'the "Create a scenario" media with its example');
      assert.ok(cut.every((overflow) => overflow <= 0), `the example is cut off by ${Math.max(...cut)} px`);
      await waitFor(() => stepChecked(editor, 'runAgainstMock'), 'the walkthrough step "Run it against the mock provider" ticked', 10_000);
      await focusWorkbench(editor);
      await editor.page.keyboard.press('Control+K');
      await editor.page.keyboard.press('Control+W');
    });
  });

  test('the stage snippet picked after "- " is indented under the dash and parses', async () => {
    await editor.step('stage-snippet', async () => {
      addScenarios(editor);
      await editor.runCommand('View: Close All Editors');
      await editor.openFile('stages.stampede.yaml');
      await editor.goTo(12, 16);
      await editor.page.keyboard.press('End');
      await editor.page.keyboard.press('Enter');
      // Replace the auto-indent with the dash at the column of the stage above.
      await editor.page.keyboard.press('Shift+Home');
      await editor.page.keyboard.type('    - ');
      await editor.page.keyboard.press('Escape');
      await editor.page.keyboard.press('Control+Space');
      const row = editor.page.locator('.editor-widget.suggest-widget.visible .monaco-list-row', { hasText: 'stage: spike' });
      await waitFor(() => row.first().isVisible(), 'the "stage: spike" suggestion');
      await row.first().click();
      // Leave the snippet's placeholders, then save.
      await editor.page.keyboard.press('Escape');
      await editor.page.keyboard.press('Escape');
      await editor.page.keyboard.press('Control+S');
      const path = join(editor.workspace, 'stages.stampede.yaml');
      const text = await waitFor(() => {
        const t = readFileSync(path, 'utf8');
        return t.includes('spike') ? t : undefined;
      }, 'the saved file with the stage');
      const lines = text.split('\n');
      const at = lines.findIndex((l) => l.includes('name: spike'));
      assert.deepEqual(lines.slice(at, at + 3), ['    - name: spike', '      for: 20s', '      rate: 10x'], text);
      assert.deepEqual(analyzeScenario(text, { fileName: path }).problems, []);
      await waitFor(async () => (await editor.squiggles()).errors === 0, 'no error squiggle');
    });
  });

  test('a missing ${env:…} value is refused before the run, and no run is left behind', async () => {
    await editor.step('env-missing', async () => {
      addScenarios(editor);
      await editor.runCommand('View: Close All Editors');
      await clearNotifications(editor);
      const before = runFolders(editor.workspace);
      await clickRunLens(editor, 'env-missing.stampede.yaml');
      const message = await waitFor(async () => (await toasts(editor)).find((t) => t.includes('STAMPEDE_E2E_UNSET_BASE_URL')), 'a notification naming the variable', 30_000);
      assert.doesNotMatch(message, /ERROR\s*[—-]\s*ERROR/, message);
      assert.match(message, /env-missing\.stampede\.yaml/, `the message names the file: ${message}`);
      assert.match(message, /line 7/, `the message names the line: ${message}`);
      // Nothing started: no results folder, no history entry, no report.
      assert.deepEqual(runFolders(editor.workspace), before);
      assert.equal(await editor.page.locator('.statusbar-item', { hasText: 'Missing env value' }).count(), 0);
      await clearNotifications(editor);
    });
  });

  test('a run leaves the Output channel closed, so the live panel keeps its space', async () => {
    await editor.step('output-not-forced', async () => {
      addScenarios(editor);
      await editor.runCommand('View: Close All Editors');
      await hidePanel(editor);
      await clearNotifications(editor);
      const before = runFolders(editor.workspace).length;
      await clickRunLens(editor, 'quick.stampede.yaml');
      await waitFor(() => runFolders(editor.workspace).length > before, 'the run to start', 30_000);
      const frame = await waitFor(() => panelFrame(editor), 'the live panel', 30_000);
      await waitFor(async () => (await toasts(editor)).some((t) => /PASS/.test(t)), 'the verdict notification', 60_000);
      const output = editor.page.locator('.part.panel .output-view');
      assert.equal(await output.isVisible(), false, 'the Output channel was opened by the run');
      // The panel's page is as tall as the editor area: its first chart is on screen.
      const shown = await frame.evaluate(() => {
        const chart = document.querySelector('#chart-rate') as HTMLElement | null;
        const box = chart?.getBoundingClientRect();
        return { height: window.innerHeight, chartBottom: box ? box.bottom : Infinity };
      });
      const viewport = editor.page.viewportSize()!;
      assert.ok(shown.height > viewport.height * 0.6, `the live panel is ${shown.height} px tall in a ${viewport.height} px window`);
      assert.ok(shown.chartBottom <= shown.height, `the Load chart ends at ${shown.chartBottom} px, below the panel's ${shown.height} px`);
      await clearNotifications(editor);
    });
  });

  test('a run from the CodeLens is recorded in Test Explorer\'s results', async () => {
    await editor.step('codelens-run-in-test-explorer', async () => {
      // The previous test ran quick.stampede.yaml from its CodeLens, outside Test Explorer.
      await editor.page.locator('.activitybar .action-item a[aria-label^="Testing"]').first().click();
      const row = editor.page.locator('.part.sidebar .monaco-list-row', { hasText: 'First hour quick run' }).first();
      await waitFor(async () => /pass/i.test((await row.getAttribute('aria-label').catch(() => '')) ?? ''), 'the CodeLens run marked passed in Test Explorer', 30_000);
      await editor.page.locator('.activitybar .action-item a[aria-label^="Explorer"]').first().click();
    });
  });

  test('Stop leaves the Load chart on the scale of the run (screenshots mid-run and stopped, dark and light)', async () => {
    await editor.step('stop-scale', async () => {
      addScenarios(editor);
      await editor.runCommand('View: Close All Editors');
      await clickRunLens(editor, 'slow-answers.stampede.yaml');
      // About a hundred requests in flight (each answer takes 10 s) before Stop aborts them.
      await waitFor(() => newestSeries(editor.workspace).filter((p) => p.inFlight >= 80).length >= 2, 'eighty requests in flight', 60_000);
      await hidePanel(editor);
      await editor.page.locator('.tabs-container .tab', { hasText: 'Stampede: Slow answers' }).first().click();
      await editor.runCommand('View: Maximize Editor Group and Hide Side Bars');
      let frame = await waitFor(() => panelFrame(editor), 'the live panel');
      const running = await waitFor(async () => {
        const numbers = await leftAxisNumbers(frame, 'chart-rate');
        return numbers.length >= 2 ? numbers : undefined;
      }, 'the Load chart axis labels', 15_000);
      const topRunning = Math.max(...running);
      await editor.page.mouse.move(700, 880);
      await editor.screenshot('panel-mid-run-dark');
      await colorTheme(editor, 'Light Modern', 'vs', 'Stampede: Slow answers');
      frame = await waitFor(() => panelFrame(editor), 'the live panel');
      await waitFor(() => frame.evaluate(() => document.body.classList.contains('vscode-light')), 'the live panel in the light theme');
      const ticks = newestSeries(editor.workspace).length;
      await waitFor(() => newestSeries(editor.workspace).length >= ticks + 2, 'two more ticks in the light theme', 15_000);
      await editor.screenshot('panel-mid-run-light');

      await frame.locator('#stop').click();
      await waitFor(async () => frame.evaluate(() => !(document.querySelector('.live .verdict') as HTMLElement).hidden), 'the verdict after Stop', 15_000);
      const series = await waitFor(() => {
        const s = newestSeries(editor.workspace);
        return s.length > 0 && s[s.length - 1]!.outcomes.aborted > 0 ? s : undefined;
      }, 'the aborted requests in the results file', 15_000);
      const last = series[series.length - 1]!;
      // The chart redraws its axes for the summary; read them once they settle.
      const stopped = await waitFor(async () => {
        const first = await leftAxisNumbers(frame, 'chart-rate');
        await new Promise((r) => setTimeout(r, 500));
        const second = await leftAxisNumbers(frame, 'chart-rate');
        return first.length >= 2 && JSON.stringify(first) === JSON.stringify(second) ? second : undefined;
      }, 'the Load chart axis after Stop', 15_000);
      const topStopped = Math.max(...stopped);
      console.log(`# Load chart axis top: ${topRunning} while running, ${topStopped} after Stop (last tick: ${last.outcomes.aborted} aborted, completed ${last.completedRate.toFixed(0)}/s)`);
      assert.ok(topStopped <= Math.max(2 * topRunning, 30), `the Load chart's axis went from 0–${topRunning} to 0–${topStopped} at Stop`);
      await editor.screenshot('panel-stopped-light');
      await colorTheme(editor, 'Dark Modern', 'vs-dark', 'Stampede: Slow answers');
      await waitFor(() => frame.evaluate(() => document.body.classList.contains('vscode-dark')), 'the live panel in the dark theme');
      // The charts take the new colours in the theme observer's callback: two frames later they show.
      await frame.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      await editor.screenshot('panel-stopped-dark');
      for (const name of ['panel-mid-run-dark', 'panel-mid-run-light', 'panel-stopped-light', 'panel-stopped-dark']) {
        assert.ok(existsSync(join(ARTIFACTS, `${name}.png`)), `${name}.png`);
      }
    });
  });
});
