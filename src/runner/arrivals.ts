// Arrival scheduling: when requests go out.
// - Open model: arrivals at the load shape's rate (Poisson or uniform spacing), each launched
//   at its intended time; those the runner still owes when the shape ends are counted as
//   dropped, never silently skipped.
// - Closed model: a number of users follows the shape; each sends its next request when the
//   previous one ends, after a think time.
// - Replay (replay-arrivals.ts): the open scheduler with the trace's recorded arrivals in place
//   of drawn ones.
import { levelAt } from '../core/load-shape';
import type { PlanLoad, PlanSegment } from '../core/plan';
import type { RunControl } from './run-control';
import type { SeededRandom } from './seeded-random';
import { usersForWorker } from '../core/worker-share';

/** Arrivals handled per scheduler turn before yielding to I/O. */
const MAX_BATCH = 512;
/** How often the closed model re-reads the shape's user count. */
const CLOSED_CONTROL_MS = 100;
/** Users added per scheduler turn: 100,000 users join over many turns, so a stop is never
 * queued behind them. */
const MAX_USERS_PER_TURN = 1000;
/** The rate curve is integrated in steps of this many ms. */
const STEP_MS = 50;
/** Steps walked per draw (1,000 s of shape): a long stretch of zero or tiny rate is walked over
 * several turns of the event loop, never in one. */
const MAX_STEPS_PER_DRAW = 20_000;

/** Where arrivals go: the request flow (request-flow.ts). */
export interface ArrivalTarget {
  /** Sends a request intended at `intendedAt` (performance.now() ms); `user` in the closed model. */
  launch(intendedAt: number, stageIndex: number, user: ClosedUser | null): void;
  dropArrivals(stageIndex: number, count: number): void;
}

/** A request whose mix entry and sizes were recorded in a trace (load.model: replay). */
export interface RecordedRequest {
  mixIndex: number;
  /** Prompt tokens, the mix entry's system message not included. */
  promptTokens: number;
  maxTokens: number;
  /** The prompt as a JSON string literal; `rng` draws any filler past the shared prefix. */
  promptJson(rng: SeededRandom): string;
}

/** Where a replay's arrivals go: the request flow, which sends them as recorded. */
export interface RecordedArrivalTarget extends ArrivalTarget {
  launchRecorded(intendedAt: number, stageIndex: number, request: RecordedRequest): void;
}

/**
 * Next intended arrival after `fromMs`: `need` units of "work" (an exponential draw for Poisson
 * spacing, 1 for uniform, 0 for the first uniform arrival) consumed against the rate curve in
 * 50 ms steps, so rate changes between arrivals (ramps, a spike starting) take effect at the
 * right moment. null past the end of the shape.
 */
export function nextArrivalAt(load: PlanLoad, multiplier: number, fromMs: number, need: number): number | null {
  const step = advanceArrival(load, multiplier, fromMs, need, Infinity);
  return 'at' in step ? step.at : null;
}

/** An arrival found (`at`, null past the end of the shape), or where a walk that took
 * `maxSteps` steps stopped and the work it still needs. */
export type ArrivalStep = { at: number | null } | { resumeFrom: number; need: number };

/** nextArrivalAt, walking at most `maxSteps` steps of 50 ms. */
export function advanceArrival(load: PlanLoad, multiplier: number, fromMs: number, need: number, maxSteps: number): ArrivalStep {
  let t = fromMs;
  const end = load.durationMs;
  for (let steps = 0; t < end; steps++) {
    if (steps >= maxSteps) return { resumeFrom: t, need };
    const rate = levelAt(load, t) * multiplier;
    const stepEnd = Math.min(end, Math.floor(t / STEP_MS) * STEP_MS + STEP_MS);
    const have = (rate * (stepEnd - t)) / 1000;
    if (rate > 0 && have >= need) {
      const at = need === 0 ? t : t + (need / rate) * 1000;
      // A nanosecond of slack, so float residue of the step sums cannot add a last arrival.
      return { at: at < end - 1e-6 ? at : null };
    }
    need -= have;
    t = stepEnd;
  }
  return { at: null };
}

