// Artillery's merged report as a Stampede results document: figures, thresholds judged on the
// merged metrics (whole run, first breach per period), the series, and how the run ended.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeScenario } from '../../../src/core/analyze-scenario';
import { COUNTERS, HISTOGRAMS, requestOutcomeCounter } from '../../../src/core/artillery-metrics';
import { parseArtilleryReport, resultsFromArtillery, type ArtilleryReport } from '../../../src/artillery/artillery-results';
import { renderMarkdownReport } from '../../../src/report/markdown-report';
import { renderJunitReport } from '../../../src/report/junit-report';
import { renderHtmlReport } from '../../../src/report/html-report';

const plan = analyzeScenario(`name: merged
providers: [{ id: m, type: mock, profile: instant }]
workload:
  mix: [{ name: a, weight: 1, promptTokens: 10, maxTokens: 5 }]
load:
  stages: [{ name: only, for: 20s, rate: 10/s }]
thresholds:
  - ttft.p95 < 500ms
  - errors.count < 3
  - errors.rate < 10%
  - ttft.growth < 2
`).plan!;

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);
const summary = (p95: number, count: number) => ({ min: 10, max: p95 + 10, count, mean: p95 / 2, p50: p95 / 2, median: p95 / 2, p75: p95 * 0.8, p90: p95 * 0.9, p95, p99: p95 + 5, p999: p95 + 9 });
const counters = (sent: number, ok: number, failed: number) => ({
  [COUNTERS.workers]: 0,
  [COUNTERS.sent]: sent,
  [COUNTERS.finished]: ok + failed,
  [COUNTERS.failed]: failed,
  [requestOutcomeCounter('ok')]: ok,
  [requestOutcomeCounter('server_error')]: failed,
  [requestOutcomeCounter('aborted')]: 0,
  [COUNTERS.outputTokens]: ok * 5,
  [COUNTERS.costMicroUsd]: ok * 10,
});

function report(): ArtilleryReport {
  const p1 = { period: T0, counters: { ...counters(100, 100, 0), [COUNTERS.workers]: 2 }, summaries: { [HISTOGRAMS.ttft]: summary(300, 100) }, firstMetricAt: T0 + 500, lastMetricAt: T0 + 9999 };
  const p2 = { period: T0 + 10_000, counters: { ...counters(100, 96, 4), [COUNTERS.workerMs]: 41_000, 'stampede.end.completed': 2 }, summaries: { [HISTOGRAMS.ttft]: summary(700, 96) }, firstMetricAt: T0 + 10_000, lastMetricAt: T0 + 20_400 };
  const aggregate = { counters: { ...counters(200, 196, 4), [COUNTERS.workers]: 2, [COUNTERS.workerMs]: 41_000, 'stampede.end.completed': 2 }, summaries: { [HISTOGRAMS.ttft]: summary(600, 196) }, firstMetricAt: T0 + 500, lastMetricAt: T0 + 20_400 };
  return { aggregate, intermediate: [p2, p1] };
}

const input = { plan, workers: 2, reportFile: 'report.json', scenarioFile: 'merged.stampede.yaml', overrides: [], toolVersion: '0.1.0' };

test('whole-run figures come from the merged counters and sketches', () => {
  const doc = resultsFromArtillery(report(), input);
  const s = doc.summary!;
  assert.equal(s.requests.total, 200);
  assert.equal(s.requests.sent, 200);
  assert.equal(s.outcomes.ok, 196);
  assert.equal(s.ttft.p95, 600);
  assert.equal(s.ttft.count, 196);
  assert.equal(s.durationMs, 20_500, 'worker_ms / workers');
  assert.ok(Math.abs(s.cost.total - 196 * 10 / 1e6) < 1e-12);
  assert.equal(s.endReason, 'completed');
  assert.equal(doc.source?.workersReported, 2);
  assert.deepEqual(doc.series.map((p) => p.t), [10, 20], 'one point per period, in order');
  assert.equal(doc.series[1].ttft.p95, 700);
  assert.equal(doc.series[0].sentRate, 100 / 9.5, 'the first period starts with the run');
});

test('thresholds are judged on the merged whole run, first breaches found per period', () => {
  const s = resultsFromArtillery(report(), input).summary!;
  const [ttft, count, rate, growth] = s.thresholds;
  assert.equal(ttft.pass, false);
  assert.equal(ttft.value, 600);
  assert.equal(ttft.firstBreach?.t, 20, 'period 2 had p95 700 ms; period 1 had 300 ms');
  assert.equal(count.pass, false, '4 errors >= 3');
  assert.equal(count.firstBreach?.t, 20, 'counts are cumulative');
  assert.equal(rate.pass, true, '4 of 200');
  assert.equal(growth.pass, null, 'not judged: no Artillery metric');
  assert.match(s.verdict.headline, /^FAIL — ttft\.p95 < 500ms broke first at 20s .*: 700 ms \(\+1 more failed\)/);
  const md = renderMarkdownReport(resultsFromArtillery(report(), input));
  assert.match(md, /merged DDSketch estimates/);
  assert.match(md, /\| – no data \| `ttft\.growth < 2` \|/);
  assert.match(renderJunitReport(resultsFromArtillery(report(), input)), /<property name="source" value="Merged from Artillery/);
  assert.match(renderHtmlReport(resultsFromArtillery(report(), input)), /Latency \(merged sketches: ±1 %, lower rank\)/);
});

test('fewer workers than exported, and a worker that failed, are said', () => {
  const r = report();
  r.aggregate.counters![COUNTERS.workers] = 1;
  r.aggregate.counters!['stampede.end.error'] = 1;
  const doc = resultsFromArtillery(r, input);
  assert.equal(doc.summary!.endReason, 'error');
  assert.match(doc.summary!.endMessage ?? '', /1 of 1 workers ended with an error/);
  assert.ok(doc.logs.some((l) => /1 of the 2 workers .* 1\/2 of the planned load/.test(l.message)));
  assert.equal(doc.series[0].targetLevel, 5, 'the target of the workers that ran');
});

test('a file that is not an Artillery report of a Stampede script is refused in one line', () => {
  assert.throws(() => parseArtilleryReport('{'), /not valid JSON/);
  assert.throws(() => parseArtilleryReport('{"a":1}'), /not an Artillery report/);
  assert.throws(() => parseArtilleryReport('{"aggregate":{"counters":{"http.requests":3}},"intermediate":[]}'), /no Stampede metrics/);
});
