// stop(), configuration errors before any request, thresholds, budget, verdicts, clean exit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { makePlan } from './support/plan-fixture';
import { runPlan, startCollecting } from './support/collect-run';
import { jsonCompletion, startScriptedServer, streamTokens } from './support/scripted-server';

test('stop() ends the run promptly, aborts in-flight requests and keeps what was measured', async () => {
  // Each stream would run 20 s (1000 tokens 20 ms apart) and the shape 20 s: a run that waited
  // for its requests or its shape instead of aborting them takes 20 s or more.
  const server = await startScriptedServer((req, res) => streamTokens(res, 1000, 10, 20));
  try {
    const plan = makePlan({ baseUrl: server.url, segments: [{ from: 10, ms: 20_000 }] });
    const { handle, result, events: live } = startCollecting(plan);
    // Stop once the run has a tick and ten streams going with tokens read (the run's progress,
    // not a fixed wait: on a busy machine 1.3 s may hold no more than a few tokens).
    const streaming = () => server.requests >= 10 && live.some((e) => e.type === 'tick' && e.point.itl.count > 0);
    for (let i = 0; i < 600 && !streaming(); i++) await new Promise((r) => setTimeout(r, 25));
    const t = performance.now();
    handle.stop();
    const { summary, events, ticks } = await result;
    const took = performance.now() - t;
    // A hang guard, not a timing: how fast stop() is on a quiet machine is bench/stop-latency.ts.
    assert.ok(took < 10_000, `stop took ${took} ms`);
    assert.equal(summary.endReason, 'stopped');
    assert.ok(summary.outcomes.aborted >= 10, JSON.stringify(summary.outcomes));
    assert.equal(summary.metrics['errors.count'], 0);
    assert.ok(summary.itl.count > 0, `itl samples ${summary.itl.count}`);
    assert.ok(ticks.length >= 1 && ticks.length <= Math.ceil(summary.durationMs / 1000), `ticks ${ticks.length} in ${summary.durationMs} ms`);
    assert.deepEqual(ticks.map((p) => p.t), ticks.map((_, i) => i + 1));
    assert.equal(events.filter((e) => e.type === 'done').length, 1);
    assert.equal(events[events.length - 1].type, 'done');
    // Every stream the server started was closed by the client (none runs to its end).
    for (let i = 0; i < 80 && server.closes < server.requests; i++) await new Promise((r) => setTimeout(r, 25));
    assert.ok(server.requests > 0 && server.requests <= summary.outcomes.aborted);
    assert.equal(server.closes, server.requests);
  } finally {
    await server.close();
  }
});

test('a missing secret or env variable ends the run before any request, naming the field', async () => {
  const server = await startScriptedServer((req, res) => jsonCompletion(res));
  try {
    const plan = makePlan({ baseUrl: server.url, provider: { apiKey: '${secret:OPENAI_API_KEY}' } as never });
    const { summary, events, logs } = await runPlan(plan, { resolveSecret: async () => undefined });
    assert.equal(summary.endReason, 'error');
    assert.match(summary.endMessage!, /providers\[0\] \(p\)\.apiKey: secret OPENAI_API_KEY is not set/);
    assert.equal(summary.verdict.pass, false);
    assert.deepEqual(events.map((e) => e.type), ['start', 'log', 'done']);
    assert.equal(logs[0].level, 'error');
    const envPlan = makePlan({ baseUrl: '${env:STAMPEDE_TEST_NO_SUCH_VAR}' });
    const envRun = await runPlan(envPlan, { env: {} });
    assert.match(envRun.summary.endMessage!, /providers\[0\] \(p\)\.baseUrl: environment variable STAMPEDE_TEST_NO_SUCH_VAR is not set/);
    assert.equal(server.requests, 0);
  } finally {
    await server.close();
  }
});

