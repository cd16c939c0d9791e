// Failover with a circuit breaker against two scripted servers, the primary with an outage
// driven by request counts; the router's measurements on a scripted clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FailoverRouter } from '../../../src/runner/failover';
import { makePlan, openAIProvider } from './support/plan-fixture';
import { jsonCompletion, startScriptedServer } from './support/scripted-server';
import { runPlan } from './support/collect-run';

test('breaker opens on an outage, traffic fails over, then shifts back after the outage', async () => {
  // The outage is driven by counts the servers see, not by the clock: the primary answers 503
  // from its 5th request on, and recovers once the backup has served 15 requests. How fast the
  // machine is changes when this happens, not whether or in what order.
  const order: Array<'primary' | 'backup'> = [];
  const outage = { on: false, over: false, failures: 0, primaryAfter: 0, backupDuring: 0 };
  const primary = await startScriptedServer((req, res, body, n) => {
    order.push('primary');
    if (n === 4) outage.on = true;
    if (outage.on) {
      outage.failures++;
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"scripted outage"}}');
      return;
    }
    if (outage.over) outage.primaryAfter++;
    jsonCompletion(res);
  });
  const backup = await startScriptedServer((req, res) => {
    order.push('backup');
    if (outage.on && ++outage.backupDuring === 15) {
      outage.on = false;
      outage.over = true;
    }
    jsonCompletion(res);
  });
  try {
    const plan = makePlan({
      providers: [openAIProvider(primary.url, { id: 'primary' }), openAIProvider(backup.url, { id: 'backup' })],
      mix: [{ stream: false }],
      segments: [{ from: 25, ms: 4000 }],
      retries: { max: 1, on: ['server_error'] },
    });
    plan.resilience.failover = { on: ['server_error'], failureThreshold: 3, cooldownMs: 400, halfOpenProbes: 2 };
    const { summary, logs } = await runPlan(plan);
    const story = logs.map((l) => `${l.t} ${l.message}`).join('\n');
    const f = summary.failover!;
    assert.ok(f, 'failover summary present');
    assert.ok(f.events.length >= 1, `events ${JSON.stringify(f.events)}\n${story}`);
    const first = f.events[0]!;
    assert.equal(first.from, 'primary');
    assert.equal(first.to, 'backup');
    assert.ok(first.failoverMs !== null && first.failoverMs >= 0, `failover ${first.failoverMs}`);
    assert.equal(summary.metrics['failover.time'], f.failoverMs);
    // Recovered: the last event closed with a failback time, and the primary carries the traffic
    // again: its ordinary answers after the outage, and the run's last requests.
    assert.ok(outage.over, `outage never ended: ${JSON.stringify(outage)}`);
    const last = f.events[f.events.length - 1]!;
    assert.ok(last.failbackMs !== null && last.failbackMs >= 0, `failback ${JSON.stringify(f.events)}\n${story}`);
    assert.equal(summary.metrics['failback.time'], f.failbackMs);
    assert.ok(outage.primaryAfter >= 5, `primary answered ${outage.primaryAfter} after the outage\n${story}`);
    assert.deepEqual(order.slice(-3), ['primary', 'primary', 'primary'], `last requests went to ${order.slice(-10)}`);
    // The breaker opened on real failures. (How many reach the primary before it opens depends on
    // how many requests were in flight: a runner that fell behind sends its owed arrivals at once.)
    assert.ok(outage.failures >= 3, `${JSON.stringify(outage)}\n${story}`);
    // Retries go to the next provider, so users barely see the outage.
    assert.ok(summary.outcomes.server_error <= 3, `user-visible 5xx ${summary.outcomes.server_error}`);
    const byId = Object.fromEntries(summary.providers!.map((p) => [p.id, p]));
    assert.ok(byId.primary!.outcomes.server_error === outage.failures && byId.backup!.attempts === backup.requests, `${JSON.stringify(summary.providers)}\n${story}`);
    assert.ok(logs.some((l) => /circuit breaker primary: open/.test(l.message)), story);
    assert.ok(logs.some((l) => /circuit breaker primary: closed/.test(l.message)), story);
  } finally {
    await primary.close();
    await backup.close();
  }
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
