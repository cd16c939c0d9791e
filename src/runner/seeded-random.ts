// Seeded pseudo-random numbers (mulberry32) so a run's arrivals, mix picks, prompt sizes,
// jitter and cancellations repeat exactly for the same plan seed.

export class SeededRandom {
  private state: number;
  private spareNormal = NaN;

  constructor(seed: number) {
    this.state = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Exponential with mean 1 (Poisson inter-arrival gap at unit rate). */
  exponential(): number {
    return -Math.log(1 - this.next());
  }

  /** Standard normal (Box-Muller, the second value kept for the next call). */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const v = this.spareNormal;
      this.spareNormal = NaN;
      return v;
    }
    const u = 1 - this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Derives an independent stream, so adding draws to one purpose does not shift another. */
  fork(salt: number): SeededRandom {
    return new SeededRandom((this.next() * 4294967296) ^ Math.imul(salt + 1, 0x85ebca6b));
  }
}
