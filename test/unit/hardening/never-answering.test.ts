// Issue 11's worst false PASS: an OpenAI endpoint that accepts connections and never answers
// used to end with every request aborted, "PASS — all 3 thresholds held" and exit 0. With the
// default timeouts the drain now waits for each request's own deadline. That default was 30 s,
// so this 2 s run took 37 s; issue 11 bounds any hostile input at 20 s, and the default TTFT
// timeout is now 10 s (resolve-resilience.ts), so the run lasts the shape plus 10 s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createNetServer, type Socket } from 'node:net';
import { listen, runAgainst } from './support/cli-run';

test('an endpoint that accepts connections and never answers fails with the default timeouts (it used to PASS with every request aborted)', async () => {
  const sockets = new Set<Socket>();
  const server = createNetServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.resume();
  });
  try {
    const r = await runAgainst(await listen(server));
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /Verdict: FAIL/);
    assert.ok(r.summary.outcomes.timeout > 0, JSON.stringify(r.summary.outcomes));
    assert.equal(r.summary.outcomes.ok, 0);
    assert.doesNotMatch(r.junit, /failures="0"/);
    // The run's own clock, not this test's: the 2 s shape and the drain to the last request's
    // TTFT deadline (about 12 s; it was 32 s with the old 30 s default). 20 s is the bound.
    assert.ok(r.summary.durationMs < 20_000, `the run lasted ${r.summary.durationMs} ms`);
  } finally {
    for (const s of sockets) s.destroy();
    server.close();
  }
});

