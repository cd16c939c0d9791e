// Arrival scheduling on its own (arrivals.ts): the open model's arrival math and scheduler, and
// the closed model's users, with a fake run and a target that records what it was given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClosedUsers, OpenArrivals, arrivalsOwedFrom, nextArrivalAt, type ArrivalTarget, type ClosedUser } from '../../../src/runner/arrivals';
import { SeededRandom } from '../../../src/runner/seeded-random';
import { makePlan } from './support/plan-fixture';
import { fakeRun } from './support/fake-run';

/** Every arrival of a shape, walked the way the scheduler walks it. */
function allArrivals(plan: ReturnType<typeof makePlan>, multiplier = 1, rng: SeededRandom | null = null): number[] {
  const out: number[] = [];
  let at = nextArrivalAt(plan.load, multiplier, 0, rng ? rng.exponential() : 0);
  while (at !== null) {
    out.push(at);
    at = nextArrivalAt(plan.load, multiplier, at, rng ? rng.exponential() : 1);
  }
  return out;
}

const count = (times: number[], from: number, to: number) => times.filter((t) => t >= from && t < to).length;

test('uniform arrivals: rate x duration per stage, the first at time 0, a ramp integrated', () => {
  const plan = makePlan({ segments: [{ from: 10, ms: 1000 }, { from: 40, ms: 1000 }, { from: 40, to: 0, ms: 1000 }] });
  const times = allArrivals(plan);
  assert.equal(times[0], 0);
  assert.equal(count(times, 0, 1000), 10);
  assert.equal(count(times, 1000, 2000), 40);
  // The ramp 40 -> 0 over a second averages 20/s.
  assert.ok(Math.abs(count(times, 2000, 3000) - 20) <= 1, `ramp ${count(times, 2000, 3000)}`);
  assert.ok(times.every((t, i) => i === 0 || t > times[i - 1]));
  assert.ok(times[times.length - 1] < 3000);
});

test('the multiplier scales the rate; a stage at zero sends nothing; nothing after the end', () => {
  const plan = makePlan({ segments: [{ from: 0, ms: 1000 }, { from: 10, ms: 1000 }] });
  const times = allArrivals(plan, 3);
  assert.equal(times[0], 1000);
  assert.equal(times.length, 30);
  assert.equal(nextArrivalAt(plan.load, 1, 2000, 0), null);
  assert.equal(nextArrivalAt(plan.load, 0, 0, 1), null);
});

test('Poisson arrivals: the count is within 4 sigma of rate x duration, and seeded', () => {
  const plan = makePlan({ arrival: 'poisson', segments: [{ from: 100, ms: 100_000 }] });
  const a = allArrivals(plan, 1, new SeededRandom(7));
  const b = allArrivals(plan, 1, new SeededRandom(7));
  assert.deepEqual(a, b);
  // Poisson: variance = mean = 10,000, sigma = 100.
  assert.ok(Math.abs(a.length - 10_000) <= 400, `arrivals ${a.length}`);
});

test('arrivals owed at the end: exactly those left for uniform spacing, the due one plus the mean of the rest for Poisson', () => {
  const plan = makePlan({ segments: [{ from: 10, ms: 1000 }, { from: 100, ms: 1000 }, { from: 7, ms: 1000 }] });
  // Due at each arrival in turn: owed is that one and every later one of the shape.
  for (const multiplier of [1, 2, 3, 0.7]) {
    const times = allArrivals(plan, multiplier);
    times.forEach((due, i) => assert.equal(arrivalsOwedFrom(plan.load, multiplier, due), times.length - i, `due at ${due} ms at x${multiplier}`));
  }
  // On a ramp, within two arrivals.
  const ramp = makePlan({ segments: [{ from: 10, ms: 1000 }, { from: 100, to: 7, ms: 1000 }] });
  const times = allArrivals(ramp);
  times.forEach((due, i) => assert.ok(Math.abs(arrivalsOwedFrom(ramp.load, 1, due) - (times.length - i)) <= 2, `ramp: due at ${due} ms`));
  const poisson = makePlan({ arrival: 'poisson', segments: [{ from: 10, ms: 1000 }, { from: 100, ms: 1000 }] });
  // Due at 950 ms: then 0.5 arrivals expected in stage 0 and 100 in stage 1.
  assert.equal(arrivalsOwedFrom(poisson.load, 1, 950), 1 + 100);
});

function recorder(): ArrivalTarget & { launched: Array<{ intendedAt: number; stageIndex: number; user: ClosedUser | null }>; dropped: Array<[number, number]> } {
  const launched: Array<{ intendedAt: number; stageIndex: number; user: ClosedUser | null }> = [];
  const dropped: Array<[number, number]> = [];
  return {
    launched,
    dropped,
    launch: (intendedAt, stageIndex, user) => void launched.push({ intendedAt, stageIndex, user }),
    dropArrivals: (stageIndex, n) => void dropped.push([stageIndex, n]),
  };
}

