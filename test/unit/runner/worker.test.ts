// The engine in a worker thread emits the same event sequence as in-process.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import type { RunEvent } from '../../../src/protocol/run-events';
import { startRunInWorker } from '../../../src/runner/worker-client';
import { makePlan } from './support/plan-fixture';
import { runPlan } from './support/collect-run';
import { startScriptedServer, streamTokens, type ScriptedServer } from './support/scripted-server';

let dir = '';
let workerPath = '';
let server: ScriptedServer;
const auth: Array<string | undefined> = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stampede-worker-'));
  workerPath = join(dir, 'worker.js');
  await build({ entryPoints: [resolve('src/runner/worker.ts')], outfile: workerPath, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error' });
  server = await startScriptedServer((req, res) => {
    auth.push(req.headers.authorization);
    streamTokens(res, 3, 20, 10);
  });
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The event sequence with what depends on machine timing taken out: the drain log (only when
 * requests are still in flight at the end) and a final partial tick past the shape's end. */
function shape(events: RunEvent[], durationMs: number): string[] {
  return events
    .filter((e) => !(e.type === 'log' && e.entry.message.startsWith('load shape finished')))
    .filter((e) => !(e.type === 'tick' && e.point.t > durationMs / 1000))
    .map((e) => (e.type === 'log' ? `log:${e.entry.message.replace(/[\d.]+/g, '#')}` : e.type === 'tick' ? `tick:${e.point.t}` : e.type));
}

test('a run through the worker emits the same event sequence and summary as in-process', async () => {
  const plan = makePlan({ baseUrl: server.url, provider: { apiKey: '${secret:KEY}' } as never, segments: [{ from: 5, ms: 2000 }] });
  const resolveSecret = async (name: string) => (name === 'KEY' ? 'sk-worker' : undefined);
  const inProcess = await runPlan(plan, { resolveSecret });
  const events: RunEvent[] = [];
  const handle = startRunInWorker({ plan, workerPath, resolveSecret, onEvent: (e) => events.push(e) });
  const summary = await handle.done;
  assert.deepEqual(shape(events, 2000), shape(inProcess.events, 2000));
  assert.deepEqual(shape(events, 2000).slice(0, 3), ['start', 'tick:1', 'tick:2']);
  assert.equal(summary.outcomes.ok, inProcess.summary.outcomes.ok);
  assert.equal(summary.requests.sent, 10);
  assert.equal(summary.runId, handle.runId);
  assert.ok(auth.length === 20 && auth.every((a) => a === 'Bearer sk-worker'));
});

test('stop() and setMultiplier reach the worker; a missing secret is reported, not thrown', async () => {
  const plan = makePlan({ baseUrl: server.url, segments: [{ from: 5, ms: 30_000 }] });
  const events: RunEvent[] = [];
  const handle = startRunInWorker({ plan, workerPath, onEvent: (e) => events.push(e) });
  handle.setMultiplier(2);
  setTimeout(() => handle.stop(), 1500);
  const summary = await handle.done;
  assert.equal(summary.endReason, 'stopped');
  const ticks = events.flatMap((e) => (e.type === 'tick' ? [e.point] : []));
  assert.equal(ticks[0].multiplier, 2);
  assert.equal(ticks[0].targetLevel, 10);

  const missing = makePlan({ baseUrl: server.url, provider: { apiKey: '${secret:NOPE}' } as never });
  const r = await startRunInWorker({ plan: missing, workerPath, resolveSecret: async () => undefined, onEvent: () => undefined }).done;
  assert.equal(r.endReason, 'error');
  assert.match(r.endMessage!, /secret NOPE is not set/);
});

test('a worker file that does not exist ends with an error summary', async () => {
  const events: RunEvent[] = [];
  const summary = await startRunInWorker({ plan: makePlan({ baseUrl: server.url }), workerPath: join(dir, 'missing.js'), onEvent: (e) => events.push(e) }).done;
  assert.equal(summary.endReason, 'error');
  assert.deepEqual(events.map((e) => e.type), ['start', 'log', 'done']);
});
