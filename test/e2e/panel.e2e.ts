// The live panel in a real VS Code (code-server) through Chromium: the CodeLens run opens the
// panel with populated charts, the load multiplier changes the achieved rate, closing and
// reopening the panel mid-run restores the history, Stop ends the run with its verdict and the
// run appears in the history view. The quickstart scenario leaves a screenshot with every
// chart populated (test-results/e2e/panel-quickstart.png).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { ARTIFACTS, Editor, REPO, editorInstalled, waitFor } from './harness';
import type { TickPoint } from '../../src/protocol/run-events';

const missing = editorInstalled();

interface ChartState {
  id: string;
  /** Points held per series (the board's data-points attribute). */
  lengths: number[];
  empty: boolean;
}

interface PanelState {
  canvases: number;
  charts: ChartState[];
  status: string;
  verdict: string | null;
  note: string | null;
}

/** The live panel's document among the page's frames (webviews are nested iframes). */
function panelFrame(editor: Editor): Promise<Frame | undefined> {
  return editor.frameWith('.live .chart-card');
}

async function panelState(frame: Frame): Promise<PanelState> {
  return frame.evaluate(() => {
    // Charts for signals a run does not have (agents, failover, degradation) stay hidden.
    const charts = Array.from(document.querySelectorAll('.live .chart-card:not([hidden])') as unknown as ArrayLike<HTMLElement>).map((card) => ({
      id: card.id,
      lengths: (card.dataset.points ?? '').split(',').filter(Boolean).map(Number),
      empty: !((card.querySelector('.chart-empty') as HTMLElement | null)?.hidden ?? true),
    }));
    const verdict = document.querySelector('.live .verdict') as HTMLElement | null;
    const note = document.querySelector('#run-note') as HTMLElement | null;
    return {
      canvases: document.querySelectorAll('.live .chart-card canvas').length,
      charts,
      status: document.querySelector('.status-pill')?.textContent ?? '',
      verdict: verdict && !verdict.hidden ? (verdict.querySelector('.verdict-headline')?.textContent ?? '') : null,
      note: note && !note.hidden ? note.textContent : null,
    };
  });
}

/** Ticks the panel holds: the longest series of the rate chart. */
function ticksShown(state: PanelState): number {
  return Math.max(0, ...(state.charts.find((c) => c.id === 'chart-rate')?.lengths ?? [0]));
}

/** The run's per-second series as its results file holds it (rewritten every 1–5 s). */
function resultsSeries(workspace: string): TickPoint[] {
  const root = join(workspace, '.stampede/runs');
  if (!existsSync(root)) return [];
  const folders = readdirSync(root).sort();
  const newest = folders[folders.length - 1];
  if (!newest || !existsSync(join(root, newest, 'results.json'))) return [];
  try {
    return (JSON.parse(readFileSync(join(root, newest, 'results.json'), 'utf8')) as { series: TickPoint[] }).series;
  } catch {
    return [];
  }
}

async function clickRunLens(editor: Editor, file: string): Promise<number> {
  await editor.openFile(file);
  const lens = editor.page.locator('.editor-group-container.active .codelens-decoration a', { hasText: 'Run scenario' });
  await waitFor(() => lens.first().isVisible(), 'the Run scenario CodeLens', 60_000);
  const clickedAt = Date.now();
  await lens.first().click();
  return clickedAt;
}

async function waitForPopulatedPanel(editor: Editor, timeoutMs: number, label: string, since?: number): Promise<{ frame: Frame; state: PanelState }> {
  const seen: string[] = [];
  const note = (what: string) => {
    if (since !== undefined && !seen.includes(what)) {
      seen.push(what);
      console.log(`# ${what} at ${Date.now() - since} ms`);
    }
  };
  return waitFor(
    async () => {
      if (since !== undefined && (await editor.page.locator('.statusbar-item', { hasText: 'Stampede: starting' }).count()) > 0) note('run started (status bar)');
      const frame = await panelFrame(editor);
      if (!frame) return undefined;
      note('panel page with charts');
      if (since !== undefined && !seen.includes('page')) {
        seen.push('page');
        const pageMs = await frame.evaluate(() => Math.round(performance.now())).catch(() => -1);
        console.log(`# panel page loaded ${pageMs} ms before that`);
      }
      const state = await panelState(frame).catch(() => undefined);
      if (!state || state.canvases === 0) return undefined;
      const rate = state.charts.find((c) => c.id === 'chart-rate');
      return rate && !rate.empty && rate.lengths.some((n) => n > 0) ? { frame, state } : undefined;
    },
    label,
    timeoutMs,
    100,
  );
}

