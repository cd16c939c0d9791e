// Every playbook scenario runs shortened against the mock, and the analysis names the failure the
// scenario was written to expose. Three at a time: each is mostly waiting on the mock's clock.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { kinds, runPlaybook } from './run-playbook';

const has = (list: string[], item: string) => assert.ok(list.includes(item), `expected "${item}" in the timeline: ${list.join(' | ') || '(empty)'}`);

describe('playbook scenarios name their first break', { concurrency: 3 }, () => {
  test('rate-limits: a 429 on the timeline and a rate-limit threshold broken', async () => {
    const { summary } = await runPlaybook('rate-limits.stampede.yaml', ['load.timeScale=3', 'providers[0].overrides.rpm=6']);
    const k = kinds(summary);
    has(k, 'first-429');
    assert.ok(['threshold:retries.amplification < 1.2', 'threshold:rateLimited.rate < 1%', 'first-429'].includes(k[0]), `first break: ${k[0]}`);
    assert.equal(summary.verdict.pass, false);
  });

  test('failover: the outage shows as a failover with its time', async () => {
    const { summary } = await runPlaybook('failover.stampede.yaml', ['load.timeScale=3']);
    const k = kinds(summary);
    assert.ok(k[0] === 'failover' || k[0] === 'first-5xx', `first break: ${k[0]}`);
    has(k, 'failover');
    assert.ok(summary.analysis!.failoverMs !== null && summary.analysis!.failoverMs < 5000, `failover ${summary.analysis!.failoverMs} ms`);
  });

  test('graceful-degradation: responses degrade and the share threshold breaks', async () => {
    const { summary } = await runPlaybook('graceful-degradation.stampede.yaml', ['load.timeScale=3']);
    const k = kinds(summary);
    has(k, 'degradation');
    has(k, 'threshold:degradation.share < 10%');
  });

  test('burst-campaign-10x: TTFT and the queue go first, then the TTFT threshold', async () => {
    const { summary } = await runPlaybook('burst-campaign-10x.stampede.yaml', ['load.timeScale=150']);
    const k = kinds(summary);
    has(k, 'threshold:ttft.p95 < 2s');
    assert.ok(['ttft-doubled', 'queue-growing', 'threshold:ttft.p95 < 2s', 'cost-rising'].includes(k[0]), `first break: ${k[0]}`);
    assert.equal(summary.analysis!.firstBreak!.stage, 'campaign');
  });

  test('burst-news-spike-30x: the spike overflows the queue', async () => {
    const { summary } = await runPlaybook('burst-news-spike-30x.stampede.yaml', ['load.timeScale=240']);
    const k = kinds(summary);
    has(k, 'queue-growing');
    has(k, 'first-5xx');
    assert.equal(summary.analysis!.firstBreak!.stage, 'news-spike');
  });

  test('burst-diurnal-3x: the top of the wave breaks TTFT', async () => {
    const { summary } = await runPlaybook('burst-diurnal-3x.stampede.yaml', ['load.timeScale=2880']);
    const k = kinds(summary);
    has(k, 'threshold:ttft.p95 < 1.5s');
    assert.equal(summary.analysis!.firstBreak!.stage, 'day');
    assert.ok(summary.analysis!.highestPassingLevel! > 2, `held up to ${summary.analysis!.highestPassingLevel}`);
  });

  test('cache-effectiveness: the herd computes one key many times; the hit-rate threshold breaks', async () => {
    const { summary, logs } = await runPlaybook('cache-effectiveness.stampede.yaml', ['load.timeScale=3']);
    const k = kinds(summary);
    has(k, 'herd');
    has(k, 'threshold:cache.hitRate > 50%');
    assert.ok(summary.herd!.duplicateComputations! >= 10, JSON.stringify(summary.herd));
    assert.ok(logs.some((l) => /cache warm-up: \d+ requests/.test(l)));
  });

  test('cancellations: the leaking variant is caught, the healthy one is not', async () => {
    const [leaky, healthy] = await Promise.all([
      runPlaybook('cancellations.stampede.yaml', ['load.timeScale=3', 'providers[0].leakOnDisconnect=true']),
      runPlaybook('cancellations.stampede.yaml', ['load.timeScale=3']),
    ]);
    const k = kinds(leaky.summary);
    assert.ok(k[0] === 'threshold:cancellations.leaked == 0' || k[0] === 'cancellation-leak', `first break: ${k[0]}`);
    assert.ok(!kinds(healthy.summary).includes('cancellation-leak'));
    assert.equal(healthy.summary.metrics['cancellations.leaked'], 0);
  });

  test('agent-divergence: agents take more steps under load', async (t) => {
    const { summary } = await runPlaybook('agent-divergence.stampede.yaml', ['load.timeScale=3']);
    if (!summary.agent) return t.skip('needs agent loops in the runner');
    assert.ok((summary.metrics['agent.steps.growth'] ?? 0) > 1.5, `agent.steps.growth ${summary.metrics['agent.steps.growth']}`);
    assert.equal(summary.thresholds.find((s) => s.metric === 'agent.steps.growth')!.pass, false);
  });

  test('cost-spike-budget: the budget aborts the spike', async () => {
    const { summary } = await runPlaybook('cost-spike-budget.stampede.yaml', ['load.timeScale=3']);
    assert.equal(summary.endReason, 'aborted');
    assert.match(summary.endMessage ?? '', /budget exceeded/);
    has(kinds(summary), 'threshold:cost.total < $0.50');
  });

  test('breaking-point: names the highest sustainable rate and the threshold that broke', async () => {
    const { summary } = await runPlaybook('breaking-point.stampede.yaml', ['load.search.hold=3s']);
    const bp = summary.breakingPoint!;
    assert.ok(bp.brokeAt, 'a step broke');
    assert.ok(bp.highestSustainableRate === null || bp.highestSustainableRate < bp.brokeAt.rate);
    assert.match(summary.verdict.headline, /^(PASS|FAIL) — sustains .*; broke at [\d.]+\/s on /);
    assert.equal(summary.endReason, 'completed');
  });
});