const settle = () => new Promise<void>((r) => setImmediate(r));

test('open scheduler: arrivals already due are launched at their intended time and stage, the rest owed are dropped', async () => {
  const plan = makePlan({ segments: [{ from: 10, ms: 1000 }, { from: 2, ms: 3000 }] });
  const run = fakeRun(plan);
  // The run started 1.25 s ago: 10 arrivals of stage 0 and the one at 1,000 ms of stage 1 are
  // due; the next is at 1,500 ms.
  run.t0 -= 1250;
  const target = recorder();
  const open = new OpenArrivals(run, new SeededRandom(1), target);
  open.start();
  assert.deepEqual(target.launched.map((l) => Math.round(l.intendedAt - run.t0)), [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
  assert.deepEqual(target.launched.map((l) => l.stageIndex), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  assert.ok(target.launched.every((l) => l.user === null));
  assert.equal(open.nextArrival, 1500);
  // The shape ends while the runner is behind: what is still owed (1,500, 2,000 … 3,500 ms) is
  // dropped, in the stage of the oldest, with a warning.
  run.t0 -= 400;
  assert.equal(open.backlog(run.now()), 1);
  open.dropOwed();
  open.stop();
  assert.deepEqual(target.dropped, [[1, 5]]);
  assert.match(run.logs[0].message, /fell behind its schedule: 5 arrivals/);
  assert.equal(open.nextArrival, null);
  await settle();
  assert.equal(target.launched.length, 11);
});

test('open scheduler: at most 512 arrivals per turn, the rest on the next turn; nothing once the run is not running', async () => {
  const plan = makePlan({ segments: [{ from: 1000, ms: 2000 }] });
  const run = fakeRun(plan);
  run.t0 -= 1000;
  const target = recorder();
  const open = new OpenArrivals(run, new SeededRandom(1), target);
  open.start();
  assert.equal(target.launched.length, 512);
  await settle();
  assert.ok(target.launched.length > 512 && target.launched.length <= 1024 + 5, `${target.launched.length}`);
  run.phase = 'draining';
  const n = target.launched.length;
  await settle();
  await settle();
  assert.equal(target.launched.length, n);
  open.stop();
});

test('closed users follow the level, send again after their think time, and stop when retired', async () => {
  const plan = makePlan({ model: 'closed', thinkMs: [300, 300], segments: [{ from: 3, ms: 10_000 }] });
  const run = fakeRun(plan);
  const target = recorder();
  const users = new ClosedUsers(run, new SeededRandom(1), target);
  users.control();
  assert.equal(users.count, 3);
  await settle();
  assert.equal(target.launched.length, 3);
  const first = target.launched[0].user!;
  assert.ok(first && target.launched.every((l) => l.user !== null && l.stageIndex === 0));
  // Its request ended: the same user sends again after the 300 ms think time.
  first.owner.done(first, true);
  await settle();
  assert.equal(target.launched.length, 3);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(target.launched.length, 4);
  assert.equal(target.launched[3].user, first);
  // The multiplier lowers the level: users are retired at the next control.
  run.multiplier = 1 / 3;
  users.control();
  assert.equal(users.count, 1);
  const retired = target.launched[1].user!;
  assert.equal(retired.retired, true);
  retired.owner.done(retired, true);
  users.stop();
  first.owner.done(first, true);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(target.launched.length, 4);
});

test('closed users without think time answered in one turn send again together, in one Immediate scheduled after the turn (after undici releases their connections); after a failure without an answer, on a later turn', async () => {
  const plan = makePlan({ model: 'closed', segments: [{ from: 2, ms: 10_000 }] });
  const run = fakeRun(plan);
  const target = recorder();
  const users = new ClosedUsers(run, new SeededRandom(1), target);
  try {
    users.control();
    await settle();
    assert.equal(target.launched.length, 2);
    const [a, b] = target.launched.map((l) => l.user!);
    // undici releases a keep-alive connection in a setImmediate queued as the answer's callbacks
    // return: the users' next requests must come after it, not in a microtask before it.
    let undiciReleased = false;
    const releasedAtLaunch: boolean[] = [];
    const launch = target.launch;
    target.launch = (...args) => {
      releasedAtLaunch.push(undiciReleased);
      launch(...args);
    };
    a.owner.done(a, true);
    b.owner.done(b, true);
    setImmediate(() => (undiciReleased = true));
    await Promise.resolve();
    assert.equal(target.launched.length, 2, 'not sent from a microtask');
    await new Promise<void>((r) => setImmediate(() => setImmediate(r)));
    assert.ok(undiciReleased);
    assert.equal(target.launched.length, 4, 'both sent in the next Immediate');
    assert.deepEqual(releasedAtLaunch, [true, true], 'sent after the Immediate queued as the answers came');
    a.owner.done(a, false);
    await Promise.resolve();
    assert.equal(target.launched.length, 4);
    await settle();
    assert.equal(target.launched.length, 5);
  } finally {
    users.stop();
  }
});