test('the API key never reaches events, logs or the summary', async () => {
  const server = await startScriptedServer((req, res) => { res.writeHead(401); res.end('{"error":{"message":"bad key"}}'); });
  try {
    const plan = makePlan({ baseUrl: server.url, provider: { apiKey: '${secret:K}' } as never, segments: [{ from: 2, ms: 500 }] });
    const { events } = await runPlan(plan, { resolveSecret: async () => 'sk-very-secret-123' });
    assert.ok(!JSON.stringify(events).includes('sk-very-secret-123'));
  } finally {
    await server.close();
  }
});

test('prompt templates are filled from CSV rows in order; a missing file is an error before any request', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-runner-'));
  const prompts: string[] = [];
  const server = await startScriptedServer((req, res, body) => {
    prompts.push(JSON.parse(body).messages.at(-1).content);
    jsonCompletion(res);
  });
  try {
    writeFileSync(join(dir, 'rows.csv'), 'name,question\r\nAda,"What is 1,2?"\r\n"Bob ""B""",Why\r\n');
    writeFileSync(join(dir, 'prompt.txt'), 'Hi {{name}}: {{question}}');
    const plan = makePlan({ baseUrl: server.url, mix: [{ stream: false, prompt: { file: 'prompt.txt', data: { file: 'rows.csv', format: 'csv', order: 'sequential' } } }], segments: [{ from: 3, ms: 1000 }] });
    const { summary } = await runPlan(plan, { baseDir: dir });
    assert.equal(summary.outcomes.ok, 3);
    assert.deepEqual(prompts, ['Hi Ada: What is 1,2?', 'Hi Bob "B": Why', 'Hi Ada: What is 1,2?']);
    const missing = makePlan({ baseUrl: server.url, mix: [{ prompt: { file: 'nope.txt' } }] });
    const r = await runPlan(missing, { baseDir: dir });
    assert.equal(r.summary.endReason, 'error');
    assert.match(r.summary.endMessage!, /workload\.mix\[0\] \(m0\)\.prompt\.file: cannot read nope\.txt \(file not found\)/);
    assert.equal(server.requests, 3);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a threshold breach is recorded with time, stage and load; abortOnFail stops the run', async () => {
  const server = await startScriptedServer((req, res) => streamTokens(res, 2, 120, 5));
  try {
    const plan = makePlan({
      baseUrl: server.url,
      segments: [{ stage: 'warm', from: 5, ms: 1000 }, { stage: 'hot', from: 10, ms: 4000 }],
      thresholds: [
        { id: 't0', source: 'errors.rate < 1%', metric: 'errors.rate', op: '<', value: 0.01, abortOnFail: false },
        { id: 't1', source: 'ttft.p95 < 100ms', metric: 'ttft.p95', op: '<', value: 100, abortOnFail: true },
      ],
    });
    const { summary, ticks, events } = await runPlan(plan);
    assert.equal(summary.endReason, 'aborted');
    assert.ok(summary.durationMs < 3000);
    assert.equal(summary.verdict.pass, false);
    const breach = summary.thresholds[1].firstBreach!;
    assert.equal(breach.t, 1);
    assert.equal(breach.stage, 'warm');
    assert.equal(breach.targetLevel, 5);
    assert.ok(breach.value > 100);
    assert.match(summary.verdict.headline, /^FAIL — ttft\.p95 < 100ms broke first at 1s \(stage warm, target 5\/s, achieved 5\/s\): 1\d\d ms/);
    assert.equal(summary.thresholds[0].pass, true);
    assert.equal(ticks[0].thresholds[1].pass, false);
    // The tick's trailing-window figures are the ones the live thresholds are judged on, so the
    // panel's "TTFT p95 · last 10 s" and the threshold row show the same number.
    assert.equal(ticks[0].recent?.ttftP95, ticks[0].thresholds[1].value);
    assert.equal(ticks[0].recent?.errorRate, ticks[0].thresholds[0].value);
    assert.equal(ticks[0].recent?.seconds, 1);
    // The breach is logged as the reports write values, with its window (was "breached at 1s: 123.456").
    const logged = events.flatMap((e) => (e.type === 'log' ? [e.entry.message] : [])).find((m) => m.includes('breached'));
    assert.match(logged ?? '', /^threshold ttft\.p95 < 100ms breached at 1s: 1\d\d ms \(last 10 s\)$/);
  } finally {
    await server.close();
  }
});

