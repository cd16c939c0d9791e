// Warm-up fills the mock's prefix cache before the measured run and is not counted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeScenario } from '../../../src/core/analyze-scenario';
import type { RunEvent, RunSummary } from '../../../src/protocol/run-events';
import { startRun } from '../../../src/runner/engine';

const SCENARIO = (warmup: string) => `name: warmup
providers:
  - { id: gpu, type: mock, profile: small-gpu }
workload:
  stream: true
  mix:
    - { name: faq, weight: 1, identicalPrompt: true, promptTokens: { min: 400, max: 400 }, maxTokens: 10 }
load:
  model: open
  arrival: uniform
  stages:
    - { name: only, for: 2s, rate: 2/s }
${warmup}`;

async function run(text: string): Promise<{ summary: RunSummary; logs: string[] }> {
  const logs: string[] = [];
  const handle = startRun({ plan: analyzeScenario(text).plan!, env: {}, onEvent: (e: RunEvent) => e.type === 'log' && logs.push(e.entry.message) });
  const limit = setTimeout(() => handle.stop(), 30_000);
  try {
    return { summary: await handle.done, logs };
  } finally {
    clearTimeout(limit);
  }
}

test('warm-up requests are sent first, not counted, and leave the cache warm', async () => {
  const [cold, warm] = await Promise.all([run(SCENARIO('')), run(SCENARIO('cache:\n  warmup: { for: 1s, rate: 4/s }\n'))]);
  const line = warm.logs.find((l) => l.startsWith('cache warm-up:'));
  assert.ok(line, warm.logs.join('\n'));
  assert.match(line, /cache warm-up: [45] requests .* not counted/);
  assert.equal(warm.summary.requests.sent, cold.summary.requests.sent);
  assert.ok(warm.summary.cacheHitRate! > cold.summary.cacheHitRate!, `warm ${warm.summary.cacheHitRate} cold ${cold.summary.cacheHitRate}`);
});
