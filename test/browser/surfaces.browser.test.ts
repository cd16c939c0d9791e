// One fixed results file (a real run of the mock, stopped by SIGINT after 14 s with 429s and a
// request aborted by the stop) through every surface: the status bar text, the live panel
// (rendered in Chromium from the host's replay of that file, as after a window reload), the CLI
// verdict, the HTML, Markdown and JUnit reports. Each shows the same error rate, TTFT p95,
// status word and cost, written the same way. The file's aborted request makes the error rate
// differ by definition (47 of 82 judged, not of 83 finished), which is how the panel and the
// report once disagreed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import type { HostMessage } from '../../src/protocol/panel-messages';
import { parseResults, type ResultsDocument } from '../../src/report/results-document';
import type { ClientLimitFinding } from '../../src/protocol/run-events';
import { withClientLimits } from '../../src/runner/summary-analysis';
import { renderHtmlReport } from '../../src/report/html-report';
import { renderMarkdownReport } from '../../src/report/markdown-report';
import { renderJunitReport } from '../../src/report/junit-report';
import { formatVerdict } from '../../src/report/text-verdict';
import { plainPalette } from '../../src/report/text-style';
import { finishedText } from '../../src/extension/run-status-text';
import { storedRun } from '../../src/extension/run-records';
import { PanelSession } from '../../src/extension/panel/panel-session';
import { formatMs, formatPercent, formatUsd } from '../../vocabulary/format';
import { verdictLine } from '../../vocabulary/figures';
import { launchChromium, startPanelPage, type PanelPageServer } from './panel-harness';

const doc = parseResults(readFileSync(resolve(__dirname, '../fixtures/results/stopped-run.results.json'), 'utf8'));
const summary = doc.summary!;

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

/** The panel's tiles and header after the host replays the stored run. */
async function panelText(shown: ResultsDocument = doc): Promise<{ status: string; headline: string; tiles: Record<string, string> }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1200 } });
  try {
    const session = new PanelSession({ stop: () => undefined, setMultiplier: () => undefined });
    const stored = storedRun(shown);
    session.series.load(stored.start, stored.points, stored.summary, stored.note);
    session.attach({ post: (m: HostMessage) => void page.evaluate((msg) => (window as unknown as { __feed(m: unknown): void }).__feed(msg), m).catch(() => undefined) });
    await page.exposeFunction('__toHost', (m: unknown) => session.onWebviewMessage(m));
    await page.goto(server.url);
    await page.waitForFunction(() => !(document.querySelector('.live .verdict') as HTMLElement | null)?.hidden);
    return await page.evaluate(() => {
      const tiles: Record<string, string> = {};
      for (const kpi of Array.from(document.querySelectorAll('.kpi'))) {
        tiles[kpi.querySelector('.kpi-name')!.textContent!] = `${kpi.querySelector('.kpi-value')!.textContent} · ${kpi.querySelector('.kpi-detail')!.textContent}`;
      }
      return { status: document.querySelector('.status-pill')!.textContent!, headline: document.querySelector('.verdict-headline')!.textContent!, tiles };
    });
  } finally {
    await page.close();
  }
}

