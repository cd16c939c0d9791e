// The panel page in headless Chromium, driven by the real host logic (PanelSession) over a
// fake acquireVsCodeApi: a recorded run streams in, the charts fill, thresholds flip at the
// right ticks, Stop and the multiplier reach the run, a reload replays the whole run, and the
// page raises no CSP violation. Screenshots go to test-results/panel/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { HostMessage } from '../../src/protocol/panel-messages';
import { PanelSession } from '../../src/extension/panel/panel-session';
import { launchChromium, startPanelPage, type PanelPageServer } from './panel-harness';
import { syntheticRun } from './fixtures/synthetic-run';

const shots = resolve(__dirname, '../../test-results/panel');

interface PageGlobals {
  __sent: Array<{ type: string; value?: number }>;
  __violations: string[];
  __feed(m: HostMessage): void;
  __setTheme(name: string): void;
}

let server: PanelPageServer;
let browser: Browser;
const consoleErrors: string[] = [];

before(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startPanelPage();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function openPanel(): Promise<{ page: Page; session: PanelSession; calls: string[]; sent: HostMessage[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1900 } });
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  const calls: string[] = [];
  const sent: HostMessage[] = [];
  const session = new PanelSession({
    stop: () => calls.push('stop'),
    setMultiplier: (v) => calls.push(`multiplier ${v}`),
  });
  session.attach({
    post: (m) => {
      sent.push(m);
      void page.evaluate((msg) => (window as unknown as PageGlobals).__feed(msg), m).catch(() => undefined);
    },
  });
  await page.exposeFunction('__toHost', (m: unknown) => session.onWebviewMessage(m));
  await page.goto(server.url);
  await page.waitForFunction(() => (window as unknown as PageGlobals).__sent.some((m) => m.type === 'ready'));
  return { page, session, calls, sent };
}

/** Waits until every series of the rate chart holds `n` points. */
async function waitForTicks(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    (want) => document.querySelector<HTMLElement>('#chart-rate')?.dataset.points?.split(',').every((c) => Number(c) === want) ?? false,
    n,
    { timeout: 10_000 },
  );
}

const rowState = (page: Page, id: string) =>
  page.evaluate((th) => document.querySelector<HTMLElement>(`tr[data-threshold="${th}"]`)?.dataset.state ?? null, id);