test('a passing run says PASS with the peak load; the budget aborts when exceeded', async () => {
  const server = await startScriptedServer((req, res) => jsonCompletion(res));
  try {
    const ok = await runPlan(makePlan({ baseUrl: server.url, mix: [{ stream: false }], segments: [{ from: 10, ms: 1000 }], thresholds: [{ id: 't0', source: 'errors.rate < 1%', metric: 'errors.rate', op: '<', value: 0.01, abortOnFail: false }] }));
    assert.equal(ok.summary.verdict.pass, true);
    assert.match(ok.summary.verdict.headline, /^PASS — all 1 threshold held; peak target 10\/s, achieved up to 10\/s/);
    // each request costs (20 x $1 + 3 x $2) / 1e6 = $0.000026
    const budget = await runPlan(makePlan({ baseUrl: server.url, mix: [{ stream: false }], segments: [{ from: 50, ms: 5000 }], budget: { maxCostUsd: 0.0001, onExceed: 'abort' } }));
    assert.equal(budget.summary.endReason, 'aborted');
    assert.match(budget.summary.endMessage!, /budget exceeded/);
    assert.ok(budget.summary.durationMs < 2500);
  } finally {
    await server.close();
  }
});

test('stop() from inside the start listener ends the run cleanly', async () => {
  const server = await startScriptedServer((req, res) => jsonCompletion(res));
  try {
    const { startRun } = await import('../../../src/runner/engine');
    const types: string[] = [];
    let handle: ReturnType<typeof startRun> | null = null;
    handle = startRun({
      plan: makePlan({ baseUrl: server.url, segments: [{ from: 4, ms: 5000 }] }),
      onEvent: (e) => {
        types.push(e.type);
        if (e.type === 'start') handle!.stop();
      },
    });
    const summary = await handle.done;
    assert.equal(summary.endReason, 'stopped');
    assert.equal(types[0], 'start');
    assert.equal(types[types.length - 1], 'done');
  } finally {
    await server.close();
  }
});

test('a throwing onEvent listener does not break the run', async () => {
  const server = await startScriptedServer((req, res) => jsonCompletion(res));
  try {
    const { startRun } = await import('../../../src/runner/engine');
    const handle = startRun({ plan: makePlan({ baseUrl: server.url, mix: [{ stream: false }], segments: [{ from: 4, ms: 500 }] }), onEvent: () => { throw new Error('listener bug'); } });
    const summary = await handle.done;
    assert.equal(summary.outcomes.ok, 2);
  } finally {
    await server.close();
  }
});

test('after done the process exits by itself (no leaked timers or sockets)', async () => {
  const script = `
    const { startRun } = require(${JSON.stringify(resolve('src/runner/engine.ts'))});
    const { makePlan } = require(${JSON.stringify(resolve('test/unit/runner/support/plan-fixture.ts'))});
    const plan = makePlan({ providers: [{ id: 'm', type: 'mock', profile: 'instant', overrides: {}, model: 'x', headers: {}, pricing: { input: 1, cachedInput: 1, output: 1 }, maxConnections: 8 }],
      segments: [{ from: 20, ms: 1500 }], cancellations: { fraction: 0.3, afterMinMs: 1, afterMaxMs: 5 }, retries: { max: 1 } });
    startRun({ plan, onEvent: () => {} }).done.then((s) => console.log('done ' + s.endReason));
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((resolvePromise) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolvePromise(-1);
    }, 20_000);
    child.on('exit', (c) => {
      clearTimeout(timer);
      resolvePromise(c);
    });
  });
  assert.equal(code, 0, out);
  assert.match(out, /done completed/);
});