test('one results file shows the same error rate, TTFT p95, status word and cost on every surface', async () => {
  // The figures as the one formatter writes them.
  const errorRate = formatPercent(summary.metrics['errors.rate']);
  const ttft = formatMs(summary.ttft.p95);
  const cost = formatUsd(summary.cost.total);
  assert.equal(summary.endReason, 'stopped');
  assert.deepEqual([errorRate, ttft, cost], ['57.3%', '357 ms', '$0.0019']);
  // The other definition, errors over every finished request, would say 56.6 %.
  assert.notEqual(formatPercent(47 / 83), errorRate);

  const statusBar = finishedText(summary);
  assert.equal(statusBar, `$(debug-stop) STOPPED · err ${errorRate} · TTFT p95 ${ttft} · ${cost} (whole run)`);

  const panel = await panelText();
  assert.equal(panel.status, 'STOPPED');
  assert.match(panel.headline, /^STOPPED — /);
  assert.equal(panel.tiles['Error rate'], `${errorRate} · whole run`);
  assert.equal(panel.tiles['TTFT p95'], `${ttft} · whole run`);
  assert.match(panel.tiles['Cost']!, new RegExp(`^\\${cost} · whole run`));

  const cli = formatVerdict(summary, { palette: plainPalette, thresholds: doc.scenario.plan.thresholds, loadModel: doc.run?.loadModel }).join('\n');
  assert.match(cli, /^Verdict: STOPPED/);
  assert.ok(cli.includes(`Whole run: error rate ${errorRate} · TTFT p95 ${ttft} · cost ${cost}`), cli);

  const html = renderHtmlReport(doc);
  assert.match(html, /<span class="state">STOPPED<\/span>/);
  const card = (name: string) => new RegExp(`<div class="k">${name}</div><div class="v">([^<]*)</div>`).exec(html)?.[1];
  assert.equal(card('Error rate'), errorRate);
  assert.equal(card('TTFT p95'), ttft);
  assert.equal(card('Cost'), cost);

  const md = renderMarkdownReport(doc);
  assert.match(md, /\*\*⏹ STOPPED\*\* — /);
  const header = md.split('\n').find((l) => l.startsWith('| Requests'))!.split('|').map((c) => c.trim());
  const row = md.split('\n')[md.split('\n').findIndex((l) => l.startsWith('| Requests')) + 2]!.split('|').map((c) => c.trim());
  const cell = (name: string) => row[header.indexOf(name)];
  assert.deepEqual([cell('Error rate'), cell('TTFT p95'), cell('Cost')], [errorRate, ttft, cost]);

  const junit = renderJunitReport(doc);
  const property = (name: string) => new RegExp(`<property name="${name.replace('.', '\\.')}" value="([^"]*)"/>`).exec(junit)?.[1];
  assert.deepEqual([property('status'), property('errors.rate'), property('ttft.p95'), property('cost.total')], ['STOPPED', errorRate, ttft, cost]);
  assert.match(junit, /type="STOPPED"/);
});

test('a run the load tester could not deliver says INCONCLUSIVE on every surface, once', async () => {
  // The stored run as a completed one during which the client's connection cap held for most of
  // it: the verdict comes from the runner's own rule (withClientLimits), as a real run's would.
  const cap: ClientLimitFinding = {
    kind: 'connection-cap',
    t: 2,
    stage: 'steady',
    targetLevel: 5,
    message: 'client connection cap 50 reached at 2 s: up to 120 requests waiting in Stampede, not in the server',
    hint: 'raise providers[].maxConnections',
    seconds: 12,
    requests: 120,
    failed: 0,
    material: true,
  };
  const verdict = withClientLimits({ ...summary.verdict, pass: true, headline: 'PASS — all 2 thresholds held' }, [cap]);
  const s = { ...summary, endReason: 'completed' as const, clientLimits: [cap], verdict };
  const inconclusive: ResultsDocument = { ...doc, status: 'completed', summary: s };

  // The notification's line: the word once (the headline starts with it too).
  assert.match(verdictLine(s), /^INCONCLUSIVE — client connection cap 50 reached at 2 s/);
  assert.doesNotMatch(verdictLine(s), /INCONCLUSIVE — INCONCLUSIVE/);
  assert.match(finishedText(s), /^\$\(warning\) INCONCLUSIVE · err /);

  const panel = await panelText(inconclusive);
  assert.equal(panel.status, 'INCONCLUSIVE');
  assert.match(panel.headline, /^INCONCLUSIVE — client connection cap 50 reached/);

  const cli = formatVerdict(s, { palette: plainPalette, thresholds: doc.scenario.plan.thresholds, loadModel: doc.run?.loadModel }).join('\n');
  assert.match(cli, /^Verdict: INCONCLUSIVE — client connection cap 50 reached/);

  const html = renderHtmlReport(inconclusive);
  assert.match(html, /<span class="state">INCONCLUSIVE<\/span><span class="headline">client connection cap 50 reached/);

  const md = renderMarkdownReport(inconclusive);
  assert.match(md, /\*\*⚠️ INCONCLUSIVE\*\* — client connection cap 50 reached/);

  const junit = renderJunitReport(inconclusive);
  assert.match(junit, /<property name="status" value="INCONCLUSIVE"\/>/);
});
