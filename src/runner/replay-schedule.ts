// A trace held for replay: the recorded requests in compact typed arrays, walked in order as
// arrivals of the run. `rate: 3x` sends copies of each request spread over the gap to the next
// one (and `0.5x` keeps a seeded half), `loops` plays the trace again right after its end; the
// shape stays the trace's. Copies and passes each get their own prefix "universe", so they
// share prefixes among themselves as the trace does, not with one another.
import type { TraceRecord } from '../core/trace-record';
import { estimateTokens } from '../core/token-estimate';

/** Most requests a replay holds (about 60 MB); bigger traces are cut or fitted. */
export const MAX_REPLAY_REQUESTS = 1_000_000;
/** Most prefix block ids held across the trace. */
const MAX_BLOCK_IDS = 20_000_000;

function hash01(a: number, b: number): number {
  let h = Math.imul(a ^ 0x85ebca6b, 0x9e3779b1) ^ Math.imul(b ^ 0xc2b2ae35, 0x27d4eb2f);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) / 4294967296;
}

export class ReplayTrace {
  count = 0;
  private cap = 1024;
  timeMs = new Float64Array(this.cap);
  promptTokens = new Int32Array(this.cap);
  outputTokens = new Int32Array(this.cap);
  route = new Uint16Array(this.cap);
  prefixTokens = new Int32Array(this.cap);
  idStart = new Int32Array(this.cap);
  idCount = new Int32Array(this.cap);
  ids = new Float64Array(4096);
  idsUsed = 0;
  prompts: string[] | null = null;
  private readonly prefixIds = new Map<string, number>();

  constructor(
    private readonly routeIndex: (route: string, line: number) => number,
    private readonly blockTokens: number,
    keepPrompts: boolean,
  ) {
    if (keepPrompts) this.prompts = [];
  }

  add(r: TraceRecord): void {
    if (this.count === this.cap) this.grow();
    const i = this.count++;
    this.timeMs[i] = r.timeMs;
    this.promptTokens[i] = Math.max(1, r.promptTokens);
    this.outputTokens[i] = Math.max(1, r.outputTokens);
    this.route[i] = this.routeIndex(r.route, r.line);
    this.idStart[i] = this.idsUsed;
    if (r.blocks && r.blocks.length) {
      this.pushIds(r.blocks);
      this.idCount[i] = r.blocks.length;
      this.prefixTokens[i] = Math.min(this.promptTokens[i], r.blocks.length * this.blockTokens);
    } else if (r.prefixId !== undefined && r.prefixTokens) {
      // A prefix id stands for a chain of blocks of its own, numbered past any Mooncake id.
      let n = this.prefixIds.get(r.prefixId);
      if (n === undefined) this.prefixIds.set(r.prefixId, (n = this.prefixIds.size));
      const blocks = Math.ceil(r.prefixTokens / this.blockTokens);
      const chain: number[] = [];
      for (let c = 0; c < blocks; c++) chain.push(2 ** 40 + n * 2 ** 12 + c);
      this.pushIds(chain);
      this.idCount[i] = blocks;
      this.prefixTokens[i] = r.prefixTokens;
    }
    if (this.prompts) this.prompts[i] = r.prompt ?? '';
  }

  /** Prompt tokens request i sends: its recorded count, or its kept text's (keepPrompts). */
  promptTokensOf(i: number): number {
    return this.prompts ? estimateTokens(this.prompts[i]) : this.promptTokens[i];
  }

  /** Trace time of the first request; offsets are from it. */
  get startMs(): number {
    return this.count ? this.timeMs[0] : 0;
  }

  /** One pass of the trace: first to last arrival plus one mean gap, so passes join evenly. */
  get spanMs(): number {
    if (this.count < 2) return 1000;
    const raw = this.timeMs[this.count - 1] - this.timeMs[0];
    return raw > 0 ? raw + raw / (this.count - 1) : 1000;
  }

  private pushIds(list: ArrayLike<number>): void {
    if (this.idsUsed + list.length > MAX_BLOCK_IDS) throw new RangeError(`the trace holds more than ${MAX_BLOCK_IDS.toLocaleString('en-US')} prefix block ids`);
    while (this.idsUsed + list.length > this.ids.length) {
      const next = new Float64Array(this.ids.length * 2);
      next.set(this.ids);
      this.ids = next;
    }
    for (let k = 0; k < list.length; k++) this.ids[this.idsUsed++] = list[k];
  }

  private grow(): void {
    this.cap *= 2;
    const g = <T extends Float64Array | Int32Array | Uint16Array>(a: T, make: (n: number) => T): T => {
      const b = make(this.cap);
      b.set(a);
      return b;
    };
    this.timeMs = g(this.timeMs, (n) => new Float64Array(n));
    this.promptTokens = g(this.promptTokens, (n) => new Int32Array(n));
    this.outputTokens = g(this.outputTokens, (n) => new Int32Array(n));
    this.route = g(this.route, (n) => new Uint16Array(n));
    this.prefixTokens = g(this.prefixTokens, (n) => new Int32Array(n));
    this.idStart = g(this.idStart, (n) => new Int32Array(n));
    this.idCount = g(this.idCount, (n) => new Int32Array(n));
  }
}

/** One arrival of the replay. */
export interface ReplayArrival {
  /** Run time, ms since the run started. */
  atMs: number;
  /** Index of the recorded request. */
  index: number;
  /** Prefix universe: pass and copy. */
  universe: number;
  pass: number;
}

/** Walks the arrivals of a replay in time order: passes, requests, copies. */
export class ReplayCursor {
  private pass = 0;
  private index = 0;
  private copy = 0;
  private copies = -1;
  private readonly whole: number;
  private readonly frac: number;
  private readonly copySlots: number;

  constructor(
    private readonly trace: ReplayTrace,
    rateFactor: number,
    private readonly loops: number,
    private readonly timeScale: number,
    private readonly seed: number,
  ) {
    this.whole = Math.floor(rateFactor + 1e-9);
    this.frac = rateFactor - this.whole;
    this.copySlots = Math.ceil(rateFactor - 1e-9);
  }

  /** Copies of request i in pass p: whole part always, one more with the fractional odds. */
  private copiesOf(pass: number, i: number): number {
    return this.whole + (this.frac > 1e-9 && hash01(this.seed ^ pass, i) < this.frac ? 1 : 0);
  }

  /** The next arrival, or null after the last pass. */
  next(): ReplayArrival | null {
    const t = this.trace;
    for (;;) {
      if (this.pass >= this.loops) return null;
      if (this.index >= t.count) {
        this.pass++;
        this.index = 0;
        this.copy = 0;
        this.copies = -1;
        continue;
      }
      if (this.copies < 0) this.copies = this.copiesOf(this.pass, this.index);
      if (this.copy >= this.copies) {
        this.index++;
        this.copy = 0;
        this.copies = -1;
        continue;
      }
      const i = this.index;
      const k = this.copy++;
      const own = t.timeMs[i] - t.startMs;
      const gap = i + 1 < t.count ? t.timeMs[i + 1] - t.timeMs[i] : t.spanMs - own;
      const traceOffset = this.pass * t.spanMs + own + (this.copies > 1 ? (k * gap) / this.copies : 0);
      return { atMs: traceOffset / this.timeScale, index: i, universe: this.pass * this.copySlots + k, pass: this.pass };
    }
  }
}
