// Cache A/B against the embedded mock: the same load with the cache on, then off.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeScenario } from '../../../src/core/analyze-scenario';
import type { RunEvent } from '../../../src/protocol/run-events';
import { planForSide } from '../../../src/runner/cache-experiment';
import { startRun } from '../../../src/runner/engine';

const SCENARIO = (ab: string) => `name: cache ab
providers:
  - id: gpu
    type: mock
    profile: small-gpu
    responseCache: { enabled: true, coalesce: true, ttl: 1m }
  - id: api
    type: openai
    baseUrl: http://127.0.0.1:9/v1
    model: m
workload:
  stream: true
  mix:
    - { name: faq, weight: 1, identicalPrompt: true, promptTokens: { min: 300, max: 300 }, maxTokens: 30 }
load:
  model: open
  arrival: uniform
  stages:
    - { name: only, for: 3s, rate: 4/s }
cache:
  ab: { switch: { ${ab}, on: "yes", off: "no" } }
`;

test('the switch goes where the scenario says; a mock turns its caches on and off', () => {
  const header = analyzeScenario(SCENARIO('header: x-use-cache')).plan!;
  const on = planForSide(header, 'on');
  const off = planForSide(header, 'off');
  assert.equal(on.providers[1].headers['x-use-cache'], 'yes');
  assert.equal(off.providers[1].headers['x-use-cache'], 'no');
  const mockOn = on.providers[0];
  const mockOff = off.providers[0];
  assert.ok(mockOn.type === 'mock' && mockOff.type === 'mock');
  assert.equal(mockOn.overrides.prefixCache, true);
  assert.equal(mockOff.overrides.prefixCache, false);
  assert.equal(mockOff.behaviour?.responseCache?.enabled, false);
  const query = planForSide(analyzeScenario(SCENARIO('query: cache')).plan!, 'off');
  assert.equal(query.providers[1].type === 'openai' && query.providers[1].baseUrl, 'http://127.0.0.1:9/v1?cache=no');
});

test('A/B reports hit rate and latency side by side, one start and one done', async () => {
  const plan = analyzeScenario(SCENARIO('header: x-use-cache')).plan!;
  plan.providers = plan.providers.slice(0, 1);
  const events: RunEvent[] = [];
  const handle = startRun({ plan, env: {}, onEvent: (e) => events.push(e) });
  const limit = setTimeout(() => handle.stop(), 40_000);
  const summary = await handle.done;
  clearTimeout(limit);
  assert.equal(events.filter((e) => e.type === 'start').length, 1);
  assert.equal(events.filter((e) => e.type === 'done').length, 1);
  const ab = summary.cacheAB!;
  assert.ok(ab.on.requests > 0 && ab.off.requests > 0);
  assert.ok((ab.on.hitRate ?? 0) > (ab.off.hitRate ?? 0), JSON.stringify(ab));
});
