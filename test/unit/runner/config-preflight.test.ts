// What is refused before a run sends anything: a reference without a value (named with its
// field, and found at its line in the text), an unreadable prompt file, no provider that accepts
// a connection (a closed port on loopback); one provider down among several is only a warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preflightRun } from '../../../src/runner/config-preflight';
import { referenceLocation, unresolvedReferences } from '../../../src/core/interpolation';
import { makePlan, openAIProvider } from './support/plan-fixture';
import type { PlanProvider } from '../../../src/core/plan';

/** A loopback port that was just closed: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function openPort(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const mock = { id: 'm', type: 'mock', profile: 'instant', headers: {}, pricing: { input: 0, cachedInput: 0, output: 0 }, maxConnections: 64 } as unknown as PlanProvider;

test('a missing ${env:…} or ${secret:…} is an error naming the field, and is found at its line', async () => {
  const plan = makePlan({ providers: [openAIProvider('${env:STAMPEDE_TEST_UNSET_URL}/v1', { apiKey: '${secret:STAMPEDE_TEST_KEY}', headers: { 'x-team': '${env:STAMPEDE_TEST_TEAM}' } })] });
  const result = await preflightRun(plan, { env: { STAMPEDE_TEST_TEAM: 'a' }, secret: () => undefined, baseDir: tmpdir() });
  assert.deepEqual(
    result.errors.map((e) => e.message),
    [
      'providers[0].baseUrl: environment variable STAMPEDE_TEST_UNSET_URL is not set (referenced as ${env:STAMPEDE_TEST_UNSET_URL})',
      'providers[0].apiKey: secret STAMPEDE_TEST_KEY is not set (referenced as ${secret:STAMPEDE_TEST_KEY})',
    ],
  );
  const text = 'name: x\nproviders:\n  - id: p\n    type: openai\n    baseUrl: ${env:STAMPEDE_TEST_UNSET_URL}/v1\n';
  assert.deepEqual(referenceLocation(text, 'env', 'STAMPEDE_TEST_UNSET_URL'), { line: 5, column: 14 });
  assert.equal(referenceLocation(text, 'env', 'OTHER'), null);
  // An empty value is no value.
  assert.equal(unresolvedReferences(plan, (kind, name) => (name === 'STAMPEDE_TEST_UNSET_URL' ? '' : 'v')).length, 1);
});

test('a gateway upstream whose url has no value is refused before the run (its proxy would have nowhere to forward)', async () => {
  const upstream = (name: string, url?: string) => ({ name, ...(url ? { url } : { mock: { profile: 'instant', overrides: {} } }), port: 0, host: '127.0.0.1', faults: [], pricing: null });
  const plan = { ...makePlan({ providers: [mock] }), gateway: { upstreams: [upstream('primary', '${env:STAMPEDE_TEST_UNSET_UPSTREAM}/v1'), upstream('fallback')], requestIdHeader: null } };
  const result = await preflightRun(plan as never, { env: {}, secret: () => undefined, baseDir: tmpdir() });
  assert.deepEqual(result.errors.map((e) => e.message), [
    'gateway.upstreams[0].url: environment variable STAMPEDE_TEST_UNSET_UPSTREAM is not set (referenced as ${env:STAMPEDE_TEST_UNSET_UPSTREAM})',
  ]);
  assert.equal(result.errors[0]!.reference?.name, 'STAMPEDE_TEST_UNSET_UPSTREAM');
});

test('a provider sent through an upstream the run owns (${upstream:NAME}) is not probed: its proxy starts with the run', async () => {
  const upstream = (name: string) => ({ name, mock: { profile: 'instant', overrides: {} }, port: 0, host: '127.0.0.1', faults: [], pricing: null });
  const plan = { ...makePlan({ providers: [openAIProvider('${upstream:primary}/v1'), openAIProvider('${upstream:fallback}/v1')] }), gateway: { upstreams: [upstream('primary'), upstream('fallback')], requestIdHeader: null } };
  const result = await preflightRun(plan as never, { env: {}, secret: () => undefined, baseDir: tmpdir() });
  assert.deepEqual(result, { errors: [], warnings: [] });
});

test('an unreadable prompt file is an error before the run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-preflight-'));
  try {
    const plan = makePlan({ providers: [mock], mix: [{ prompt: { file: 'missing.txt' } } as never] });
    const result = await preflightRun(plan, { env: {}, secret: () => undefined, baseDir: dir });
    assert.equal(result.errors.length, 1);
    assert.match(result.errors[0]!.message, /workload\.mix\[0\] \(m0\)\.prompt\.file: cannot read missing\.txt \(file not found\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no provider accepting a connection refuses the run; one down among several is a warning', async () => {
  const down = await closedPort();
  const up = await openPort();
  try {
    const only = await preflightRun(makePlan({ baseUrl: `http://127.0.0.1:${down}/v1` }), { env: {}, secret: () => undefined, baseDir: tmpdir() });
    assert.equal(only.errors.length, 1);
    assert.match(only.errors[0]!.message, new RegExp(`providers\\[0\\]\\.baseUrl \\(p\\): 127\\.0\\.0\\.1:${down}: refused the connection — no provider can be reached`));

    const failover = await preflightRun(makePlan({ providers: [openAIProvider(`http://127.0.0.1:${down}/v1`), { ...mock, id: 'spare' }] }), { env: {}, secret: () => undefined, baseDir: tmpdir() });
    assert.deepEqual(failover.errors, []);
    assert.equal(failover.warnings.length, 1);
    assert.match(failover.warnings[0]!, /will fail over or count as network errors/);

    const fine = await preflightRun(makePlan({ baseUrl: `http://127.0.0.1:${up.port}/v1` }), { env: {}, secret: () => undefined, baseDir: tmpdir() });
    assert.deepEqual(fine, { errors: [], warnings: [] });
    const resolved = await preflightRun(makePlan({ baseUrl: '${env:STAMPEDE_TEST_URL}' }), { env: { STAMPEDE_TEST_URL: `http://127.0.0.1:${up.port}/v1` }, secret: () => undefined, baseDir: tmpdir() });
    assert.deepEqual(resolved.errors, [], 'the URL is checked with its references resolved');
  } finally {
    await up.close();
  }
});
