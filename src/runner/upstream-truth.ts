// Per-upstream truth (issue 12): what each gateway upstream's fault proxy saw, second by second
// and over the run, the fault windows with the gateway's failover and failback measured to the
// millisecond, and the best-effort join of upstream attempts to user requests by a request id
// header. Fed by the proxies' exchange records; read by the engine at each tick and at the end.
import type { FaultWindowInfo, FaultWindowRecord, Percentiles, UpstreamFailureKind, UpstreamSecond, UpstreamSummary } from '../protocol/run-events';
import type { ProxyCounters } from '../mock/fault-proxy';
import type { ProxyExchange } from '../mock/proxy-exchange';
import { newHistogram, percentilesOf, recordMs } from './latency-histogram';

const FAILURE_KINDS: readonly UpstreamFailureKind[] = ['rate_limited', 'server_error', 'client_error', 'network', 'abandoned'];
/** Join entries kept at most (requests in flight whose id an upstream saw); older ones go first. */
const MAX_JOINS = 100_000;

function zeroFailures(): Record<UpstreamFailureKind, number> {
  return { rate_limited: 0, server_error: 0, client_error: 0, network: 0, abandoned: 0 };
}

class Counts {
  attempts = 0;
  ok = 0;
  failures = zeroFailures();
  injected = 0;
  bytes = 0;
  models: Record<string, number> = {};
  ttfb: number[] = [];

  add(x: ProxyExchange): void {
    this.attempts++;
    if (x.injected) this.injected++;
    this.bytes += x.bytes;
    if (x.result === 'ok') {
      this.ok++;
      if (x.model !== null) this.models[x.model] = (this.models[x.model] ?? 0) + 1;
    } else this.failures[x.result]++;
    if (x.ttfbMs !== null && x.result === 'ok') this.ttfb.push(x.ttfbMs);
  }

  second(): UpstreamSecond {
    const sorted = this.ttfb.sort((a, b) => a - b);
    const at = (q: number): number | null => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! * 10) / 10 : null);
    return { attempts: this.attempts, ok: this.ok, failures: { ...this.failures }, injected: this.injected, bytes: this.bytes, ttfb: { p50: at(0.5), p95: at(0.95), max: at(1) }, models: { ...this.models } };
  }
}

interface WindowState {
  info: FaultWindowInfo;
  index: number;
  firstFaultMs: number | null;
  lastFaultMs: number | null;
  faulted: number;
  failoverAt: number | null;
  failoverTo: string | null;
  failbackAt: number | null;
  attempts: number[];
}

export interface UpstreamInfo {
  name: string;
  url: string;
  target: string;
  pricing: { input: number; output: number } | null;
}

export class UpstreamTruth {
  private t0 = 0;
  private running = false;
  private second: Counts[];
  private readonly whole: Array<Counts & { hist: ReturnType<typeof newHistogram>; wastedCost: number }>;
  private readonly windows: WindowState[];
  private readonly joins = new Map<string, { attempts: number; servedBy: string | null }>();
  private joinedRequests = 0;
  private readonly quality: Array<{ checked: number; acceptable: number }>;
  private baseline: ProxyCounters[] = [];

  constructor(
    readonly upstreams: readonly UpstreamInfo[],
    windows: readonly FaultWindowInfo[],
    private readonly counters: () => ProxyCounters[],
    readonly requestIdHeader: string | null,
  ) {
    this.second = upstreams.map(() => new Counts());
    this.whole = upstreams.map(() => Object.assign(new Counts(), { hist: newHistogram(), wastedCost: 0 }));
    this.quality = upstreams.map(() => ({ checked: 0, acceptable: 0 }));
    const names = upstreams.map((u) => u.name);
    this.windows = windows
      .filter((w) => names.includes(w.upstream))
      .map((info) => ({ info, index: names.indexOf(info.upstream), firstFaultMs: null, lastFaultMs: null, faulted: 0, failoverAt: null, failoverTo: null, failbackAt: null, attempts: upstreams.map(() => 0) }));
  }

  /** Run time 0 (a performance.now() value): counting starts here; earlier attempts (a cache warm-up) are left out. */
  start(t0: number): void {
    this.t0 = t0;
    this.running = true;
    this.baseline = this.counters();
  }

  /** Counting stops (the run's last tick was taken); the proxies keep answering until closed. */
  stop(): void {
    this.running = false;
  }

