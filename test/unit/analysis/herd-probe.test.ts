// The thundering-herd probe against the embedded mock: a response cache without coalescing
// computes the cold key once per request; with coalescing, once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeScenario } from '../../../src/core/analyze-scenario';
import type { RunSummary } from '../../../src/protocol/run-events';
import { startRun } from '../../../src/runner/engine';

const SCENARIO = (coalesce: boolean) => `name: herd
providers:
  - id: gpu
    type: mock
    profile: small-gpu
    responseCache: { enabled: true, coalesce: ${coalesce}, ttl: 1m }
workload:
  stream: true
  mix:
    - { name: chat, weight: 1, promptTokens: { min: 100, max: 200 }, maxTokens: 20 }
load:
  model: open
  stages:
    - { name: only, for: 4s, rate: 1/s }
cache:
  herd: { at: 1500ms, requests: 8 }
`;

async function run(coalesce: boolean): Promise<RunSummary> {
  const handle = startRun({ plan: analyzeScenario(SCENARIO(coalesce)).plan!, env: {}, onEvent: () => undefined });
  const limit = setTimeout(() => handle.stop(), 40_000);
  try {
    return await handle.done;
  } finally {
    clearTimeout(limit);
  }
}

test('herd probe: duplicates without coalescing, none with it', async () => {
  const [herd, coalesced] = await Promise.all([run(false), run(true)]);
  assert.ok(herd.herd && coalesced.herd);
  assert.equal(herd.herd.requests, 8);
  assert.equal(herd.herd.method, 'mock-counters');
  assert.equal(herd.herd.duplicateComputations, 7, JSON.stringify(herd.herd));
  assert.equal(coalesced.herd.duplicateComputations, 0, JSON.stringify(coalesced.herd));
  assert.ok(herd.herd.t >= 1 && herd.herd.t < 3);
  assert.ok(herd.requests.sent >= 8 + 3);
});
