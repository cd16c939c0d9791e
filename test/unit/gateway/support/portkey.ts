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
  // Failover and failback, measured from the window's scheduled edges, land within 1 s of the
  // edges as the proxy saw them (its first and last faulted attempt).
  assert.ok(w.failoverMs !== null && w.failoverTo === 'fallback', `${label}: ${JSON.stringify(w)}`);
  assert.ok(Math.abs(w.startMs + w.failoverMs - w.firstFaultMs) <= 1000, `${label} failover ${w.failoverMs} ms vs first fault at ${w.firstFaultMs} ms (window opens ${w.startMs})`);
  assert.ok(w.failbackMs !== null, `${label}: no failback ${JSON.stringify(w)}`);
  assert.ok(Math.abs(w.endMs + w.failbackMs - w.lastFaultMs) <= 1000, `${label} failback ${w.failbackMs} ms vs last fault at ${w.lastFaultMs} ms (window closes ${w.endMs})`);
  assert.equal(summary.metrics['gateway.failover.time'], g.failoverMs);
  assert.equal(summary.metrics['gateway.failback.time'], g.failbackMs);
  // The gateway's fallback attempts: more upstream attempts than user requests.
  assert.ok(g.amplification !== null && g.amplification > 1, `${label} amplification ${g.amplification}`);
  assert.ok(g.wastedAttempts > 0);
  // Traffic shifted: fallback served the window's seconds, primary the seconds after it.
  const during = ticks.filter((p) => (p.t - 1) * 1000 >= w.startMs + 500 && p.t * 1000 <= w.endMs);
  assert.ok(during.length > 0 && during.every((p) => (p.upstreamShare!.fallback ?? 0) === 1), `${label} shares during ${JSON.stringify(during.map((p) => p.upstreamShare))}`);
  const last = ticks.filter((p) => p.t * 1000 > w.endMs + 1000 && p.targetLevel > 0).at(-1);
  assert.ok(last && (last.upstreamShare!.primary ?? 0) === 1, `${label} share after ${JSON.stringify(last?.upstreamShare)}`);
  assert.equal(summary.outcomes.server_error, 0, `${label}: the gateway hid the outage from users`);
  assert.ok(summary.quality && summary.quality.share === 1);
}

