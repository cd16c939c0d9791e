// Portkey's open-source AI gateway (from npm, pinned in package.json) for the gateway tests:
// started once per test file on a free loopback port, stopped by its pid after the file.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { analyzeScenario } from '../../../../src/core/analyze-scenario';
import type { ResolvedPlan } from '../../../../src/core/plan';
import { applyOverridesToText, parseSetArgument } from '../../../../src/core/scenario-overrides';
import type { RunSummary, TickPoint } from '../../../../src/protocol/run-events';

const ROOT = resolve(__dirname, '..', '..', '..', '..');
export const EXAMPLE = join(ROOT, 'examples', 'gateway-failover.stampede.yaml');
const GATEWAY = join(ROOT, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolvePort(port));
    });
  });
}

/** Starts the gateway before the file's tests and stops it after; returns its OpenAI base URL. */
export function usePortkey(): () => string {
  let gateway: ChildProcess | null = null;
  let url = '';
  before(async () => {
    const port = await freePort();
    gateway = spawn(process.execPath, [GATEWAY, `--port=${port}`, '--headless'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    gateway.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    gateway.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    url = `http://127.0.0.1:${port}/v1`;
    // Ready when it answers on its port (any status): bounded, never a fixed sleep.
    for (let i = 0; i < 300; i++) {
      const up = await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false);
      if (up) return;
      if (gateway.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the Portkey gateway did not start: ${out.slice(-500)}`);
  });
  after(() => {
    if (gateway && gateway.exitCode === null) gateway.kill('SIGTERM');
  });
  return () => url;
}

/** The example's plan with `--set` overrides (time compressed so CI stays short). */
export function examplePlan(sets: string[], text = readFileSync(EXAMPLE, 'utf8')): ResolvedPlan {
  const overrides = sets.map((raw) => {
    const parsed = parseSetArgument(raw);
    assert.ok(parsed.ok);
    return parsed.override;
  });
  const overridden = applyOverridesToText(text, overrides);
  assert.deepEqual(overridden.errors, []);
  const { plan, problems } = analyzeScenario(overridden.text, { fileName: EXAMPLE });
  assert.deepEqual(problems.filter((p) => p.severity === 'error'), []);
  return plan!;
}

/** The failover runs go at a rate the gateway serves without queueing on a shared 2-core machine
 * (it takes ~0.3 s a request here), so its failover is timed rather than its backlog. */
export const GENTLE = ['load.stages[0].rate=6/s'];

/** The failover runs' time compression: the 20 s outage lasts 8 s of wall clock, long beside the
 * gateway's own handling of a failed attempt even when a loaded machine slows it past a second
 * (at 10x, a 2 s window closed before Portkey under load 25 had sent one attempt to the fallback). */
export const FAILOVER_PACE = ['load.timeScale=2.5'];

export const gatewayEnv = (url: string): Record<string, string> => ({ ...(process.env as Record<string, string>), GATEWAY_URL: url, GATEWAY_KEY: 'not-a-real-key' });

/** Shares per second come from the proxies' own per-second counts; their totals are the proxies' counters. */
export function assertSharesFromProxyCounts(summary: RunSummary, ticks: readonly TickPoint[]): void {
  const g = summary.gateway!;
  for (const p of ticks) {
    const seconds = p.upstreams!;
    const ok = Object.values(seconds).reduce((n, s) => n + s.ok, 0);
    for (const u of g.upstreams) {
      if (ok === 0) assert.equal(p.upstreamShare![u.name], undefined);
      else assert.equal(p.upstreamShare![u.name], seconds[u.name]!.ok / ok, `share of ${u.name} at ${p.t}s`);
    }
  }
  for (const u of g.upstreams) {
    const attempts = ticks.reduce((n, p) => n + p.upstreams![u.name]!.attempts, 0);
    const ok = ticks.reduce((n, p) => n + p.upstreams![u.name]!.ok, 0);
    assert.equal(attempts, u.proxy.requests, `${u.name}: series attempts vs the proxy's own count ${JSON.stringify(u.proxy)}`);
    assert.equal(u.proxy.requests, u.proxy.forwarded + u.proxy.answered + u.proxy.refused + u.proxy.rejected + u.proxy.abandoned, 'the proxy counters add up');
    assert.equal(attempts, u.attempts);
    assert.equal(ok, u.ok);
  }
}

export function assertFailoverThroughGateway(summary: RunSummary, ticks: readonly TickPoint[], label: string): void {
  const g = summary.gateway!;
  assert.equal(g.correlation.method, 'counts', 'Portkey does not forward the request id: counts must be enough');
  assertSharesFromProxyCounts(summary, ticks);
  const [w] = g.windows;
  assert.ok(w && w.upstream === 'primary', JSON.stringify(g.windows));
  assert.ok(w.faulted > 0 && w.firstFaultMs !== null && w.lastFaultMs !== null, JSON.stringify(w));
  // Failover and failback are moments the proxies recorded, so they are checked by order, not by
  // wall-clock closeness (a loaded machine slows the gateway, not the ordering): the gateway
  // cannot switch before the first fault, it switched while the outage was still on, and it came
  // back only after the last fault.
  assert.ok(w.failoverMs !== null && w.failoverTo === 'fallback', `${label}: ${JSON.stringify(w)}`);
  const failoverAt = w.startMs + w.failoverMs;
  assert.ok(failoverAt >= w.firstFaultMs && failoverAt <= w.lastFaultMs, `${label} failover at ${failoverAt} ms, faults seen ${w.firstFaultMs}-${w.lastFaultMs} ms`);
  assert.ok(w.failbackMs !== null, `${label}: no failback ${JSON.stringify(w)}`);
  const failbackAt = w.endMs + w.failbackMs;
  assert.ok(failbackAt > w.lastFaultMs, `${label} failback at ${failbackAt} ms before the last fault at ${w.lastFaultMs} ms`);
  assert.equal(summary.metrics['gateway.failover.time'], g.failoverMs);
  assert.equal(summary.metrics['gateway.failback.time'], g.failbackMs);
  // The gateway's fallback attempts: more upstream attempts than user requests.
  assert.ok(g.amplification !== null && g.amplification > 1, `${label} amplification ${g.amplification}`);
  assert.ok(g.wastedAttempts > 0);
  // Traffic shifted: the fallback served inside the outage and the primary served again after it,
  // counted by each proxy over the seconds that lie wholly inside and wholly after the window.
  const okIn = (name: string, from: number, to: number) => ticks.filter((p) => (p.t - 1) * 1000 >= from && p.t * 1000 <= to).reduce((n, p) => n + p.upstreams![name]!.ok, 0);
  assert.ok(okIn('fallback', w.startMs, w.endMs) > 0, `${label}: the fallback served nothing during the outage`);
  assert.ok(okIn('primary', w.endMs, Infinity) > 0, `${label}: the primary served nothing after the outage`);
  assert.equal(summary.outcomes.server_error, 0, `${label}: the gateway hid the outage from users`);
  assert.ok(summary.quality && summary.quality.share === 1);
}

