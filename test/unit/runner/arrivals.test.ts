// Arrival counts per stage, Poisson spacing, dropped arrivals at maxInFlight, the closed model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makePlan } from './support/plan-fixture';
import { runPlan, startCollecting } from './support/collect-run';
import { jsonCompletion, startScriptedServer, streamTokens } from './support/scripted-server';

test('uniform arrivals: counts per stage match rate x duration', async () => {
  const server = await startScriptedServer((req, res) => jsonCompletion(res));
  try {
    const plan = makePlan({
      baseUrl: server.url,
      mix: [{ stream: false }],
      segments: [
        { stage: 'low', from: 10, ms: 1000 },
        { stage: 'high', from: 40, ms: 1000 },
        { stage: 'ramp', from: 40, to: 0, ms: 1000 },
      ],
    });
    const { summary, ticks } = await runPlan(plan);
    const [low, high, ramp] = summary.stages;
    assert.ok(Math.abs(low.requests - 10) <= 1, `low ${low.requests}`);
    assert.ok(Math.abs(high.requests - 40) <= 1, `high ${high.requests}`);
    assert.ok(Math.abs(ramp.requests - 20) <= 2, `ramp ${ramp.requests}`);
    assert.equal(summary.outcomes.ok, summary.requests.total);
    assert.equal(summary.requests.sent, summary.requests.total);
    assert.ok(ticks.length >= 3, `ticks ${ticks.length}`);
    assert.deepEqual(ticks.map((t) => t.t), ticks.map((_, i) => i + 1));
    assert.deepEqual(ticks.slice(0, 3).map((t) => t.stage), ['low', 'high', 'ramp']);
    assert.equal(summary.tokens.method, 'usage');
    // every catalog metric is present
    assert.equal(summary.metrics['requests.total'], summary.requests.total);
    assert.ok('ttft.p95' in summary.metrics && 'retries.amplification' in summary.metrics);
  } finally {
    await server.close();
  }
});

test('Poisson arrivals: count within ±20% of the expected number', async () => {
  const server = await startScriptedServer((req, res) => jsonCompletion(res));
  try {
    const plan = makePlan({ baseUrl: server.url, arrival: 'poisson', mix: [{ stream: false }], segments: [{ from: 100, ms: 2000 }], seed: 7 });
    const { summary } = await runPlan(plan);
    assert.ok(summary.requests.sent >= 160 && summary.requests.sent <= 240, `sent ${summary.requests.sent}`);
    assert.ok(summary.scheduleLag.count === summary.requests.sent);
  } finally {
    await server.close();
  }
});

test('arrivals past maxInFlight are dropped and counted', async () => {
  const server = await startScriptedServer((req, res) => streamTokens(res, 2, 1500, 10));
  try {
    const plan = makePlan({ baseUrl: server.url, maxInFlight: 3, segments: [{ from: 20, ms: 1000 }] });
    const { summary, ticks, logs } = await runPlan(plan);
    assert.equal(summary.requests.sent, 3);
    assert.equal(summary.requests.dropped, 17);
    assert.equal(summary.metrics['dropped.count'], 17);
    assert.ok(Math.abs(summary.metrics['dropped.rate']! - 17 / 20) < 1e-9);
    assert.equal(ticks.reduce((n, t) => n + t.dropped, 0), 17);
    assert.ok(logs.some((l) => l.message.includes('maxInFlight')));
  } finally {
    await server.close();
  }
});

test('closed model keeps N users in flight and follows level changes', async () => {
  // The server holds every answer until five requests are in flight at once, then answers the
  // oldest: the loop goes on only while the runner replaces each finished request at once, which
  // is what a closed model of 5 users does, however slow the machine. Held answers are released
  // after 200 ms anyway so the 2 users of stage b (which never make five) keep going.
  let inFlight = 0;
  let maxSeen = 0;
  let fullHouses = 0;
  const held: Array<() => void> = [];
  const server = await startScriptedServer((req, res) => {
    inFlight++;
    maxSeen = Math.max(maxSeen, inFlight);
    let answered = false;
    const answer = () => {
      if (answered) return;
      answered = true;
      held.splice(held.indexOf(answer), 1);
      clearTimeout(fallback);
      streamTokens(res, 2, 0, 0);
    };
    const fallback = setTimeout(answer, 200);
    res.on('close', () => {
      inFlight--;
      if (!answered) held.splice(held.indexOf(answer), 1);
      clearTimeout(fallback);
    });
    held.push(answer);
    if (inFlight === 5) {
      fullHouses++;
      held[0]!();
    }
  });
  try {
    const plan = makePlan({ baseUrl: server.url, model: 'closed', segments: [{ stage: 'a', from: 5, ms: 1500 }, { stage: 'b', from: 2, ms: 1000 }] });
    const { summary, ticks } = await runPlan(plan);
    // Never more than 5 at once (an open model would pile up held requests), and five at once
    // again and again (a model that did not replace finished requests, or ran fewer users, would
    // stall the server: at most one full house before the 200 ms releases).
    assert.equal(maxSeen, 5);
    assert.ok(fullHouses >= 10, `five requests in flight at once ${fullHouses} times; ${summary.requests.total} requests`);
    const stageB = ticks.filter((t) => t.stage === 'b');
    assert.ok(stageB.length >= 1 && stageB[stageB.length - 1]!.inFlight <= 2, `in flight in stage b: ${stageB.map((t) => t.inFlight)}`);
    assert.equal(summary.requests.total, server.requests);
    assert.equal(summary.requests.dropped, 0);
  } finally {
    await server.close();
  }
});

test('setMultiplier scales the target rate from then on', async () => {
  const server = await startScriptedServer((req, res) => jsonCompletion(res));
  try {
    const plan = makePlan({ baseUrl: server.url, mix: [{ stream: false }], segments: [{ from: 10, ms: 2000 }] });
    const { handle, result } = startCollecting(plan);
    setTimeout(() => handle.setMultiplier(3), 1200);
    const { ticks, summary } = await result;
    assert.equal(ticks[0].multiplier, 1);
    assert.equal(ticks[1].multiplier, 3);
    assert.equal(ticks[1].targetLevel, 30);
    assert.ok(summary.requests.sent >= 30 && summary.requests.sent <= 42, `sent ${summary.requests.sent}`);
  } finally {
    await server.close();
  }
});

test('arrivals the runner could not get to by the end of the shape are counted as dropped, not skipped', async () => {
  const server = await startScriptedServer((req, res) => jsonCompletion(res));
  try {
    // Two million arrivals a second for half a second: far more than one Node process can
    // schedule, so most are still owed when the shape ends.
    const plan = makePlan({ baseUrl: server.url, mix: [{ stream: false }], maxInFlight: 5, segments: [{ from: 2_000_000, ms: 500 }] });
    const { summary, logs } = await runPlan(plan);
    const accounted = summary.requests.sent + summary.requests.dropped;
    assert.ok(Math.abs(accounted - 1_000_000) <= 2, `sent ${summary.requests.sent} + dropped ${summary.requests.dropped} = ${accounted}`);
    const behind = logs.find((l) => l.message.startsWith('the runner fell behind its schedule'));
    assert.ok(behind && behind.level === 'warn', JSON.stringify(logs.map((l) => l.message)));
  } finally {
    await server.close();
  }
});
