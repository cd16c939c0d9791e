// Synthetic traces with known parameters, for the fit and replay tests: Poisson arrivals over
// a rate curve, routes drawn by weight, log-normal sizes. Seeded, so every run sees the same.
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    // mulberry32
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  normal(): number {
    const u = Math.max(1e-12, this.next());
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  lognormal(median: number, p95: number): number {
    const sigma = Math.log(p95 / median) / 1.6448536;
    return Math.round(median * Math.exp(sigma * this.normal()));
  }
}

export interface RouteSpec {
  name: string;
  weight: number;
  prompt: { median: number; p95: number };
  output: { median: number; p95: number };
}

/** Arrival times (ms) of a Poisson process whose rate (per s) is rateAt(ms), over [0, spanMs). */
export function poissonArrivals(rng: Rng, spanMs: number, rateAt: (ms: number) => number, maxRate: number): number[] {
  const out: number[] = [];
  let t = 0;
  // Thinning: candidates at the top rate, each kept with probability rate/maxRate.
  for (;;) {
    t += (-Math.log(Math.max(1e-12, rng.next())) / maxRate) * 1000;
    if (t >= spanMs) return out;
    if (rng.next() * maxRate < rateAt(t)) out.push(t);
  }
}

export function requestLog(rng: Rng, arrivals: number[], routes: RouteSpec[], startEpochMs: number): string[] {
  const total = routes.reduce((a, r) => a + r.weight, 0);
  return arrivals.map((t) => {
    let x = rng.next() * total;
    const route = routes.find((r) => (x -= r.weight) < 0) ?? routes[routes.length - 1];
    return JSON.stringify({
      timestamp: new Date(startEpochMs + t).toISOString(),
      route: route.name,
      usage: { prompt_tokens: Math.max(1, rng.lognormal(route.prompt.median, route.prompt.p95)), completion_tokens: Math.max(1, rng.lognormal(route.output.median, route.output.p95)) },
      messages: [{ role: 'user', content: 'secret prompt text that must never be copied' }],
    });
  });
}
