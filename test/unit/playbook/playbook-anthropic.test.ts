// The playbook's rate-limit, cache and agent scenarios run in the Anthropic dialect (the mock
// speaks it on the same GPU, limiter and caches) with `--set providers[0].dialect=anthropic`,
// and their verdicts name the same failures as the OpenAI runs (playbook.test.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { kinds, runPlaybook } from './run-playbook';

const ANTHROPIC = 'providers[0].dialect=anthropic';
const has = (list: string[], item: string) => assert.ok(list.includes(item), `expected "${item}" in the timeline: ${list.join(' | ') || '(empty)'}`);

describe('playbook scenarios in the Anthropic dialect name the same failures', { concurrency: 3 }, () => {
  test('rate-limits: a 429 on the timeline and a rate-limit threshold broken, with the anthropic-ratelimit-* headroom read', async () => {
    const { summary, ticks } = await runPlaybook('rate-limits.stampede.yaml', ['load.timeScale=3', 'providers[0].overrides.rpm=6', ANTHROPIC]);
    assert.equal(summary.providers?.[0]?.dialect, 'anthropic');
    const k = kinds(summary);
    has(k, 'first-429');
    assert.ok(['threshold:retries.amplification < 1.2', 'threshold:rateLimited.rate < 1%', 'first-429'].includes(k[0]), `first break: ${k[0]}`);
    assert.equal(summary.verdict.pass, false);
    assert.ok(ticks.some((t) => t.rateLimit?.requestsRemaining === 0), 'the headroom reached 0 requests');
  });

  test('cache-effectiveness: the herd computes one key many times; the hit-rate threshold breaks', async () => {
    const { summary } = await runPlaybook('cache-effectiveness.stampede.yaml', ['load.timeScale=3', ANTHROPIC]);
    const k = kinds(summary);
    has(k, 'herd');
    has(k, 'threshold:cache.hitRate > 50%');
    assert.ok(summary.herd!.duplicateComputations! >= 10, JSON.stringify(summary.herd));
    assert.ok(summary.tokens.cachedInput > 0, 'cache_read_input_tokens were read');
  });

  test('agent-divergence: agents take more steps under load, in Anthropic tool_use blocks', async () => {
    const { summary } = await runPlaybook('agent-divergence.stampede.yaml', ['load.timeScale=3', ANTHROPIC]);
    assert.ok(summary.agent && summary.agent.toolCalls > 0);
    assert.ok((summary.metrics['agent.steps.growth'] ?? 0) > 1.5, `agent.steps.growth ${summary.metrics['agent.steps.growth']}`);
    assert.equal(summary.thresholds.find((s) => s.metric === 'agent.steps.growth')!.pass, false);
  });
});