/** Arrivals per second integrated over [a, b) of one segment (closed forms of its shape). */
function segmentWork(seg: PlanSegment, a: number, b: number): number {
  const from = Math.max(a, seg.startMs);
  const to = Math.min(b, seg.endMs);
  if (!(to > from)) return 0;
  const x0 = from - seg.startMs;
  const x1 = to - seg.startMs;
  const span = seg.endMs - seg.startMs;
  const d = seg.to - seg.from;
  let ms: number;
  switch (seg.shape) {
    case 'constant':
      ms = seg.from * (x1 - x0);
      break;
    case 'linear':
      ms = span <= 0 ? seg.to * (x1 - x0) : seg.from * (x1 - x0) + (d * (x1 * x1 - x0 * x0)) / (2 * span);
      break;
    case 'sine': {
      const period = seg.periodMs && seg.periodMs > 0 ? seg.periodMs : span;
      const w = (2 * Math.PI) / period;
      ms = seg.from * (x1 - x0) + (d / 2) * (x1 - x0 - (Math.sin(w * x1) - Math.sin(w * x0)) / w);
      break;
    }
  }
  return ms / 1000;
}

/** Arrivals owed from `firstMs` (an arrival due then but never sent) to the end of the shape,
 * from the work left under the rate curve — integrated exactly, never one by one. Uniform
 * spacing: one arrival per whole unit of work, the due one first — exact at constant rates; on
 * a ramp the scheduler reads the rate at the start of each 50 ms step, so the count may differ
 * by an arrival or two. Poisson: the due one plus the mean of the rest. */
export function arrivalsOwedFrom(load: PlanLoad, multiplier: number, firstMs: number): number {
  // Integrated segment by segment in closed form: the runner may be hours behind its schedule,
  // and the work is the same for one second owed or a day.
  let work = 0;
  for (const seg of load.segments) if (seg.endMs > firstMs) work += segmentWork(seg, firstMs, load.durationMs) * multiplier;
  // The slack matches nextArrivalAt's: float residue of the step sums adds no arrival.
  return load.arrival === 'uniform' ? Math.max(1, Math.ceil(work - 1e-6)) : 1 + Math.floor(work);
}

/** The open model's scheduler: one timer (or Immediate) armed for the next arrival. */
export class OpenArrivals {
  /** The next intended arrival in run time (ms); null when the shape has no more. */
  nextArrival: number | null = null;
  /** A draw that walked its step budget without finding the next arrival: where it goes on. */
  private resume: { resumeFrom: number; need: number } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;

  constructor(
    protected readonly run: RunControl,
    private readonly rng: SeededRandom,
    private readonly target: ArrivalTarget,
  ) {}

  start(): void {
    this.nextArrival = this.firstArrival();
    this.pump();
  }

  /** The multiplier changed: redraw the next arrival at the new rate (the process is
   * memoryless, so nothing is lost). */
  redraw(): void {
    this.nextArrival = this.draw(this.run.now());
    this.arm();
  }

  /** 1 when an arrival is due but not yet sent (the runner's own backlog), else 0. */
  backlog(nowMs: number): number {
    return this.nextArrival !== null && this.nextArrival < nowMs ? 1 : 0;
  }

  /** The first arrival's run time, or null when the shape has none. */
  protected firstArrival(): number | null {
    return this.draw(0, true);
  }

  /** Sends the arrival intended at run time `intendedMs`; returns the next one's time. */
  protected launchOne(intendedMs: number): number | null {
    const run = this.run;
    this.target.launch(run.t0 + intendedMs, run.stageIndexAt(intendedMs), null);
    return this.draw(intendedMs);
  }