test('a recorded run streams into the panel; thresholds flip on their tick; reload replays it', async () => {
  const run = syntheticRun(120);
  const { page, session, calls, sent } = await openPanel();
  try {
    session.onRunEvent(run.start);
    const ttftBreach = run.breachAt['th-0']!;
    const errorBreach = run.breachAt['th-1']!;
    // Feed in chunks that end right before and right at each breach, checking the row each time.
    let fed = 0;
    const feedTo = async (t: number) => {
      while (fed < t) session.onRunEvent({ type: 'tick', point: run.ticks[fed++]! });
      await waitForTicks(page, fed);
    };
    await feedTo(ttftBreach - 1);
    assert.equal(await rowState(page, 'th-0'), 'pass');
    await feedTo(ttftBreach);
    assert.equal(await rowState(page, 'th-0'), 'fail');
    assert.equal(await rowState(page, 'th-1'), 'pass');
    await feedTo(errorBreach - 1);
    assert.equal(await rowState(page, 'th-1'), 'pass');
    await feedTo(errorBreach);
    assert.equal(await rowState(page, 'th-1'), 'fail');
    assert.equal(await rowState(page, 'th-2'), 'pass');
    const breachText = await page.textContent('tr[data-threshold="th-0"] .threshold-breach');
    // Written as the CLI and the reports write a time (1m10s, 45s).
    const minutes = Math.floor(ttftBreach / 60);
    assert.match(breachText ?? '', new RegExp(minutes > 0 ? `^${minutes}m${String(ttftBreach % 60).padStart(2, '0')}s` : `^${ttftBreach}s`));

    // Live controls reach the run through the host.
    await page.evaluate(() => {
      const slider = document.querySelector<HTMLInputElement>('#multiplier')!;
      slider.value = '30';
      slider.dispatchEvent(new Event('input'));
      slider.dispatchEvent(new Event('change'));
    });
    await page.waitForFunction(() => (window as unknown as PageGlobals).__sent.some((m) => m.type === 'setMultiplier'));
    assert.equal(await page.textContent('.multiplier-value'), '2.00×');
    await page.click('#stop');
    await page.waitForFunction(() => (window as unknown as PageGlobals).__sent.some((m) => m.type === 'stop'));
    assert.deepEqual(calls, ['multiplier 2', 'stop']);
    assert.equal(await page.isDisabled('#multiplier'), true, 'controls are off while stopping');

    await feedTo(100);
    await page.screenshot({ path: join(shots, 'panel-mid-run.png'), fullPage: true });

    // While live each tick travels once, in batched updates: never the series again.
    const updates = sent.filter((m) => m.type === 'update');
    assert.equal(updates.reduce((n, m) => n + m.points.length, 0), 100);
    assert.deepEqual(updates.flatMap((m) => m.points.map((p) => p.t)), run.ticks.slice(0, 100).map((p) => p.t));

    // A reload (the panel closed and reopened, or the window reloaded) asks again and gets all.
    await page.reload();
    await page.waitForFunction(() => (window as unknown as PageGlobals).__sent.some((m) => m.type === 'ready'));
    await waitForTicks(page, 100);
    assert.equal(sent.filter((m) => m.type === 'replay').length, 2);
    assert.equal(await rowState(page, 'th-1'), 'fail');

    while (fed < run.ticks.length) session.onRunEvent({ type: 'tick', point: run.ticks[fed++]! });
    session.onRunEvent({ type: 'done', summary: run.summary });
    await page.waitForSelector('.verdict:not([hidden])');
    await waitForTicks(page, run.ticks.length);

    // Every chart holds data; every series of it that the run reported is full.
    const lengths = await page.evaluate(() =>
      Object.fromEntries(Array.from(document.querySelectorAll<HTMLElement>('.chart-card'), (c) => [c.id, c.dataset.points ?? ''])),
    );
    for (const [chart, counts] of Object.entries(lengths)) {
      const n = String(counts).split(',').map(Number);
      assert.ok(n.length > 0 && n.every((c) => c > 0), `${chart} has data in every series: ${counts}`);
    }
    assert.equal(lengths['chart-rate'], Array(4).fill(120).join(','));
    const emptyNotes = await page.$$eval('.chart-empty:not([hidden])', (els) => els.length);
    assert.equal(emptyNotes, 0);

    // The timeline lists breaches earliest first; a link marks its second and keeps it as UI state.
    const links = await page.$$eval('.timeline a.moment-link', (as) => as.map((a) => Number((a as HTMLElement).dataset.t)));
    assert.deepEqual(links, [ttftBreach, errorBreach]);
    await page.click('.timeline a.moment-link');
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __uiState: unknown }).__uiState), { markerT: ttftBreach, runId: run.start.runId });
    assert.match((await page.textContent('.verdict-headline')) ?? '', /broke first/);
    await page.screenshot({ path: join(shots, 'panel-finished-dark.png'), fullPage: true });

    // A theme switch recolours the charts from the new --vscode-* values.
    const swatchColor = () => page.$eval('#chart-rate .legend-swatch', (el) => getComputedStyle(el).borderTopColor);
    const darkColor = await swatchColor();
    await page.evaluate(() => (window as unknown as PageGlobals).__setTheme('light'));
    await page.waitForFunction((dark) => getComputedStyle(document.querySelector('#chart-rate .legend-swatch')!).borderTopColor !== dark, darkColor);
    assert.equal(await swatchColor(), 'rgb(97, 97, 97)', 'light theme charts-foreground');
    await page.screenshot({ path: join(shots, 'panel-finished-light.png'), fullPage: true });
    await page.evaluate(() => (window as unknown as PageGlobals).__setTheme('hc'));
    await page.waitForTimeout(100);
    await page.screenshot({ path: join(shots, 'panel-finished-high-contrast.png'), fullPage: true });

    const violations = await page.evaluate(() => (window as unknown as PageGlobals).__violations);
    assert.deepEqual(violations, []);
    assert.deepEqual(consoleErrors, []);
  } finally {
    session.dispose();
    await page.close();
  }
});