describe('the live panel in code-server', { skip: missing }, () => {
  let editor: Editor;

  before(async () => {
    editor = await Editor.start({
      workspaceFixture: join(REPO, 'test/e2e/workspace-panel'),
      extraFolders: { examples: join(REPO, 'examples') },
      // The panel gets the room the chat side bar would take.
      settings: { 'workbench.secondarySideBar.defaultVisibility': 'hidden', 'chat.disableAIFeatures': true },
    });
  });

  after(async () => {
    await editor?.close();
  });

  test('CodeLens → populated charts, the multiplier steers the rate, reopen restores, Stop gives the verdict and a history entry', async () => {
    await editor.step('panel-steer', async () => {
      const clickedAt = await clickRunLens(editor, 'steer.stampede.yaml');
      const { state: first } = await waitForPopulatedPanel(editor, 30_000, 'the panel with a populated rate chart', clickedAt);
      const elapsed = Date.now() - clickedAt;
      console.log(`# CodeLens click to populated charts: ${elapsed} ms`);
      assert.ok(first.canvases >= 7, `expected every chart's canvas, saw ${first.canvases}`);
      // The figure (5 s is the goal; 2.9-4.9 s on an idle machine, about 3 s of it code-server
      // creating the webview) is printed above, not asserted: at load 19 it read 10.9 s. The wait
      // above is the hang guard.

      // Status bar while the run goes: stage, rate, error share, TTFT p95.
      const status = editor.page.locator('.statusbar-item', { hasText: 'TTFT p95' });
      await waitFor(() => status.first().isVisible(), 'the run status bar item', 15_000);
      assert.match((await status.first().textContent()) ?? '', /steady · [\d.]+\/s · err /);

      // A few seconds at 1×, then ×3 from the slider.
      await waitFor(() => resultsSeries(editor.workspace).filter((p) => p.t >= 2).length >= 4, 'four steady ticks in the results file', 30_000);
      let frame = (await panelFrame(editor))!;
      await frame.locator('#multiplier').fill('48'); // logarithmic slider: 10^(48/100) ≈ 3.02×
      await waitFor(() => resultsSeries(editor.workspace).filter((p) => p.multiplier > 2.5).length >= 5, 'five ticks at ×3 in the results file', 40_000);
      const series = resultsSeries(editor.workspace);
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
      const before = series.filter((p) => p.multiplier === 1 && p.t >= 2);
      const raisedAt = series.find((p) => p.multiplier > 2.5)!.t;
      // The tick in which the change came is partly at each level: leave it out.
      const afterRaise = series.filter((p) => p.multiplier > 2.5 && p.t > raisedAt);
      const rateBefore = mean(before.map((p) => p.sentRate));
      const rateAfter = mean(afterRaise.map((p) => p.sentRate));
      assert.ok(rateAfter > 1.8 * rateBefore, `achieved rate ${rateBefore.toFixed(1)}/s at 1× and ${rateAfter.toFixed(1)}/s at 3×`);

      // Close the panel mid-run and open it again: the whole history comes back.
      frame = (await panelFrame(editor))!;
      const shownBeforeClose = ticksShown(await panelState(frame));
      const tab = editor.page.locator('.tabs-container .tab', { hasText: 'Stampede: Steer by hand' });
      await tab.first().hover();
      await tab.first().locator('.tab-actions .action-label').first().click();
      await waitFor(async () => !(await tab.first().isVisible()), 'the panel tab closed');
      await waitFor(async () => (await panelFrame(editor)) === undefined, 'the panel document gone');
      await editor.runCommand('Stampede: Show Live Panel');
      const { state: reopened } = await waitForPopulatedPanel(editor, 20_000, 'the reopened panel');
      assert.ok(ticksShown(reopened) >= shownBeforeClose, `the reopened panel holds ${ticksShown(reopened)} ticks, ${shownBeforeClose} were shown before closing`);
      assert.ok(reopened.charts.every((c) => c.lengths.length > 0), 'every chart reports its dataset lengths');
      await editor.screenshot('panel-reopened');

      // Stop from the panel: the verdict follows within a few seconds.
      frame = (await panelFrame(editor))!;
      const stoppedAt = Date.now();
      await frame.locator('#stop').click();
      const verdict = await waitFor(async () => (await panelState((await panelFrame(editor))!).catch(() => undefined))?.verdict ?? undefined, 'the verdict in the panel', 10_000, 100);
      const stopMs = Date.now() - stoppedAt;
      assert.ok(stopMs <= 3_000, `the verdict appeared ${stopMs} ms after Stop (about a second expected, 3 s allowed)`);
      assert.match(verdict, /./);
      // After the run the item keeps the status word and whole-run figures (a stop is STOPPED).
      await waitFor(async () => /STOPPED · err [\d.]+% · TTFT p95 .* \(whole run\)/.test((await editor.page.locator('.statusbar-item', { hasText: 'STOPPED' }).first().textContent().catch(() => '')) ?? ''), 'the status word in the status bar after the run');

      // The history view lists the run.
      const pane = editor.page.locator('.pane-header', { hasText: 'Stampede Runs' });
      await waitFor(() => pane.first().isVisible(), 'the Stampede Runs view in the Explorer', 20_000);
      if ((await pane.first().getAttribute('aria-expanded')) !== 'true') await pane.first().click();
      const entry = editor.page.locator('.pane-body .monaco-list-row', { hasText: 'Steer by hand' });
      await waitFor(() => entry.first().isVisible(), 'the run in the history view', 20_000);
      await editor.screenshot('panel-stopped');
    });
  });

  test('the quickstart scenario mid-run with every chart populated (screenshot)', async () => {
    await editor.step('panel-quickstart', async () => {
      // A run left going by an earlier failure would make the CodeLens ask to stop it first.
      if (await editor.page.locator('.statusbar-item', { hasText: '(last 10 s)' }).first().isVisible()) {
        await editor.runCommand('Stampede: Stop Run');
        await waitFor(async () => !(await editor.page.locator('.statusbar-item', { hasText: '(last 10 s)' }).first().isVisible()), 'the earlier run stopped');
      }
      await editor.runCommand('View: Close All Editors');
      await clickRunLens(editor, 'examples/quickstart.stampede.yaml');
      // Into the spike, so the stage bands, the TTFT climb and every signal are on the charts.
      const ready = await waitFor(
        async () => {
          const frame = await panelFrame(editor);
          const state = frame ? await panelState(frame).catch(() => undefined) : undefined;
          if (!state || state.charts.length === 0) return undefined;
          return state.charts.every((c) => !c.empty) && ticksShown(state) >= 32 ? state : undefined;
        },
        'every chart populated on the quickstart run',
        90_000,
        250,
      );
      // The panel fills the window for the picture: the charts, not the YAML, the output or the
      // side bars, in a viewport tall enough for every chart.
      // ("View: Hide Panel" is offered only while the bottom panel is open.)
      if (await editor.page.locator('.part.panel').first().isVisible()) await editor.runCommand('View: Hide Panel');
      await editor.page.locator('.tabs-container .tab', { hasText: 'Stampede: Quickstart' }).first().click();
      await editor.runCommand('View: Maximize Editor Group and Hide Side Bars');
      await editor.page.setViewportSize({ width: 1500, height: 1500 });
      const frame = await waitFor(() => panelFrame(editor), 'the panel after maximizing');
      // Charts redraw at their new size on the next tick; wait for one.
      const shown = ticksShown(await panelState(frame));
      await waitFor(async () => ticksShown(await panelState(frame)) > shown + 1, 'two more ticks on the resized charts', 10_000);
      await editor.page.mouse.move(750, 1450); // no tab tooltip over the panel's title
      const file = await editor.screenshot('panel-quickstart');
      assert.equal(file, join(ARTIFACTS, 'panel-quickstart.png'));
      // The quickstart uses no prompt cache, providers' failover, agents, gateway or monitors:
      // those charts are not drawn (issue 15), every other one is, and holds data.
      assert.deepEqual(ready.charts.map((c) => c.id), ['chart-rate', 'chart-latency', 'chart-itl', 'chart-outcomes', 'chart-queue', 'chart-cost']);
      await frame.locator('#stop').click();
      await waitFor(async () => (await panelState(frame).catch(() => undefined))?.verdict ?? undefined, 'the quickstart run stopped', 10_000);
      await editor.page.setViewportSize({ width: 1400, height: 900 });
      // Keys go to the workbench again, not to the panel's frame (its side bar is hidden now).
      await editor.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    });
  });

  test('an upstream outage: the fault window drawn on every chart, the upstream share chart filled (screenshot)', async () => {
    await editor.step('panel-fault-window', async () => {
      await editor.runCommand('View: Close All Editors');
      await clickRunLens(editor, 'upstream-outage.stampede.yaml');
      // Past the window (8–16 s) and into the recovery, so the band sits between two shares.
      const ready = await waitFor(
        async () => {
          const frame = await panelFrame(editor);
          const state = frame ? await panelState(frame).catch(() => undefined) : undefined;
          if (!state || ticksShown(state) < 21) return undefined;
          const upstreams = state.charts.find((c) => c.id === 'chart-upstreams');
          return upstreams && !upstreams.empty ? { frame: frame!, state } : undefined;
        },
        'the upstream outage run past its fault window',
        90_000,
        250,
      );
      const bands = await ready.frame.evaluate(() =>
        Array.from(document.querySelectorAll('.live .chart-card:not([hidden])') as unknown as ArrayLike<HTMLElement>).map((card) => [card.id, card.dataset.faults ?? '']),
      );
      assert.ok(bands.length >= 5, JSON.stringify(bands));
      for (const [id, faults] of bands) assert.equal(faults, 'primary: outage (503 answers) 8–16', `the fault band on ${id}`);
      // A run no longer opens the Output channel, so the bottom panel may be closed already
      // ("View: Hide Panel" is offered only while it is open).
      if (await editor.page.locator('.part.panel').first().isVisible()) await editor.runCommand('View: Hide Panel');
      await editor.page.locator('.tabs-container .tab', { hasText: 'Stampede: Upstream outage' }).first().click();
      // Keys go to the workbench, not to the panel's frame: the side bar the palette would be
      // reached through is hidden since the quickstart's picture.
      await editor.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await editor.runCommand('View: Maximize Editor Group and Hide Side Bars');
      await editor.page.setViewportSize({ width: 1500, height: 1500 });
      const frame = await waitFor(() => panelFrame(editor), 'the panel after maximizing');
      // Charts redraw at their new size on the next tick, or at once when the run has ended.
      const shown = ticksShown(await panelState(frame));
      await waitFor(async () => {
        const state = await panelState(frame);
        return ticksShown(state) > shown + 1 || state.verdict !== null;
      }, 'two more ticks (or the verdict) on the resized charts', 20_000);
      await editor.page.mouse.move(750, 1450);
      const file = await editor.screenshot('panel-fault-window');
      assert.equal(file, join(ARTIFACTS, 'panel-fault-window.png'));
      if ((await panelState(frame)).verdict === null) await frame.locator('#stop').click();
      await waitFor(async () => (await panelState(frame).catch(() => undefined))?.verdict ?? undefined, 'the upstream outage run ended', 40_000);
      await editor.page.setViewportSize({ width: 1400, height: 900 });
      await editor.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    });
  });

  test('Test Explorer lists each scenario with its thresholds and marks them after a run', async () => {
    await editor.step('test-explorer', async () => {
      await editor.runCommand('View: Close All Editors');
      await editor.openFile('gate.stampede.yaml');
      await editor.page.locator('.activitybar .action-item a[aria-label^="Testing"]').first().click();
      const rows = editor.page.locator('.part.sidebar .monaco-list-row');
      const labels = () => rows.evaluateAll((els) => els.map((e) => `${e.getAttribute('aria-label') ?? ''} ${e.textContent ?? ''}`));
      await waitFor(async () => (await labels()).some((l) => l.includes('Gate in Test Explorer')), 'the scenario in Test Explorer', 60_000).catch(async (error: Error) => {
        throw new Error(`${error.message}; rows: ${(await labels()).join(' | ')}`);
      });
      await editor.openFile('gate.stampede.yaml');
      await editor.runCommand('Test: Run Tests in Current File');
      const scenarioRow = rows.filter({ hasText: 'Gate in Test Explorer' }).first();
      await waitFor(async () => /fail/i.test((await scenarioRow.getAttribute('aria-label')) ?? ''), 'the scenario marked failed', 60_000);
      if ((await scenarioRow.getAttribute('aria-expanded')) === 'false') await scenarioRow.click();
      const held = rows.filter({ hasText: 'errors.rate < 5%' }).first();
      const broke = rows.filter({ hasText: 'requests.total > 1000' }).first();
      await waitFor(() => broke.isVisible(), 'the threshold items');
      const all = await labels();
      assert.match((await held.getAttribute('aria-label')) ?? '', /pass/i, all.join(' | '));
      assert.match((await broke.getAttribute('aria-label')) ?? '', /fail/i, all.join(' | '));
      await editor.screenshot('test-explorer');
    });
  });
});
