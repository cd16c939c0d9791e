// Issue 11's false PASS cases, through the real CLI: a run that measured nothing, or whose
// requests never got an answer, must not exit 0. Each exits non-zero with a verdict that says why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { parseResults } from '../../../src/report/results-document';
import { formatVerdict } from '../../../src/report/text-verdict';
import { plainPalette } from '../../../src/report/text-style';
import { scenarioYaml, spawnCli, tempFolder } from '../cli/run-cli';
import { makePlan } from '../runner/support/plan-fixture';
import { listen, runAgainst } from './support/cli-run';
import { startCollecting } from '../runner/support/collect-run';

test('a 429 with retry-after: 3600 fails as rate limited, not as aborted retries', async () => {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3600' });
    res.end('{"error":{"message":"rate limited","type":"rate_limit_error"}}');
  });
  try {
    const r = await runAgainst(await listen(server), 'resilience:\n  retries: { max: 3, respectRetryAfter: true }\n');
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /Verdict: FAIL/);
    assert.equal(r.summary.outcomes.rate_limited, r.summary.requests.total, JSON.stringify(r.summary.outcomes));
    assert.equal(requests, r.summary.requests.sent, 'no retry was sent');
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('a latency threshold with no samples fails with "no data" instead of passing', async () => {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ choices: [{ message: { content: 'hello there' }, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 2 } }));
  });
  try {
    // Non-streamed answers have no gap between tokens to time: itl.p95 has no sample at all
    // (their TTFT is the time to the answer, so ttft.p95 would have one).
    const url = await listen(server);
    const tmp = tempFolder();
    try {
      const file = tmp.file('nodata.stampede.yaml', scenarioYaml({ url, seconds: 1, rate: '4/s', thresholds: ['itl.p95 < 5s'] }).replace('stream: true', 'stream: false'));
      const run = spawnCli(['run', file, '--json', 'r.json'], { cwd: tmp.dir });
      const { code } = await run.exit;
      assert.equal(code, 1, run.stdout() + run.stderr());
      assert.match(run.stdout(), /Verdict: FAIL — .*no data/);
      const doc = parseResults(readFileSync(join(tmp.dir, 'r.json'), 'utf8'));
      assert.equal(doc.summary?.thresholds[0].pass, false);
      assert.equal(doc.summary?.thresholds[0].value, null);
    } finally {
      tmp.remove();
    }
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('requests still in flight at the end are counted, shown, and a threshold can name them', async () => {
  // Slow streams: the first token at once, then one every 2 s. The run is stopped after 1.5 s
  // with every request still streaming.
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const chunk = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'tok' }, finish_reason: null }] })}\n\n`;
    res.write(chunk);
    const t = setInterval(() => (res.destroyed ? clearInterval(t) : res.write(chunk)), 2000);
    timers.add(t);
  });
  try {
    const url = await listen(server);
    const plan = makePlan({ baseUrl: url, segments: [{ from: 4, ms: 5000 }], ttftMs: 60_000, totalMs: 60_000 });
    plan.thresholds = [{ id: 't0', source: 'requests.unfinished < 1', metric: 'requests.unfinished', op: '<', value: 1, abortOnFail: false, range: { line: 1, column: 1, endLine: 1, endColumn: 1 } }];
    const { handle, result } = startCollecting(plan);
    setTimeout(() => handle.stop('stopped', 'test stop'), 1500);
    const r = await result;
    assert.ok(r.summary.outcomes.aborted >= 3, JSON.stringify(r.summary.outcomes));
    assert.equal(r.summary.requests.unfinished, r.summary.outcomes.aborted);
    assert.equal(r.summary.metrics['requests.unfinished'], r.summary.outcomes.aborted);
    assert.equal(r.summary.thresholds[0].pass, false);
    const text = formatVerdict(r.summary, { palette: plainPalette, thresholds: plan.thresholds }).join('\n');
    assert.match(text, new RegExp(`${r.summary.outcomes.aborted} unfinished`));
  } finally {
    for (const t of timers) clearInterval(t);
    server.closeAllConnections();
    server.close();
  }
});
