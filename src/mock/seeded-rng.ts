// A small seeded generator (mulberry32): the mock's draws repeat exactly for the same seed and
// the same order of requests, which keeps demo runs and tests reproducible.

export class SeededRng {
  private state: number;

  constructor(seed: number) {
    this.state = (Math.trunc(seed) ^ 0x6d2b79f5) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
}
