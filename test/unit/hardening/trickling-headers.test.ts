// Issue 11: a server that trickles its response headers and never finishes them, with the
// default timeouts, must fail on ttft (it used to PASS with every request aborted at the drain).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createNetServer, type Socket } from 'node:net';
import { listen, runAgainst } from './support/cli-run';

test('a server that trickles its headers and never finishes them fails on the default ttft timeout', async () => {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = createNetServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.once('data', () => {
      s.write('HTTP/1.1 200 OK\r\n');
      let n = 0;
      const t = setInterval(() => {
        if (s.destroyed || n++ > 400) return clearInterval(t);
        s.write(`x-trickle-${n}: ${'a'.repeat(10)}\r\n`);
      }, 100);
      timers.add(t);
    });
  });
  try {
    const r = await runAgainst(await listen(server));
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /Verdict: FAIL/);
    assert.ok(r.summary.outcomes.timeout > 0, JSON.stringify(r.summary.outcomes));
  } finally {
    for (const t of timers) clearInterval(t);
    for (const s of sockets) s.destroy();
    server.close();
  }
});

