// How the panel writes what it shows, in headless Chromium: every metric a threshold can name in
// its catalog unit (the webview once had its own formatter, which wrote a gateway duration as a
// bare count), and every axis label inside its canvas. Apart from panel.browser.test.ts so that
// file keeps its time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { HostMessage } from '../../src/protocol/panel-messages';
import { PanelSession } from '../../src/extension/panel/panel-session';
import { allMetrics, UPSTREAM_METRIC_EXAMPLES } from '../../vocabulary/metric-catalog';
import { formatMetricValue } from '../../vocabulary/format';
import { launchChromium, startPanelPage, type PanelPageServer } from './panel-harness';
import { syntheticRun } from './fixtures/synthetic-run';

interface PageGlobals {
  __sent: Array<{ type: string }>;
  __feed(m: HostMessage): void;
}

let server: PanelPageServer;
let browser: Browser;

before(async () => {
  server = await startPanelPage();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function openPanel(): Promise<{ page: Page; session: PanelSession }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1900 } });
  const session = new PanelSession({ stop: () => undefined, setMultiplier: () => undefined });
  session.attach({ post: (m) => void page.evaluate((msg) => (window as unknown as PageGlobals).__feed(msg), m).catch(() => undefined) });
  await page.exposeFunction('__toHost', (m: unknown) => session.onWebviewMessage(m));
  await page.goto(server.url);
  await page.waitForFunction(() => (window as unknown as PageGlobals).__sent.some((m) => m.type === 'ready'));
  return { page, session };
}

/** Waits until every series of the rate chart holds `n` points. */
async function waitForTicks(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    (want) => document.querySelector<HTMLElement>('#chart-rate')?.dataset.points?.split(',').every((c) => Number(c) === want) ?? false,
    n,
    { timeout: 10_000 },
  );
}

test('every metric a threshold can name is written in its unit on the threshold rows (gateway.failback.time 1077 → 1.08 s)', async () => {
  const run = syntheticRun(10, 3);
  const metrics = [...allMetrics().map((m) => m.key), ...UPSTREAM_METRIC_EXAMPLES.map((k) => k.replace('NAME', 'fallback'))];
  const thresholds = metrics.map((metric, i) => ({ id: `m-${i}`, source: `${metric} < 1`, metric }));
  const value = 1077;
  const states = thresholds.map((th) => ({ ...th, pass: false, value, firstBreach: null }));
  const { page, session } = await openPanel();
  try {
    session.onRunEvent({ ...run.start, thresholds });
    session.onRunEvent({ type: 'tick', point: { ...run.ticks[0]!, thresholds: states } });
    await waitForTicks(page, 1);
    const shown = await page.$$eval('tr[data-threshold] .threshold-value', (tds) => tds.map((td) => td.textContent));
    assert.equal(shown.length, metrics.length);
    const failback = metrics.indexOf('gateway.failback.time');
    assert.equal(shown[failback], '1.08 s');
    const wrong = metrics.map((m, i) => [m, shown[i], formatMetricValue(m, value)]).filter(([, got, want]) => got !== want);
    assert.deepEqual(wrong, [], 'rows not written as the vocabulary writes them: [metric, shown, expected]');
  } finally {
    session.dispose();
    await page.close();
  }
});

test('every axis label a chart draws fits inside its canvas (the last x label read "1m00" for "1m00s")', async () => {
  const run = syntheticRun(60, 3);
  const page = await browser.newPage({ viewport: { width: 1280, height: 1900 } });
  try {
    // Each canvas keeps the text of its last draw with its extent in canvas pixels.
    await page.addInitScript(() => {
      const proto = CanvasRenderingContext2D.prototype;
      const fillText = proto.fillText;
      const clearRect = proto.clearRect;
      type Recorded = HTMLCanvasElement & { __text?: Array<{ text: string; left: number; right: number }> };
      proto.clearRect = function (this: CanvasRenderingContext2D, x: number, y: number, w: number, h: number) {
        const c = this.canvas as Recorded;
        if (x <= 0 && y <= 0 && w >= c.width && h >= c.height) c.__text = [];
        return clearRect.call(this, x, y, w, h);
      };
      proto.fillText = function (this: CanvasRenderingContext2D, text: string, x: number, y: number, maxWidth?: number) {
        const c = this.canvas as Recorded;
        const m = this.getTransform();
        if (m.b === 0) {
          const width = this.measureText(text).width * m.a;
          const at = m.a * x + m.e;
          const left = this.textAlign === 'center' ? at - width / 2 : this.textAlign === 'right' || this.textAlign === 'end' ? at - width : at;
          (c.__text ??= []).push({ text: String(text), left, right: left + width });
        }
        return maxWidth === undefined ? fillText.call(this, text, x, y) : fillText.call(this, text, x, y, maxWidth);
      };
    });
    await page.goto(server.url);
    await page.waitForFunction(() => (window as unknown as PageGlobals).__sent.some((m) => m.type === 'ready'));
    await page.evaluate((msg) => (window as unknown as PageGlobals).__feed(msg), { type: 'replay', start: run.start, points: run.ticks, summary: run.summary, live: false } as HostMessage);
    await waitForTicks(page, 60);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const outside = await page.$$eval('.chart-card:not([hidden]) canvas', (cs) =>
      cs.flatMap((c) => {
        const drawn = (c as HTMLCanvasElement & { __text?: Array<{ text: string; left: number; right: number }> }).__text ?? [];
        return drawn.filter((t) => t.left < -0.5 || t.right > (c as HTMLCanvasElement).width + 0.5).map((t) => `${c.closest('section')!.id}: "${t.text}" spans ${Math.round(t.left)}–${Math.round(t.right)} of ${(c as HTMLCanvasElement).width}`);
      }),
    );
    const labels = await page.$$eval('#chart-rate canvas', (cs) => ((cs[0] as HTMLCanvasElement & { __text?: Array<{ text: string }> }).__text ?? []).map((t) => t.text));
    assert.ok(labels.includes('1m00s'), `the Load chart's x axis: ${labels.join(' ')}`);
    assert.deepEqual(outside, []);
  } finally {
    await page.close();
  }
});