  /** One exchange record of upstream `index`'s proxy. */
  record(index: number, x: ProxyExchange): void {
    if (!this.running || x.startAt < this.t0) return;
    this.second[index]!.add(x);
    const whole = this.whole[index]!;
    whole.add(x);
    if (x.ttfbMs !== null && x.result === 'ok') recordMs(whole.hist, x.ttfbMs);
    const pricing = this.upstreams[index]!.pricing;
    // A failed attempt the upstream itself saw was billed its prompt (about 4 bytes a token).
    if (x.result !== 'ok' && !x.injected && pricing) whole.wastedCost += ((x.requestBytes / 4) * pricing.input) / 1e6;
    const start = x.startAt - this.t0;
    // A success is dated when the gateway sent it (its arrival at this proxy): the moment the
    // gateway switched, whatever the upstream's own answer time.
    const served = x.result === 'ok' ? start : null;
    for (const w of this.windows) {
      if (start >= w.info.startMs && start < w.info.endMs) w.attempts[index]!++;
      if (w.index === index) {
        if (x.fault === w.info.kind && start >= w.info.startMs - 1 && start < w.info.endMs + 1) {
          w.faulted++;
          if (w.firstFaultMs === null || start < w.firstFaultMs) w.firstFaultMs = start;
          if (w.lastFaultMs === null || start > w.lastFaultMs) w.lastFaultMs = start;
        }
        if (served !== null && served >= w.info.endMs && (w.failbackAt === null || served < w.failbackAt)) w.failbackAt = served;
      } else if (served !== null && served >= w.info.startMs && (w.failoverAt === null || served < w.failoverAt)) {
        w.failoverAt = served;
        w.failoverTo = this.upstreams[index]!.name;
      }
    }
    if (x.requestId !== null) {
      let join = this.joins.get(x.requestId);
      if (join === undefined) {
        if (this.joins.size >= MAX_JOINS) this.joins.delete(this.joins.keys().next().value!);
        join = { attempts: 0, servedBy: null };
        this.joins.set(x.requestId, join);
      }
      join.attempts++;
      if (x.result === 'ok') join.servedBy = this.upstreams[index]!.name;
    }
  }

  /** The upstream attempts the proxies saw carrying this request id (removed), or null when none did. */
  take(requestId: string): { attempts: number; servedBy: string | null } | null {
    const join = this.joins.get(requestId);
    if (join === undefined) return null;
    this.joins.delete(requestId);
    this.joinedRequests++;
    return join;
  }

  /** A checked answer attributed to `upstream` (by the join or extract.upstream). */
  noteAnswer(upstream: string, acceptable: boolean): void {
    const i = this.upstreams.findIndex((u) => u.name === upstream);
    if (i < 0) return;
    this.quality[i]!.checked++;
    if (acceptable) this.quality[i]!.acceptable++;
  }

  /** This second's figures (the window resets); `finished`: user requests finished in it. */
  tick(elapsedMs: number, finished: number): { upstreams: Record<string, UpstreamSecond>; upstreamShare: Record<string, number>; gatewayAmplification: number | null; faultsOpen: string[] } {
    const upstreams: Record<string, UpstreamSecond> = {};
    let ok = 0;
    let attempts = 0;
    this.upstreams.forEach((u, i) => {
      const s = this.second[i]!.second();
      upstreams[u.name] = s;
      ok += s.ok;
      attempts += s.attempts;
    });
    const upstreamShare: Record<string, number> = {};
    if (ok > 0) for (const u of this.upstreams) upstreamShare[u.name] = upstreams[u.name]!.ok / ok;
    this.second = this.upstreams.map(() => new Counts());
    const faultsOpen = this.windows.filter((w) => elapsedMs >= w.info.startMs && elapsedMs < w.info.endMs).map((w) => `${w.info.upstream}:${w.info.kind}`);
    return { upstreams, upstreamShare, gatewayAmplification: finished > 0 ? attempts / finished : null, faultsOpen };
  }

  /** Upstream attempts of the run, all upstreams together. */
  totalAttempts(): number {
    return this.whole.reduce((n, c) => n + c.attempts, 0);
  }

  windowRecords(): FaultWindowRecord[] {
    return this.windows.map((w) => ({
      ...w.info,
      firstFaultMs: w.firstFaultMs === null ? null : Math.round(w.firstFaultMs),
      lastFaultMs: w.lastFaultMs === null ? null : Math.round(w.lastFaultMs),
      faulted: w.faulted,
      failoverMs: w.failoverAt === null ? null : Math.round(Math.max(0, w.failoverAt - w.info.startMs)),
      failoverTo: w.failoverTo,
      failbackMs: w.failbackAt === null ? null : Math.round(Math.max(0, w.failbackAt - w.info.endMs)),
      userFailoverMs: null,
      switchErrors: 0,
      attempts: Object.fromEntries(this.upstreams.map((u, i) => [u.name, w.attempts[i]!])),
      outcome: '',
    }));
  }

  upstreamSummaries(): UpstreamSummary[] {
    const now = this.counters();
    const totalOk = this.whole.reduce((n, c) => n + c.ok, 0);
    return this.upstreams.map((u, i) => {
      const c = this.whole[i]!;
      const base = this.baseline[i];
      const cur = now[i]!;
      const delta = (k: 'requests' | 'forwarded' | 'answered' | 'refused' | 'rejected' | 'abandoned' | 'upstreamErrors'): number => cur[k] - (base ? base[k] : 0);
      const q = this.quality[i]!;
      const ttfb: Percentiles = percentilesOf(c.hist);
      return {
        name: u.name,
        target: u.target,
        url: u.url,
        attempts: c.attempts,
        ok: c.ok,
        failures: { ...c.failures },
        injected: c.injected,
        bytes: c.bytes,
        ttfb,
        models: { ...c.models },
        share: totalOk > 0 ? c.ok / totalOk : 0,
        proxy: { requests: delta('requests'), forwarded: delta('forwarded'), answered: delta('answered'), refused: delta('refused'), rejected: delta('rejected'), abandoned: delta('abandoned'), upstreamErrors: delta('upstreamErrors') },
        quality: q.checked > 0 ? { checked: q.checked, acceptable: q.acceptable, share: q.acceptable / q.checked } : null,
        wasted: { attempts: c.attempts - c.ok, costUsd: c.wastedCost },
      };
    });
  }

  get joined(): number {
    return this.joinedRequests;
  }
}

export { FAILURE_KINDS };
