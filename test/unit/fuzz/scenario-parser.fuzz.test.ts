// Fuzz: generated and mutated scenario files through the whole check (YAML, schema, semantics).
// Invariants: never an exception or a stack overflow, every problem at a position, bounded time
// and memory per file, and every plan that passes is one the runner can honour (validate and run
// agree on the limits).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyzeScenario } from '../../../src/core/analyze-scenario';
import { LIMITS } from '../../../src/core/limits';
import { cpuTimeOf, fuzzParameters, MAX_CASE_MS, MAX_RSS_BYTES } from './support/fuzz-config';
import { scenarioText } from './support/scenario-arbitrary';

test('fuzz: any scenario text is analyzed without throwing, in bounded time and memory, into a plan within the limits', async () => {
  let plans = 0;
  let cases = 0;
  await fc.assert(
    fc.asyncProperty(scenarioText, async (text) => {
      cases++;
      const { value, cpuMs } = await cpuTimeOf(() => analyzeScenario(text));
      assert.ok(cpuMs < MAX_CASE_MS, `analysis took ${cpuMs} ms of CPU`);
      assert.ok(process.memoryUsage().rss < MAX_RSS_BYTES, 'memory bound');
      for (const p of value.problems) {
        assert.ok(p.range.line >= 1 && p.range.column >= 1, `problem without a position: ${p.message}`);
        assert.ok(p.message.length > 0 && p.message.length < 2000, `a one-line message: ${p.message.slice(0, 200)}`);
      }
      const plan = value.plan;
      if (!plan) return;
      plans++;
      const load = plan.load;
      assert.ok(Number.isFinite(load.durationMs) && load.durationMs > 0 && load.durationMs <= LIMITS.runMs, `run length ${load.durationMs}`);
      assert.ok(load.timeScale >= LIMITS.timeScaleMin && load.timeScale <= LIMITS.timeScaleMax);
      assert.ok(load.segments.length <= LIMITS.stages);
      const levelLimit = load.model === 'open' ? LIMITS.ratePerSecond : LIMITS.users;
      for (const s of load.segments) assert.ok(s.from <= levelLimit && s.to <= levelLimit && s.from >= 0 && s.to >= 0, `level ${s.from}..${s.to}`);
      assert.ok(load.maxInFlight <= LIMITS.maxInFlight);
      const t = plan.resilience.timeouts;
      assert.ok(t.ttftMs <= LIMITS.durationMs && t.totalMs <= LIMITS.durationMs);
      for (const m of plan.workload.mix) assert.ok(m.maxTokens <= LIMITS.maxTokens);
    }),
    fuzzParameters(12),
  );
  assert.ok(cases > 0);
  // Not an assertion on the generator's luck, only that valid plans are among the cases.
  process.stdout.write(`# fuzz: ${cases} scenario texts, ${plans} valid plans\n`);
});
