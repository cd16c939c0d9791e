// The mock's response cache: finished answers by request key with a TTL, and the computations in
// flight per key. Without coalescing every concurrent miss of a key computes on its own (the
// thundering herd a cold key causes); with it, later misses wait for the first one's answer.

/** What a hit replays. */
export interface CachedAnswer {
  outputTokens: number;
  modelLiteral: string;
  expiresAt: number;
}

/** The computations of one key now running (L), and the requests waiting for their answer (F). */
export interface InFlight<L, F> {
  computing: Set<L>;
  followers: F[];
}

/** Entries kept at most; the oldest go first, which bounds memory under a unique-prompt load. */
const MAX_ENTRIES = 10_000;

export class ResponseCache<L, F> {
  private readonly entries = new Map<string, CachedAnswer>();
  private readonly inFlight = new Map<string, InFlight<L, F>>();

  constructor(
    readonly ttlMs: number,
    readonly coalesce: boolean,
  ) {}

  get(key: string, now: number): CachedAnswer | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  store(key: string, outputTokens: number, modelLiteral: string, now: number): CachedAnswer {
    const entry = { outputTokens, modelLiteral, expiresAt: now + this.ttlMs };
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }

  flight(key: string): InFlight<L, F> | undefined {
    return this.inFlight.get(key);
  }

  /** Registers a computation of `key`; returns how many were already running. */
  startComputing(key: string, owner: L): number {
    let flight = this.inFlight.get(key);
    if (flight === undefined) {
      flight = { computing: new Set(), followers: [] };
      this.inFlight.set(key, flight);
    }
    const before = flight.computing.size;
    flight.computing.add(owner);
    return before;
  }

  /** Ends a computation; returns the flight so the caller can answer or re-home its followers. */
  finishComputing(key: string, owner: L): InFlight<L, F> | undefined {
    const flight = this.inFlight.get(key);
    if (flight === undefined) return undefined;
    flight.computing.delete(owner);
    if (flight.computing.size === 0 && flight.followers.length === 0) this.inFlight.delete(key);
    return flight;
  }

  /** Drops the flight of `key` once its followers have been handed out. */
  settle(key: string): void {
    const flight = this.inFlight.get(key);
    if (flight && flight.computing.size === 0 && flight.followers.length === 0) this.inFlight.delete(key);
  }

  clear(): void {
    this.entries.clear();
    this.inFlight.clear();
  }
}
