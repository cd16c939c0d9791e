// Limits of the load tester itself are never silent: a connection cap that holds requests inside
// Stampede is measured (clientWait, the waiting count), counted in the latency from the user's
// intent, named in "what broke first" and keeps the verdict from passing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeAnalysis } from '../../../src/core/analysis';
import { makePlan } from './support/plan-fixture';
import { runPlan } from './support/collect-run';
import { startScriptedServer, streamTokens } from './support/scripted-server';

test('1,000 closed users behind maxConnections 50: the wait inside Stampede is measured, named as the connection cap, counted from intent, and nothing passes', async () => {
  // Each stream takes at least 200 ms of the server's own timers (first token after 100 ms, two
  // more 50 ms apart), so a request behind the 50 busy connections waits at least that long
  // however slow the machine is.
  const server = await startScriptedServer((_req, res) => streamTokens(res, 3, 100, 50));
  try {
    const plan = makePlan({ baseUrl: server.url, model: 'closed', segments: [{ from: 1000, ms: 2000 }], provider: { maxConnections: 50 }, ttftMs: 60_000, totalMs: 60_000 });
    const { summary, ticks } = await runPlan(plan);

    // The wait is in the results: per attempt, and as the number waiting each second.
    assert.ok(summary.clientWait && summary.clientWait.count > 0, `clientWait ${JSON.stringify(summary.clientWait)}`);
    assert.ok(summary.clientWait.p50! >= 100, `clientWait p50 ${summary.clientWait.p50} ms`);
    assert.ok(Math.max(...ticks.map((p) => p.clientWaiting ?? 0)) >= 500, `clientWaiting per tick ${ticks.map((p) => p.clientWaiting).join(',')}`);
    const cap = summary.clientLimits?.find((f) => f.kind === 'connection-cap');
    assert.ok(cap, `clientLimits ${JSON.stringify(summary.clientLimits)}`);
    assert.match(cap.message, /^client connection cap 50 reached at [\d.]+ s: up to [\d,]+ requests waiting in Stampede, not in the server/);
    assert.equal(cap.material, true);

    // "What broke first" names the cap, first; nothing says that nothing broke.
    assert.equal(summary.analysis?.firstBreak?.kind, 'client-limit');
    assert.match(summary.analysis!.firstBreak!.message, /client connection cap 50 reached/);
    const lines = describeAnalysis(summary.analysis!, 'closed');
    assert.ok(!lines.some((l) => /Nothing broke/.test(l)), lines.join('\n'));

    // Latency from the user's intent includes the wait; latency from the send does not.
    assert.ok(summary.ttftIntended && summary.ttftIntended.count > 0, `ttftIntended ${JSON.stringify(summary.ttftIntended)}`);
    assert.ok(summary.ttftIntended.p50! >= summary.ttft.p50! + 100, `ttft p50 ${summary.ttft.p50} ms from send, ${summary.ttftIntended.p50} ms from intent`);
    assert.ok(summary.e2eIntended.p50! >= summary.e2e.p50! + 100, `e2e p50 ${summary.e2e.p50} ms from send, ${summary.e2eIntended.p50} ms from intent`);

    // No PASS: the server never saw 1,000 concurrent streams.
    assert.equal(summary.verdict.pass, false);
    assert.equal(summary.verdict.inconclusive, true);
    assert.match(summary.verdict.headline, /^INCONCLUSIVE — client connection cap 50 reached/);
    assert.match(summary.verdict.headline, /not of the system under test/);
  } finally {
    await server.close();
  }
});