test('a page opened after the run ended shows it whole from one replay', async () => {
  const run = syntheticRun(60, 3);
  const { page, session } = await openPanel();
  try {
    // The session saw the run before this page said ready: nothing streamed, one replay.
    session.markNotReady();
    session.onRunEvent(run.start);
    for (const point of run.ticks) session.onRunEvent({ type: 'tick', point });
    session.onRunEvent({ type: 'done', summary: run.summary });
    await page.reload();
    await waitForTicks(page, 60);
    await page.waitForSelector('.verdict:not([hidden])');
    assert.equal(await page.getAttribute('#stop', 'disabled'), '');
    const violations = await page.evaluate(() => (window as unknown as PageGlobals).__violations);
    assert.deepEqual(violations, []);
  } finally {
    session.dispose();
    await page.close();
  }
});

test('a run shown after a window reload carries its note; a comparison shows deltas and overlaid charts', async () => {
  const older = syntheticRun(60, 3);
  const newer = syntheticRun(90, 11);
  const { page, session, sent } = await openPanel();
  try {
    session.series.load(newer.start, newer.ticks.slice(0, 40), null, 'run ended with the window reload; showing what was measured');
    await page.reload();
    await waitForTicks(page, 40);
    assert.match((await page.textContent('#run-note')) ?? '', /window reload/);
    assert.equal(await page.getAttribute('#stop', 'disabled'), '', 'nothing to stop in a run no runner drives');

    const side = (run: typeof older, label: string) => ({ label, start: run.start, points: run.ticks, summary: run.summary });
    session.showComparison({ type: 'compare', baseline: side(older, 'before'), current: side(newer, 'after') });
    await page.waitForSelector('.compare:not([hidden]) .compare-table tbody tr');
    assert.equal(await page.isVisible('.live'), false);
    const rows = await page.$$eval('.compare-table tbody tr', (trs) => trs.map((tr) => (tr as HTMLElement).dataset.metric));
    assert.deepEqual(rows, ['requests', 'errors.rate', 'ttft.p50', 'ttft.p95', 'ttft.p99', 'e2e.p95', 'tokens.perSecond', 'cost.total', 'cost.perRequest']);
    const points = await page.$$eval('.compare-charts .chart-card', (cards) => cards.map((c) => (c as HTMLElement).dataset.points));
    assert.equal(points.length, 6);
    assert.ok(points.includes('60,90'), `overlay lengths ${points.join(' ')}`);
    assert.equal(await page.locator('.compare-charts canvas').count(), 6);
    await page.screenshot({ path: join(shots, 'panel-compare.png'), fullPage: true });

    // A reload (panel hidden and shown again) brings the comparison back; Back leaves it.
    await page.reload();
    await page.waitForSelector('.compare:not([hidden]) .compare-table tbody tr');
    await page.click('#close-compare');
    await page.waitForSelector('.live:not([hidden])');
    await page.waitForFunction(() => (window as unknown as PageGlobals).__sent.some((m) => m.type === 'closeCompare'));
    assert.equal(session.comparing, false);
    assert.ok(sent.some((m) => m.type === 'compare'));
    const violations = await page.evaluate(() => (window as unknown as PageGlobals).__violations);
    assert.deepEqual(violations, []);
  } finally {
    session.dispose();
    await page.close();
  }
});

