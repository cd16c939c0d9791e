// Issue 18's 10,000-stream failures: the runner held more connections than streams (10,100 for
// 10,000 users), because a closed user's next request went out before undici had released the
// keep-alive connection its answer came on, so the Pool opened another, up to maxConnections — past
// a server that accepts as many connections as there are streams. Each stream must reuse its
// connection: as many connections as requests in flight, never more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makePlan } from './support/plan-fixture';
import { runPlan } from './support/collect-run';
import { startScriptedServer, streamTokens } from './support/scripted-server';

const USERS = 40;

test('closed users without think time reuse their keep-alive connections: the server sees as many connections as users, however far maxConnections leaves room', async () => {
  const server = await startScriptedServer((_req, res) => streamTokens(res, 3, 10, 5));
  try {
    const plan = makePlan({ baseUrl: server.url, model: 'closed', segments: [{ from: USERS, ms: 3000 }], provider: { maxConnections: 400 } });
    const { summary } = await runPlan(plan);
    // Users answered and sent again (however slow the machine, a 3 s hold gives each several turns).
    assert.ok(summary.outcomes.ok > USERS, `outcomes ${JSON.stringify(summary.outcomes)}`);
    assert.equal(summary.outcomes.network, 0);
    assert.ok(server.peakConnections <= USERS, `${server.peakConnections} connections open at once for ${USERS} users (${server.connections} opened in all, ${summary.requests.sent} requests)`);
    assert.ok(server.connections <= USERS, `${server.connections} connections opened in all for ${USERS} users`);
  } finally {
    await server.close();
  }
});
