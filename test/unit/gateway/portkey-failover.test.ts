// The playbook's "failover through your gateway", end to end through a real open-source AI gateway
// nobody here wrote: Portkey's gateway from npm (pinned in package.json), its fallback strategy
// configured by its documented x-portkey-config request header. Stampede owns the upstreams (a
// fault proxy in front of an embedded mock each). Nothing here reads a Portkey response header:
// Portkey does not forward the request id header, so the correlation is by count only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runPlan } from '../runner/support/collect-run';
import { assertFailoverThroughGateway, EXAMPLE, examplePlan, FAILOVER_PACE, gatewayEnv, GENTLE, usePortkey } from './support/portkey';

const gateway = usePortkey();

test('status outage through Portkey: shares from the proxies, failover and failback at the window edges, amplification > 1', async () => {
  const plan = examplePlan([...FAILOVER_PACE, ...GENTLE]);
  const { summary, ticks } = await runPlan(plan, { env: gatewayEnv(gateway()) });
  assertFailoverThroughGateway(summary, ticks, 'status');
  assert.match(summary.verdict.headline, /gateway failover \d/);
});

test('refuse outage through Portkey: refused connections are counted attempts, and the gateway still fails over and back', async () => {
  const text = readFileSync(EXAMPLE, 'utf8').replace('{ kind: outage, at: 15s, for: 20s, status: 503 }', '{ kind: outage, at: 15s, for: 20s, mode: refuse }');
  assert.match(text, /mode: refuse/);
  const plan = examplePlan([...FAILOVER_PACE, ...GENTLE], text);
  const { summary, ticks } = await runPlan(plan, { env: gatewayEnv(gateway()) });
  assertFailoverThroughGateway(summary, ticks, 'refuse');
  const primary = summary.gateway!.upstreams[0]!;
  assert.ok(primary.proxy.refused > 0 && primary.failures.network === primary.proxy.refused, JSON.stringify(primary));
});