  /** Arrivals owed from `firstMs` (due then, never sent) to the end of the shape. */
  protected owedFrom(firstMs: number): number {
    return arrivalsOwedFrom(this.run.plan.load, this.run.multiplier, firstMs);
  }

  private draw(fromMs: number, first = false): number | null {
    const load = this.run.plan.load;
    // Uniform spacing starts with an arrival as soon as the rate is positive, so a stage of
    // d seconds at r/s gets r x d arrivals, not one fewer.
    const need = load.arrival === 'poisson' ? this.rng.exponential() : first ? 0 : 1;
    return this.walk(fromMs, need, MAX_STEPS_PER_DRAW);
  }

  /** The next arrival, or null with `resume` set when the walk used its budget first. */
  private walk(fromMs: number, need: number, maxSteps: number): number | null {
    const step = advanceArrival(this.run.plan.load, this.run.multiplier, fromMs, need, maxSteps);
    if ('at' in step) {
      this.resume = null;
      return step.at;
    }
    this.resume = step;
    return null;
  }

  /** Goes on with a walk that stopped at its budget, once the run's clock has reached it. */
  private readonly walkOn = (): void =>
    this.run.guarded(() => {
      this.timer = null;
      const r = this.resume;
      if (r === null || this.run.phase !== 'running') return;
      this.nextArrival = this.walk(r.resumeFrom, r.need, MAX_STEPS_PER_DRAW);
      this.launchDue();
    });

  private readonly pump = (): void => this.run.guarded(this.launchDue);

  /** Launches every arrival whose time has come (up to MAX_BATCH per turn), then re-arms. */
  readonly launchDue = (): void => {
    this.timer = null;
    this.immediate = null;
    const run = this.run;
    if (run.phase !== 'running') return;
    const now = run.now();
    let n = 0;
    while (this.nextArrival !== null && this.nextArrival <= now) {
      this.nextArrival = this.launchOne(this.nextArrival);
      if (++n >= MAX_BATCH) {
        this.immediate = setImmediate(this.pump);
        return;
      }
    }
    this.arm();
  };

  /** At the end of the load shape: arrivals whose time has come but that were never sent
   * (the runner fell behind its schedule) count as dropped, in the stage of the oldest. */
  dropOwed(): void {
    // A walk still under way may have an arrival due before now: finish it first.
    if (this.nextArrival === null && this.resume !== null && this.resume.resumeFrom < this.run.now()) {
      this.nextArrival = this.walk(this.resume.resumeFrom, this.resume.need, Infinity);
    }
    this.resume = null;
    const first = this.nextArrival;
    if (first === null) return;
    const run = this.run;
    const owed = this.owedFrom(first);
    this.nextArrival = null;
    this.target.dropArrivals(run.stageIndexAt(first), owed);
    const lagS = Math.round((run.now() - first) / 100) / 10;
    run.log('warn', `the runner fell behind its schedule: ${owed} arrivals due by the end of the load shape were never sent (counted as dropped; the oldest was ${lagS}s late). The client machine could not generate this rate: lower it or spread the load over more runners`);
  }

  private arm(): void {
    this.stop();
    if (this.run.phase !== 'running') return;
    if (this.nextArrival === null) {
      // No arrival found yet within the budget: walk on when the clock gets there.
      if (this.resume !== null) this.timer = setTimeout(this.walkOn, Math.max(0, this.resume.resumeFrom - this.run.now()));
      return;
    }
    const delay = this.nextArrival - this.run.now();
    if (delay <= 0) this.immediate = setImmediate(this.pump);
    else this.timer = setTimeout(this.pump, delay);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }
}

export interface ClosedUser {
  retired: boolean;
  timer: NodeJS.Timeout | null;
  /** The users it belongs to (told when its request ends). */
  readonly owner: ClosedUsers;
}

