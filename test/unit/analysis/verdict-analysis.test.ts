// The analysis heads the CLI verdict, the Markdown summary and the HTML report.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunSummary } from '../../../src/protocol/run-events';
import { analysisHtml, analysisMarkdown } from '../../../src/report/analysis-section';
import { formatVerdict } from '../../../src/report/text-verdict';
import { plainPalette } from '../../../src/report/text-style';

const empty = { p50: null, p90: null, p95: null, p99: null, max: null, mean: null, min: null, count: 0 };
const outcomes = { ok: 1, unacceptable: 0, rate_limited: 0, server_error: 0, client_error: 0, timeout: 0, network: 0, canceled: 0, aborted: 0 };
const summary = {
  runId: 'r',
  scenario: 's',
  startedAt: '',
  endedAt: '',
  durationMs: 10_000,
  endReason: 'completed',
  requests: { total: 1, sent: 1, dropped: 0, attempts: 1, rate: 1 },
  outcomes,
  ttft: empty,
  itl: empty,
  e2e: empty,
  e2eIntended: empty,
  scheduleLag: empty,
  tpot: empty,
  tokens: { input: 0, cachedInput: 0, output: 0, perSecond: 0, method: 'none' },
  cost: { total: 0, perRequest: null },
  cacheHitRate: null,
  stages: [],
  thresholds: [],
  metrics: {},
  verdict: { pass: false, headline: 'sustains 4/s; broke at 5/s on ttft.p95 < 1s — FAIL — x', firstBreach: null },
  analysis: {
    timeline: [{ kind: 'queue-growing', t: 7, stage: 'spike', targetLevel: 8, message: 'queue depth rising above the baseline 0 for 3 s (to 9) at 8/s <b>', value: 2 }],
    firstBreak: null,
    highestPassingLevel: 4,
    recoveryMs: 2500,
    notRecovered: false,
    failoverMs: null,
    baseline: { ttftP95: 100, errorRate: 0, cacheHitRate: null, costPerRequest: null, agentStepsP95: null, queueDepth: 0 },
  },
  breakingPoint: { highestSustainableRate: 4, brokeAt: { rate: 5, threshold: 'ttft.p95 < 1s' } },
  cacheAB: { on: { requests: 10, hitRate: 0.8, ttft: { p50: 50, p95: 90 }, e2e: { p95: 300 } }, off: { requests: 10, hitRate: 0, ttft: { p50: 200, p95: 400 }, e2e: { p95: 900 } } },
} as RunSummary;

test('the CLI verdict starts with the headline, then what broke first', () => {
  const lines = formatVerdict(summary, { palette: plainPalette, loadModel: 'open' });
  assert.match(lines[0], /sustains 4\/s; broke at 5\/s on ttft.p95 < 1s/);
  assert.equal(lines[1], 'What broke first:');
  assert.match(lines[2], /^ {2}7s \[spike\] queue depth rising/);
  assert.ok(lines.some((l) => /Every threshold held up to 4\/s/.test(l)));
  assert.ok(lines.some((l) => /Recovered in 2.5 s after load dropped/.test(l)));
  assert.ok(lines.some((l) => /cache on .*hit rate 80%/.test(l)));
  assert.ok(lines.some((l) => /cache off .*hit rate 0%/.test(l)));
});

test('the HTML section escapes text; Markdown numbers the timeline', () => {
  const html = analysisHtml(summary, 'open');
  assert.match(html, /<h2>What broke first<\/h2>/);
  assert.match(html, /&lt;b&gt;/);
  assert.match(html, /Breaking point: highest sustainable rate 4\/s; broke at 5\/s/);
  const md = analysisMarkdown(summary, 'open', (t) => t.replace(/</g, '\\<'));
  assert.equal(md[0], '**What broke first**');
  assert.match(md[2], /^1\. 7s \[spike\]/);
  assert.equal(analysisHtml(null, 'open'), '');
});
