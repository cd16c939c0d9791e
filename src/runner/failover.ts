// Failover across providers in plan order with one circuit breaker per provider, as a careful
// client does it:
//   closed    — requests go here; `failureThreshold` consecutive failures (outcomes listed in
//               resilience.failover.on) open it;
//   open      — requests skip it for `cooldownMs`;
//   half-open — after the cooldown up to `halfOpenProbes` requests go to it as probes; that many
//               successes close it (traffic shifts back), any failure opens it again.
// Measured (DESIGN §4 leaves the exact points open, docs/results.md states them):
//   failover time — the first failure of the streak that opened a breaker → the first success
//                   on a later provider after that;
//   failback time — the provider's recovery → the actual shift back: the first ordinary (not
//                   probe) success on it after its breaker closed. Recovery is the end of its
//                   fault window when the run schedules it (a mock's faults), else its first
//                   successful half-open probe, the earliest sign that it is back.
import type { PlanFailover } from '../core/plan-failure-modes';
import type { FailoverEvent, Outcome } from '../protocol/run-events';

type BreakerState = 'closed' | 'open' | 'half-open';

interface Breaker {
  id: string;
  state: BreakerState;
  consecutive: number;
  streakStartAt: number;
  openUntil: number;
  probesInFlight: number;
  probesOk: number;
  firstProbeOkAt: number;
  /** Closed after probes, waiting for the first ordinary success: the actual shift back. */
  shiftBackFrom: number;
  /** The failover event of the latest trip, until it is complete. */
  event: (FailoverEvent & { openedAt: number; streakStartAt: number; index: number }) | null;
}

export interface BreakerPick {
  index: number;
  probe: boolean;
}

export class FailoverRouter {
  private readonly breakers: Breaker[];
  readonly events: Array<FailoverEvent & { openedAt: number; streakStartAt: number; index: number }> = [];

  /** `now` is run time in ms; `log` receives one line per breaker transition. */
  constructor(
    ids: readonly string[],
    private readonly plan: PlanFailover,
    private readonly now: () => number,
    private readonly log: (level: 'info' | 'warn', message: string) => void,
    /** When provider `index`, failing since `since` (run ms), is known to recover: the end of its scheduled fault window; null when unknown. */
    private readonly recoveryAt: (index: number, since: number) => number | null = () => null,
  ) {
    this.breakers = ids.map((id) => ({ id, state: 'closed', consecutive: 0, streakStartAt: 0, openUntil: 0, probesInFlight: 0, probesOk: 0, firstProbeOkAt: -1, shiftBackFrom: -1, event: null }));
  }

  /**
   * The provider for the next attempt: the first usable one from `start` on in plan order
   * (wrapping round), skipping `avoid` (the provider a retried attempt just failed on) when
   * another is usable. When every breaker is open the attempt goes to the one that reopens
   * soonest, so requests still measure the outage instead of vanishing.
   */
  pick(start: number, avoid = -1): BreakerPick {
    const now = this.now();
    const n = this.breakers.length;
    let fallback: BreakerPick | null = null;
    for (let k = 0; k < n; k++) {
      const i = (start + k) % n;
      const b = this.breakers[i];
      if (b.state === 'open' && now >= b.openUntil) {
        b.state = 'half-open';
        b.probesInFlight = 0;
        b.probesOk = 0;
        b.firstProbeOkAt = -1;
        this.log('info', `circuit breaker ${b.id}: half-open after ${this.plan.cooldownMs} ms cooldown, sending ${this.plan.halfOpenProbes} probe(s)`);
      }
      let choice: BreakerPick | null = null;
      if (b.state === 'closed') choice = { index: i, probe: false };
      else if (b.state === 'half-open' && b.probesInFlight + b.probesOk < this.plan.halfOpenProbes) choice = { index: i, probe: true };
      if (!choice) continue;
      if (i === avoid) {
        fallback ??= choice;
        continue;
      }
      if (choice.probe) b.probesInFlight++;
      return choice;
    }
    if (fallback) {
      if (fallback.probe) this.breakers[fallback.index].probesInFlight++;
      return fallback;
    }
    let best = start % n;
    for (let i = 0; i < n; i++) if (this.breakers[i].openUntil < this.breakers[best].openUntil) best = i;
    return { index: best, probe: false };
  }

