// Upstreams the run owns (issue 12), without a gateway in between: Stampede's own requests go
// through the fault proxies, so every attempt carries the request id and joins its request
// exactly. The proxies run on the run's clock and are closed when the run ends, stops or fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection, createServer } from 'node:net';
import { analyzeScenario } from '../../../src/core/analyze-scenario';
import { runPlan, startCollecting } from './support/collect-run';
import { applyRunEvent, createResultsDocument } from '../../../src/report/results-document';
import { renderHtmlReport } from '../../../src/report/html-report';
import { renderMarkdownReport } from '../../../src/report/markdown-report';
import { redactPlan } from '../../../src/report/redact';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.on('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(true));
  });
}

function plan(port: number, extra = '', header = '') {
  const text = `name: owned upstreams
gateway:
  upstreams:
    - name: primary
      mock: { profile: instant, overrides: { answerModel: served-model } }
      port: ${port}
      faults: [ { kind: outage, at: 1s, for: 1s } ]
    - name: spare
      mock: { profile: instant }
providers:
  - id: direct
    type: openai
    baseUrl: \${upstream:primary}/v1
    model: asked-model
    pricing: { input: 1, output: 1 }
${header}
workload:
  stream: true
  mix:
    - { name: chat, promptTokens: 20, maxTokens: 8, expect: { models: [served-model] } }
load:
  arrival: uniform
  stages:
    - { for: 3s, rate: 20/s }
${extra}`;
  const { plan: p, problems } = analyzeScenario(text, { fileName: 'owned.stampede.yaml' });
  assert.deepEqual(problems.filter((x) => x.severity === 'error'), []);
  return p!;
}

test('direct through an owned proxy: exact join by request id, the window on the run clock, counts that add up, proxies closed at the end', async () => {
  const port = await freePort();
  const { summary, ticks, events } = await runPlan(plan(port));
  const start = events.find((e) => e.type === 'start');
  assert.ok(start && start.type === 'start' && start.upstreams?.[0]?.url === `http://127.0.0.1:${port}`);
  assert.deepEqual(start.faultWindows, [{ upstream: 'primary', kind: 'outage', startMs: 1000, endMs: 2000, label: 'outage (503 answers)' }]);
  const g = summary.gateway!;
  assert.equal(g.correlation.method, 'request-id');
  assert.equal(g.correlation.joinedRequests, summary.requests.total, 'every request joined its upstream attempt');
  const [primary] = g.upstreams;
  const seriesAttempts = ticks.reduce((n, p) => n + (p.upstreams?.primary?.attempts ?? 0), 0);
  assert.equal(seriesAttempts, primary!.proxy.requests);
  assert.equal(primary!.attempts, summary.requests.attempts, 'the proxy saw every attempt of the runner');
  assert.equal(primary!.failures.server_error, summary.outcomes.server_error);
  assert.equal(primary!.injected, summary.outcomes.server_error);
  assert.deepEqual(Object.keys(primary!.models), ['served-model']);
  // The outage opened at run time 1 s, as the proxy saw it (not when the proxy started).
  const [w] = g.windows;
  assert.ok(w!.firstFaultMs! >= 1000 && w!.firstFaultMs! < 1200, JSON.stringify(w));
  assert.ok(w!.lastFaultMs! < 2000 && w!.lastFaultMs! > 1800, JSON.stringify(w));
  assert.equal(w!.failoverMs, null, 'nothing else served');
  assert.ok(w!.failbackMs !== null && w!.failbackMs < 200, JSON.stringify(w));
  assert.ok(w!.switchErrors > 0);
  // Answers attributed by the join: all acceptable on primary.
  assert.deepEqual(primary!.quality, { checked: summary.outcomes.ok, acceptable: summary.outcomes.ok, share: 1 });
  assert.equal(summary.metrics['quality.primary'], 1);
  assert.equal(summary.metrics['gateway.amplification'], 1);
  assert.equal(await refused(port), true, 'the proxy is closed when the run ends');
  // The report: the fault window drawn on every time chart, the upstream share and amplification
  // charts, the gateway section; the Markdown summary carries the gateway threshold and verdict.
  const p = plan(port, 'thresholds:\n  - gateway.failback.time < 5s\n');
  const doc = createResultsDocument({ runId: 'r', toolVersion: '0', scenarioName: p.name, scenarioFile: 'owned.stampede.yaml', overrides: [], redactedPlan: redactPlan(p), now: new Date() });
  for (const e of events) applyRunEvent(doc, e);
  doc.scenario.plan = redactPlan(p);
  const html = renderHtmlReport(doc);
  const charts = html.split('<svg class="chart"').length - 1;
  const banded = html.split('<svg class="chart"').slice(1).filter((svg) => svg.includes('class="fault-band"')).length;
  assert.ok(charts >= 7 && banded === charts, `${banded} of ${charts} charts draw the fault window`);
  assert.match(html, /Upstream share of answers/);
  assert.match(html, /Gateway amplification/);
  assert.match(html, /<h2>Gateway<\/h2>/);
  assert.match(html, /primary: outage \(503 answers\)/);
  assert.deepEqual(doc.run?.faultWindows, start.faultWindows);
  assert.match(renderMarkdownReport(doc), /gateway failover/);
});

test('a wrong model is unacceptable, not an error, and is never retried', async () => {
  const port = await freePort();
  const p = plan(port, 'resilience:\n  retries: { max: 2, on: [5xx] }\n');
  p.workload.mix[0]!.expect = { models: ['another-model'] };
  const { summary } = await runPlan(p);
  assert.ok(summary.outcomes.unacceptable > 0);
  assert.equal(summary.outcomes.ok, 0);
  assert.equal(summary.metrics['errors.rate'], 0);
  assert.equal(summary.metrics['quality'], 0);
  assert.equal(summary.metrics['unacceptable.count'], summary.outcomes.unacceptable);
  assert.equal(summary.gateway!.upstreams[0]!.quality!.share, 0);
  assert.ok(summary.analysis!.timeline.some((e) => e.kind === 'unacceptable'));
});

test('the proxies are closed when the run is stopped, and when it fails to start', async () => {
  const port = await freePort();
  const { handle, result } = startCollecting(plan(port));
  await new Promise((r) => setTimeout(r, 300));
  handle.stop();
  await result;
  assert.equal(await refused(port), true, 'closed after stop');
  const failing = plan(port, '', '    headers: { x-key: "${env:STAMPEDE_TEST_MISSING_VARIABLE}" }');
  const { summary } = await runPlan(failing, { env: {} });
  assert.equal(summary.endReason, 'error');
  assert.match(summary.endMessage ?? '', /STAMPEDE_TEST_MISSING_VARIABLE/);
  assert.equal(await refused(port), true, 'closed after a failed start');
});