/** The closed model: users added and retired every 100 ms to follow the shape. */
export class ClosedUsers {
  private readonly users: ClosedUser[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** Users answered since the last microtask checkpoint, sent again together (done()). */
  private answered: ClosedUser[] = [];
  private answeredScheduled = false;

  constructor(
    private readonly run: RunControl,
    private readonly rngThink: SeededRandom,
    private readonly target: ArrivalTarget,
  ) {}

  get count(): number {
    return this.users.length;
  }

  /** Adds or retires users to match the shape's level now; again in 100 ms. */
  control(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const run = this.run;
    if (run.phase !== 'running') return;
    const load = run.plan.load;
    const users = Math.max(0, Math.round(levelAt(load, run.now()) * run.multiplier));
    const target = load.share ? usersForWorker(users, load.share) : users;
    let activeUsers = this.users.length;
    let added = 0;
    while (activeUsers < target && added < MAX_USERS_PER_TURN) {
      const user: ClosedUser = { retired: false, timer: null, owner: this };
      this.users.push(user);
      activeUsers++;
      added++;
      this.next(user, 0);
    }
    while (activeUsers > target) {
      const user = this.users.pop()!;
      retire(user);
      activeUsers--;
    }
    // More users still to add: the next batch on the next turn, after I/O and a possible stop.
    this.timer = setTimeout(() => run.guarded(() => this.control()), activeUsers < target ? 0 : CLOSED_CONTROL_MS);
  }

  /** The shape ended or the run is finishing: no user sends again. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const u of this.users) retire(u);
  }

  /** The user's request ended. `answered`: its last attempt got a response from the network
   * (so the user's loop cannot spin without yielding to I/O). */
  done(user: ClosedUser, answered: boolean): void {
    if (user.retired || this.run.phase !== 'running') return;
    const load = this.run.plan.load;
    const think = load.thinkTimeMaxMs > load.thinkTimeMinMs ? this.rngThink.uniform(load.thinkTimeMinMs, load.thinkTimeMaxMs) : load.thinkTimeMinMs;
    if (think <= 0 && answered) {
      // The next request must go out after undici has released the keep-alive connection the
      // answer came on (it does so in a setImmediate queued while the response completes): sent
      // any earlier, it finds no connection free and the Pool opens one more, so the runner holds
      // more connections than requests (10,100 for 10,000 users, past a server's cap). The users
      // answered in one I/O callback go out together in one Immediate, queued from the microtask
      // checkpoint after that callback, so after undici's; an answer in a later callback gets a
      // later Immediate, after its own connection's release. A failure without a response
      // (refused, a synchronous error) goes through next() instead.
      this.answered.push(user);
      if (!this.answeredScheduled) {
        this.answeredScheduled = true;
        queueMicrotask(this.scheduleAnswered);
      }
      return;
    }
    this.next(user, think);
  }

  private readonly scheduleAnswered = (): void => {
    const users = this.answered;
    this.answered = [];
    this.answeredScheduled = false;
    setImmediate(() => {
      for (const user of users) this.fireGuarded(user);
    });
  };

  private next(user: ClosedUser, thinkMs: number): void {
    if (thinkMs <= 0) {
      // No think time: the next request goes out on the next turn of the event loop (never
      // synchronously from inside the previous response's callbacks).
      setImmediate(this.fireGuarded, user);
      return;
    }
    user.timer = setTimeout(() => {
      user.timer = null;
      this.run.guarded(() => this.fire(user));
    }, thinkMs);
  }

  private readonly fireGuarded = (user: ClosedUser): void => {
    try {
      this.fire(user);
    } catch (error) {
      this.run.guarded(() => {
        throw error;
      });
    }
  };

  private fire(user: ClosedUser): void {
    const run = this.run;
    if (user.retired || run.phase !== 'running') return;
    const now = run.now();
    this.target.launch(run.t0 + now, run.stageIndexAt(now), user);
  }
}

function retire(user: ClosedUser): void {
  user.retired = true;
  if (user.timer) clearTimeout(user.timer);
  user.timer = null;
}