  /** The outcome of an attempt sent to provider `index` (picked with `probe`). */
  record(index: number, probe: boolean, outcome: Outcome): void {
    const b = this.breakers[index];
    if (probe) b.probesInFlight = Math.max(0, b.probesInFlight - 1);
    if (outcome === 'canceled' || outcome === 'aborted') return;
    const now = this.now();
    if ((this.plan.on as readonly string[]).includes(outcome)) {
      if (b.consecutive === 0) b.streakStartAt = now;
      b.consecutive++;
      if (b.state === 'half-open' && probe) this.open(b, now, `probe failed (${outcome})`);
      else if (b.state === 'closed' && b.consecutive >= this.plan.failureThreshold) this.open(b, now, `${b.consecutive} consecutive failures (last: ${outcome})`);
      return;
    }
    if (outcome !== 'ok') return;
    b.consecutive = 0;
    if (!probe && b.state === 'closed' && b.shiftBackFrom >= 0 && b.event) {
      // The actual shift back: an ordinary request served by the recovered provider again.
      b.event.failbackMs = Math.max(0, now - b.shiftBackFrom);
      this.log('info', `traffic is back on ${b.id}: failback ${Math.round(b.event.failbackMs)} ms after it recovered`);
      b.event = null;
      b.shiftBackFrom = -1;
    }
    for (const other of this.breakers) {
      const e = other.event;
      if (other !== b && e && e.failoverMs === null && now >= e.openedAt) {
        e.failoverMs = Math.max(0, now - e.streakStartAt);
        e.to = b.id;
        this.log('info', `failover ${other.id} → ${b.id}: first success ${Math.round(e.failoverMs)} ms after ${other.id} started failing`);
      }
    }
    if (b.state !== 'half-open' || !probe) return;
    b.probesOk++;
    if (b.firstProbeOkAt < 0) b.firstProbeOkAt = now;
    if (b.probesOk < this.plan.halfOpenProbes) return;
    b.state = 'closed';
    if (b.event) {
      const recovered = this.recoveryAt(b.event.index, b.event.streakStartAt);
      b.shiftBackFrom = recovered !== null && recovered <= b.firstProbeOkAt ? recovered : b.firstProbeOkAt;
    }
    this.log('info', `circuit breaker ${b.id}: closed after ${this.plan.halfOpenProbes} successful probe(s); traffic shifts back`);
  }

  /** Longest failover and failback of the run (null when none happened). */
  longest(): { failoverMs: number | null; failbackMs: number | null } {
    let failoverMs: number | null = null;
    let failbackMs: number | null = null;
    for (const e of this.events) {
      if (e.failoverMs !== null) failoverMs = Math.max(failoverMs ?? 0, e.failoverMs);
      if (e.failbackMs !== null) failbackMs = Math.max(failbackMs ?? 0, e.failbackMs);
    }
    return { failoverMs, failbackMs };
  }

  summaryEvents(): FailoverEvent[] {
    return this.events.map((e) => ({ t: Math.round(e.openedAt) / 1000, from: e.from, to: e.to, failoverMs: e.failoverMs === null ? null : Math.round(e.failoverMs), failbackMs: e.failbackMs === null ? null : Math.round(e.failbackMs) }));
  }

  private open(b: Breaker, now: number, why: string): void {
    const reopened = b.state === 'half-open';
    b.state = 'open';
    b.openUntil = now + this.plan.cooldownMs;
    b.probesInFlight = 0;
    b.probesOk = 0;
    this.log('warn', `circuit breaker ${b.id}: open for ${this.plan.cooldownMs} ms — ${why}`);
    if (reopened && b.event) return; // the same outage goes on: keep its event
    const event = { t: 0, from: b.id, to: '', failoverMs: null, failbackMs: null, openedAt: now, streakStartAt: b.streakStartAt, index: this.breakers.indexOf(b) };
    b.event = event;
    this.events.push(event);
  }
}
