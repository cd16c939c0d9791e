// A provider's connection cap (providers[].maxConnections), kept by Stampede in front of the
// undici Pool that holds the connections. An attempt that finds every connection busy waits
// here rather than inside undici, where it would be invisible: its time in this queue is
// measured (clientWait), the number waiting is a series (TickPoint.clientWaiting), and an
// attempt that times out while waiting is known never to have reached the server.
//
// A cap the scenario set is also the Pool's connection count. A cap that follows the plan
// (maxConnectionsFromPlan) grows with the live load multiplier, and the Pool is unbounded.

/** What the gate needs of an attempt (attempt.ts's Attempt). */
export interface Gated {
  /** The attempt ended (any outcome). */
  readonly done: boolean;
  /** GATE_* below. */
  gateState: number;
  /** performance.now() when it began waiting here. */
  queuedAt: number;
  /** Hands it to undici. */
  start(): void;
}

export const GATE_NONE = 0;
export const GATE_WAITING = 1;
export const GATE_ADMITTED = 2;

export class ConnectionGate {
  /** Attempts handed to undici and not yet finished. */
  active = 0;
  /** Attempts waiting here now. */
  waiting = 0;
  private peak = 0;
  /** FIFO of waiting attempts from `head`; an attempt that ended while waiting is skipped. */
  private queue: Array<Gated | undefined> = [];
  private head = 0;
  private drainScheduled = false;

  /**
   * @param cap the provider's maxConnections
   * @param admitted told when an attempt leaves for undici, with how long it waited (0: at once)
   * @param guard runs the queue's drain (a microtask) so that an exception in it ends the run
   *   as an engine failure rather than the process
   */
  constructor(
    public cap: number,
    private readonly admitted: (a: Gated, waitedMs: number) => void,
    private readonly guard: (fn: () => void) => void,
  ) {}

  /** Hands `a` to undici now when a connection is free and nobody waits before it; otherwise
   * it waits. `now` is performance.now(). */
  enter(a: Gated, now: number): void {
    if (this.active < this.cap && this.waiting === 0) {
      this.active++;
      a.gateState = GATE_ADMITTED;
      this.admitted(a, 0);
      a.start();
      return;
    }
    a.gateState = GATE_WAITING;
    a.queuedAt = now;
    this.queue.push(a);
    if (++this.waiting > this.peak) this.peak = this.waiting;
  }

  /** A cap that follows the plan grew with the load multiplier: let waiting attempts through. */
  raiseCap(cap: number): void {
    if (cap <= this.cap) return;
    this.cap = cap;
    if (this.waiting > 0 && !this.drainScheduled) {
      this.drainScheduled = true;
      queueMicrotask(this.drainGuarded);
    }
  }

  /** `a` ended, whether it was waiting here or in undici's hands. */
  leave(a: Gated): void {
    if (a.gateState === GATE_ADMITTED) {
      this.active--;
      if (this.waiting > 0 && !this.drainScheduled) {
        // After the ending attempt's callbacks return: undici is not re-entered from inside them.
        this.drainScheduled = true;
        queueMicrotask(this.drainGuarded);
      }
    } else if (a.gateState === GATE_WAITING) this.waiting--;
    a.gateState = GATE_NONE;
  }

  /** The most attempts waiting at once since the last call (at least those waiting now). */
  takePeak(): number {
    const peak = Math.max(this.peak, this.waiting);
    this.peak = this.waiting;
    return peak;
  }

  private readonly drainGuarded = (): void => this.guard(this.drain);

  private readonly drain = (): void => {
    this.drainScheduled = false;
    const now = performance.now();
    while (this.active < this.cap && this.head < this.queue.length) {
      const a = this.queue[this.head];
      this.queue[this.head++] = undefined;
      if (a === undefined || a.gateState !== GATE_WAITING || a.done) continue;
      this.waiting--;
      this.active++;
      a.gateState = GATE_ADMITTED;
      this.admitted(a, now - a.queuedAt);
      a.start();
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  };
}
