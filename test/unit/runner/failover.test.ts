// Failover with a circuit breaker against two embedded mocks, the primary with a scheduled outage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PlanProvider } from '../../../src/core/plan';
import { FailoverRouter } from '../../../src/runner/failover';
import { makePlan } from './support/plan-fixture';
import { runPlan } from './support/collect-run';

function mock(id: string, faults: Array<{ startMs: number; endMs: number }> = []): PlanProvider {
  return {
    id,
    type: 'mock',
    profile: 'instant',
    overrides: {},
    model: `${id}-model`,
    headers: {},
    pricing: { input: 1, cachedInput: 0.5, output: 2 },
    maxConnections: 32,
    behaviour: { faults: faults.map((f) => ({ kind: 'outage', mode: 'status', status: 503, ...f })) },
  };
}

test('breaker opens on an outage, traffic fails over, then shifts back after the outage', async () => {
  const plan = makePlan({
    providers: [mock('primary', [{ startMs: 1000, endMs: 2000 }]), mock('backup')],
    segments: [{ from: 25, ms: 4000 }],
    retries: { max: 1, on: ['server_error'] },
  });
  plan.resilience.failover = { on: ['server_error'], failureThreshold: 3, cooldownMs: 400, halfOpenProbes: 2 };
  const { summary, ticks, logs } = await runPlan(plan);
  const f = summary.failover!;
  assert.ok(f, 'failover summary present');
  assert.ok(f.events.length >= 1, `events ${JSON.stringify(f.events)}`);
  const first = f.events[0];
  assert.equal(first.from, 'primary');
  assert.equal(first.to, 'backup');
  // Opened near the outage start; the first success on the backup follows within a second
  // (three failures at 25/s plus one request; generous for a busy machine).
  assert.ok(first.t >= 0.9 && first.t < 2, `opened at ${first.t}`);
  assert.ok(first.failoverMs !== null && first.failoverMs < 1000, `failover ${first.failoverMs}`);
  assert.equal(summary.metrics['failover.time'], f.failoverMs);
  // Recovered: the last event closed with a failback time and the primary carries the last second.
  const last = f.events[f.events.length - 1];
  assert.ok(last.failbackMs !== null, `failback ${JSON.stringify(f.events)}`);
  assert.equal(summary.metrics['failback.time'], f.failbackMs);
  const tail = ticks.filter((t) => t.t === 4)[0];
  const story = logs.map((l) => `${l.t} ${l.message}`).join('\n');
  assert.ok(tail && (tail.providerShare?.primary ?? 0) > 0.5, `last share ${JSON.stringify(tail?.providerShare)}\n${story}`);
  // During the outage the backup takes most attempts.
  const mid = ticks.find((t) => t.t === 2)!;
  assert.ok(mid, story);
  assert.ok((mid.providerShare?.backup ?? 0) > 0.5, `mid share ${JSON.stringify(mid.providerShare)}`);
  // Retries go to the next provider, so users barely see the outage.
  assert.ok(summary.outcomes.server_error <= 3, `user-visible 5xx ${summary.outcomes.server_error}`);
  const byId = Object.fromEntries(summary.providers!.map((p) => [p.id, p]));
  assert.ok(byId.primary.outcomes.server_error >= 3 && byId.backup.attempts > 10, `${JSON.stringify(summary.providers)}\n${story}`);
  assert.ok(logs.some((l) => /circuit breaker primary: open/.test(l.message)));
  assert.ok(logs.some((l) => /circuit breaker primary: closed/.test(l.message)));
  assert.ok(ticks.every((t) => t.attemptsPerRequest == null || t.attemptsPerRequest >= 1));
});

test('failback runs from the scheduled recovery to the actual shift back, not from probe to breaker', () => {
  let now = 0;
  const r = new FailoverRouter(['a', 'b'], { on: ['server_error'], failureThreshold: 1, cooldownMs: 500, halfOpenProbes: 1 }, () => now, () => undefined, (index) => (index === 0 ? 1000 : null));
  r.record(0, false, 'server_error');
  now = 100;
  r.record(1, false, 'ok');
  // the cooldown ends after the provider came back at 1000 ms: probe at 1400, shift back at 1450
  now = 1400;
  assert.deepEqual(r.pick(0), { index: 0, probe: true });
  r.record(0, true, 'ok');
  now = 1450;
  assert.deepEqual(r.pick(0), { index: 0, probe: false });
  r.record(0, false, 'ok');
  assert.equal(r.events[0].failbackMs, 450);
});

test('router: half-open probe failure reopens; success count closes; retries avoid the failed provider', () => {
  let now = 0;
  const logs: string[] = [];
  const r = new FailoverRouter(['a', 'b'], { on: ['server_error', 'rate_limited'], failureThreshold: 2, cooldownMs: 100, halfOpenProbes: 1 }, () => now, (_l, m) => logs.push(m));
  assert.deepEqual(r.pick(0), { index: 0, probe: false });
  // a retry avoids the provider it failed on while another is usable
  assert.deepEqual(r.pick(0, 0), { index: 1, probe: false });
  r.record(0, false, 'server_error');
  now = 10;
  r.record(0, false, 'rate_limited');
  assert.equal(r.pick(0).index, 1);
  now = 50;
  r.record(1, false, 'ok');
  assert.equal(r.events[0].failoverMs, 50);
  now = 120;
  const probe = r.pick(0);
  assert.deepEqual(probe, { index: 0, probe: true });
  // only one probe at a time
  assert.equal(r.pick(0).index, 1);
  r.record(0, true, 'server_error');
  assert.equal(r.pick(0).index, 1);
  now = 230;
  const probe2 = r.pick(0);
  assert.ok(probe2.probe);
  r.record(0, true, 'ok');
  assert.equal(r.pick(0).index, 0);
  assert.equal(r.events.length, 1, 'a reopened breaker is the same outage');
  // Failback ends at the actual shift back: the first ordinary success on the recovered provider.
  assert.equal(r.events[0].failbackMs, null);
  now = 260;
  r.record(0, false, 'ok');
  assert.equal(r.events[0].failbackMs, 30);
  // canceled and client errors leave the breaker alone
  r.record(0, false, 'canceled');
  r.record(0, false, 'client_error');
  r.record(0, false, 'client_error');
  assert.equal(r.pick(0).index, 0);
});