test('ticks drawn the cheap way (layout kept, data-only update, background reused) give the pixels of a full redraw', async () => {
  const run = syntheticRun(600, 5);
  const open = async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1900 } });
    await page.goto(server.url);
    await page.waitForFunction(() => (window as unknown as PageGlobals).__sent.some((m) => m.type === 'ready'));
    return page;
  };
  // Page `live` takes one update per tick, a frame apart, as a live run sends them; page `full`
  // is given the same ticks in one replay at each checkpoint, which lays out and draws every
  // chart from scratch.
  const live = await open();
  const full = await open();
  try {
    const feed = (page: Page, m: HostMessage) => page.evaluate((msg) => (window as unknown as PageGlobals).__feed(msg), m);
    const canvases = (page: Page) =>
      page.$$eval('.chart-card:not([hidden]) canvas', (cs) => cs.map((c) => `${c.closest('section')!.id} ${(c as HTMLCanvasElement).toDataURL()}`));
    const draws = (page: Page) =>
      page.$$eval('.chart-card:not([hidden])', (cards) => cards.map((c) => ((c as HTMLElement).dataset.draws ?? '').split(' ').map(Number)));
    const ticksOneByOne = (ticks: typeof run.ticks) =>
      live.evaluate(async (points) => {
        for (const point of points) {
          await new Promise((r) => requestAnimationFrame(r));
          (window as unknown as PageGlobals).__feed({ type: 'update', points: [point] } as HostMessage);
        }
      }, ticks);
    await feed(live, { type: 'replay', start: run.start, points: run.ticks.slice(0, 450), summary: null, live: true });
    await ticksOneByOne(run.ticks.slice(450, 460));
    let compared = 0;
    let afterDataOnly = 0;
    for (let t = 460; t < 600; t += 7) {
      const before = await draws(live);
      await ticksOneByOne(run.ticks.slice(t, t + 7));
      const after = await draws(live);
      // Charts whose last update was data-only (one more data-only update, nothing else).
      after.forEach((a, i) => {
        if (a[0]! - before[i]![0]! === 7 && a[1]! - before[i]![1]! === 7) afterDataOnly++;
      });
      await feed(full, { type: 'replay', start: run.start, points: run.ticks.slice(0, t + 7), summary: null, live: true });
      const cheap = await canvases(live);
      const redrawn = await canvases(full);
      assert.equal(cheap.length, 12);
      assert.equal(redrawn.length, 12);
      cheap.forEach((c, i) => assert.ok(c === redrawn[i], `${c.split(' ')[0]} at ${t + 7} s differs from its full redraw`));
      compared += cheap.length;
    }
    assert.ok(afterDataOnly >= compared * 0.8, `${afterDataOnly} of ${compared} comparisons followed only data-only updates`);
    const counts = await draws(live);
    for (const [all, dataOnly, blits] of counts) {
      assert.ok(dataOnly! >= 130, `${dataOnly} of ${all} updates were data-only`);
      assert.ok(blits! >= 130, `${blits} draws reused the background`);
    }

    // A theme switch drops the kept backgrounds: the charts match a full redraw in the new theme.
    for (const page of [live, full]) await page.evaluate(() => (window as unknown as PageGlobals).__setTheme('light'));
    const lightFull = '#chart-rate .legend-swatch';
    for (const page of [live, full]) {
      await page.waitForFunction((sel) => getComputedStyle(document.querySelector(sel)!).borderTopColor === 'rgb(97, 97, 97)', lightFull);
    }
    await ticksOneByOne(run.ticks.slice(595, 596)); // a duplicate: skipped, nothing redrawn
    await feed(full, { type: 'replay', start: run.start, points: run.ticks.slice(0, 600), summary: null, live: true });
    const switched = await canvases(live);
    const redrawn = await canvases(full);
    switched.forEach((c, i) => assert.ok(c === redrawn[i], `${c.split(' ')[0]} keeps a stale background after the theme switch`));
  } finally {
    await live.close();
    await full.close();
  }
});
