// Did the server stop generating when a stream was cancelled? Against the embedded mock its own
// counters say so (stoppedOnDisconnect vs leakedGenerations). Against a real server a monitor
// series (e.g. vllm:num_requests_running) must come back to its pre-cancel level — the latest
// value seen before the cancelled request was sent — within `withinMs` of the cancellation;
// a cancellation whose deadline passes first is a leak.
import type { MockServer } from '../mock/mock-server';

/** The latest value of a monitor series, null while unknown (provided by the monitors). */
export type LatestMonitorValue = (series: string) => number | null;

export class MockLeakCounter {
  private leakedSeen = 0;

  constructor(private readonly mocks: readonly MockServer[]) {}

  get active(): boolean {
    return this.mocks.length > 0;
  }

  totals(): { stopped: number; leaked: number } {
    let stopped = 0;
    let leaked = 0;
    for (const m of this.mocks) {
      const c = m.counters();
      stopped += c.stoppedOnDisconnect;
      leaked += c.leakedGenerations;
    }
    return { stopped, leaked };
  }

  /** Leaked generations since the previous call. */
  newLeaks(): number {
    const { leaked } = this.totals();
    const n = leaked - this.leakedSeen;
    this.leakedSeen = leaked;
    return Math.max(0, n);
  }
}

interface PendingCheck {
  pre: number;
  deadline: number;
}

export class MonitorCancellationCheck {
  private readonly pending: PendingCheck[] = [];
  leaked = 0;
  stopped = 0;
  /** Cancellations that could not be judged (no monitor value before the send). */
  unknown = 0;

  constructor(
    private readonly latest: LatestMonitorValue,
    private readonly series: string,
    private readonly withinMs: number,
  ) {}

  /** The level to come back to, read when a request that will be cancelled is sent. */
  levelBeforeSend(): number | null {
    return this.latest(this.series);
  }

  canceled(pre: number | null, nowMs: number): void {
    if (pre === null) {
      this.unknown++;
      return;
    }
    this.pending.push({ pre, deadline: nowMs + this.withinMs });
  }

  /** Settles what it can; returns the leaks found in this call. */
  poll(nowMs: number): number {
    if (this.pending.length === 0) return 0;
    const value = this.latest(this.series);
    let leaks = 0;
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const p = this.pending[i];
      if (value !== null && value <= p.pre) {
        this.stopped++;
        this.pending.splice(i, 1);
      } else if (nowMs >= p.deadline) {
        leaks++;
        this.pending.splice(i, 1);
      }
    }
    this.leaked += leaks;
    return leaks;
  }

  /** At the end of the run: a last look; checks whose time is not up yet cannot be judged and
   * count as unknown rather than as leaks. */
  settle(nowMs: number): number {
    const leaks = this.poll(nowMs);
    this.unknown += this.pending.length;
    this.pending.length = 0;
    return leaks;
  }
}
