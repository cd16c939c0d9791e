// The playbook's "failover through your gateway", end to end through a real open-source AI gateway
// nobody here wrote: Portkey's gateway from npm (pinned in package.json), its fallback strategy
// configured by its documented x-portkey-config request header. Stampede owns the upstreams (a
// fault proxy in front of an embedded mock each). Nothing here reads a Portkey response header:
// Portkey does not forward the request id header, so the correlation is by count only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { analyzeScenario } from '../../../src/core/analyze-scenario';
import type { ResolvedPlan } from '../../../src/core/plan';
import { applyOverridesToText, parseSetArgument } from '../../../src/core/scenario-overrides';
import type { RunSummary, TickPoint } from '../../../src/protocol/run-events';
import { runPlan } from '../runner/support/collect-run';
import { spawnCli, tempFolder } from '../cli/run-cli';

const ROOT = resolve(__dirname, '..', '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'gateway-failover.stampede.yaml');
const GATEWAY = join(ROOT, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');

let gateway: ChildProcess | null = null;
let gatewayUrl = '';

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

before(async () => {
  const port = await freePort();
  gateway = spawn(process.execPath, [GATEWAY, `--port=${port}`, '--headless'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  gateway.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  gateway.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  gatewayUrl = `http://127.0.0.1:${port}/v1`;
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

/** The example's plan with `--set` overrides (time compressed so CI stays short). */
function examplePlan(sets: string[], text = readFileSync(EXAMPLE, 'utf8')): ResolvedPlan {
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
const GENTLE = ['load.stages[0].rate=6/s'];

const env = (): Record<string, string> => ({ ...(process.env as Record<string, string>), GATEWAY_URL: gatewayUrl, GATEWAY_KEY: 'not-a-real-key' });

/** Shares per second come from the proxies' own per-second counts; their totals are the proxies' counters. */
function assertSharesFromProxyCounts(summary: RunSummary, ticks: readonly TickPoint[]): void {
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

function assertFailoverThroughGateway(summary: RunSummary, ticks: readonly TickPoint[], label: string): void {
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

test('status outage through Portkey: shares from the proxies, failover and failback at the window edges, amplification > 1', async () => {
  const plan = examplePlan(['load.timeScale=10', ...GENTLE]);
  const { summary, ticks } = await runPlan(plan, { env: env() });
  assertFailoverThroughGateway(summary, ticks, 'status');
  assert.match(summary.verdict.headline, /gateway failover \d/);
});

test('refuse outage through Portkey: refused connections are counted attempts, and the gateway still fails over and back', async () => {
  const text = readFileSync(EXAMPLE, 'utf8').replace('{ kind: outage, at: 15s, for: 20s, status: 503 }', '{ kind: outage, at: 15s, for: 20s, mode: refuse }');
  assert.match(text, /mode: refuse/);
  const plan = examplePlan(['load.timeScale=10', ...GENTLE], text);
  const { summary, ticks } = await runPlan(plan, { env: env() });
  assertFailoverThroughGateway(summary, ticks, 'refuse');
  const primary = summary.gateway!.upstreams[0]!;
  assert.ok(primary.proxy.refused > 0 && primary.failures.network === primary.proxy.refused, JSON.stringify(primary));
});

test('20 identical compressed runs of the playbook: no false "cost per request rising" sign', async () => {
  const plan = examplePlan(['load.timeScale=10']);
  const signs: number[] = [];
  for (let run = 1; run <= 20; run++) {
    const { summary } = await runPlan(plan, { env: env() });
    if (summary.analysis?.timeline.some((e) => e.kind === 'cost-rising')) signs.push(run);
  }
  assert.deepEqual(signs, [], `false cost signs in runs ${signs.join(', ')}`);
});

const HANGING = `name: hanging upstream behind a gateway timeout
gateway:
  upstreams:
    - name: primary
      mock: { profile: instant, overrides: { decodeStepBaseMs: 2 } }
      faults:
        - { kind: latency, at: 2s, for: 2s, add: 20s }
    - name: fallback
      mock: { profile: instant, overrides: { decodeStepBaseMs: 2 } }
providers:
  - id: gateway
    type: openai
    baseUrl: \${env:GATEWAY_URL}
    apiKey: \${env:GATEWAY_KEY}
    model: gpt-4o-mini
    pricing: { input: 0.15, output: 0.6 }
    headers:
      x-portkey-config: '{"strategy":{"mode":"fallback","on_status_codes":[408,429,500,502,503,504]},"request_timeout":1500,"targets":[{"provider":"openai","api_key":"sk-a","custom_host":"\${upstream:primary}/v1"},{"provider":"openai","api_key":"sk-b","custom_host":"\${upstream:fallback}/v1"}]}'
resilience:
  timeouts: { ttft: 10s, total: 20s }
workload:
  stream: false
  mix:
    - { name: chat, promptTokens: 50, maxTokens: 10 }
load:
  arrival: uniform
  stages:
    - { name: baseline, for: 2s, rate: 10/s }
    - { name: hang, for: 4s, rate: 1x }
thresholds:
  - ttft.p95 < 1s
`;

test('a hanging upstream behind a gateway timeout is a TTFT breach, with the fault window named in what broke first', async () => {
  const { plan, problems } = analyzeScenario(HANGING, { fileName: 'hanging.stampede.yaml' });
  assert.deepEqual(problems.filter((p) => p.severity === 'error'), []);
  const { summary } = await runPlan(plan!, { env: env() });
  const breach = summary.analysis!.timeline.find((e) => e.kind === 'threshold' && e.source === 'ttft.p95 < 1s');
  assert.ok(breach, JSON.stringify(summary.analysis!.timeline));
  assert.match(breach.message, /during the fault window on primary \(latency \+20 s/);
  assert.equal(summary.verdict.pass, false);
  const w = summary.gateway!.windows[0]!;
  assert.equal(w.failoverTo, 'fallback', JSON.stringify(w));
  assert.ok(summary.gateway!.upstreams[0]!.failures.abandoned > 0, 'the gateway hung up on the held attempts');
});

test('an upstream answering with the wrong model or malformed JSON is unacceptable, and a threshold on it exits 1', async () => {
  const folder = tempFolder();
  try {
    const text = readFileSync(EXAMPLE, 'utf8')
      .replace(/  mix:\n[\s\S]*?\nload:/, `  mix:
    - { name: chat, weight: 1, promptTokens: 50, maxTokens: 20, expect: { models: [gpt-4o-mini] } }
    - { name: structured, weight: 1, promptTokens: 50, maxTokens: 20, expect: { jsonSchema: { type: object, required: [answer] } } }
load:`)
      .replace('overrides: { decodeStepBaseMs: 1 }', `overrides: { decodeStepBaseMs: 1, answerText: '{"answer":"ok"}' }`)
      .replace('overrides: { decodeStepBaseMs: 1 }', `overrides: { decodeStepBaseMs: 1, answerModel: cheap-model, answerText: '{"answer": "o' }`);
    assert.match(text, /answerModel: cheap-model/);
    const file = folder.file('answers.stampede.yaml', text);
    const run = spawnCli(['run', file, '--set', 'load.timeScale=10', '--set', 'load.stages[0].rate=6/s', '--json', join(folder.dir, 'r.json'), '--quiet'], { cwd: folder.dir, env: { GATEWAY_URL: gatewayUrl, GATEWAY_KEY: 'not-a-real-key' }, limitMs: 60_000 });
    const exit = await run.exit;
    assert.equal(exit.code, 1, run.stdout() + run.stderr());
    const results = JSON.parse(readFileSync(join(folder.dir, 'r.json'), 'utf8')) as { summary: RunSummary };
    const s = results.summary;
    assert.ok(s.outcomes.unacceptable > 0, JSON.stringify(s.outcomes));
    assert.equal(s.metrics['errors.rate'], 0, 'unacceptable answers are not errors');
    assert.ok(s.quality!.share! < 0.99);
    assert.equal(s.thresholds.find((t) => t.source === 'quality > 99%')!.pass, false);
    assert.match(s.verdict.headline, /unacceptable answer/);
    assert.match(run.stdout(), /FAIL/);
  } finally {
    folder.remove();
  }
});
