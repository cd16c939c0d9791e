// The gateway's side of "what broke first" (issue 12), pure over a run's per-second series: the
// fault windows a plan schedules, the user's view of each window (errors while the gateway
// switched, failover time as the user saw it) and one sentence per window on what the gateway did.
import type { ResolvedPlan } from './plan';
import type { PlanFault } from './plan-failure-modes';
import type { FaultWindowInfo, FaultWindowRecord, TickPoint } from '../protocol/run-events';

const JUDGED = ['rate_limited', 'server_error', 'client_error', 'timeout', 'network'] as const;

export function faultLabel(fault: PlanFault): string {
  switch (fault.kind) {
    case 'outage':
      return fault.mode === 'refuse' ? 'outage (connections refused)' : `outage (${fault.status} answers)`;
    case 'error-rate':
      return `error rate ${Math.round(fault.rate * 1000) / 10}% (${fault.status})`;
    case 'latency':
      return `latency +${fault.addMs >= 1000 ? `${Math.round(fault.addMs / 100) / 10} s` : `${Math.round(fault.addMs)} ms`}`;
    case 'rate-limit':
      return `rate limit ${[fault.rpm !== undefined ? `${fault.rpm} RPM` : '', fault.tpm !== undefined ? `${fault.tpm} TPM` : ''].filter(Boolean).join(', ')}`;
    case 'slow-stream':
      return `slow stream ${fault.tokensPerSecond} tokens/s`;
  }
}

/** Every scheduled fault window of a plan: gateway upstreams first, then mock providers. */
export function faultWindowsOf(plan: Pick<ResolvedPlan, 'gateway' | 'providers' | 'load'>): FaultWindowInfo[] {
  const end = plan.load.durationMs;
  const out: FaultWindowInfo[] = [];
  const add = (upstream: string, f: PlanFault): void => {
    if (f.startMs >= end) return;
    out.push({ upstream, kind: f.kind, startMs: f.startMs, endMs: Math.min(f.endMs, end), label: faultLabel(f) });
  };
  for (const u of plan.gateway?.upstreams ?? []) for (const f of u.faults) add(u.name, f);
  for (const p of plan.providers) if (p.type === 'mock') for (const f of p.behaviour?.faults ?? []) add(p.id, f);
  return out;
}

function errorsIn(p: TickPoint): number {
  return JUDGED.reduce((n, o) => n + p.outcomes[o], 0);
}

function judgedIn(p: TickPoint): number {
  return errorsIn(p) + p.outcomes.ok + (p.outcomes.unacceptable ?? 0) + p.outcomes.canceled;
}

/** Seconds overlapping [fromMs, toMs): tick t covers ((t-1) s, t s]. */
function ticksBetween(ticks: readonly TickPoint[], fromMs: number, toMs: number): TickPoint[] {
  return ticks.filter((p) => p.t * 1000 > fromMs && (p.t - 1) * 1000 < toMs);
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 10) / 100} s` : `${Math.round(ms)} ms`;
}

/**
 * Fills the user's side of each window from the series: `switchErrors` (user-visible errors from
 * the window opening until the failover completed, or the window closed without one) and
 * `userFailoverMs` (from the first second with a user-visible failure to the first second whose
 * error rate is back at or under the baseline — the rate before the window opened; 0 when users
 * saw no failure), then writes the window's one-sentence `outcome`.
 */
export function withUserView(windows: readonly FaultWindowRecord[], ticks: readonly TickPoint[]): FaultWindowRecord[] {
  return windows.map((w) => {
    const switchedAt = w.failoverMs !== null ? w.startMs + w.failoverMs : w.endMs;
    const switchErrors = ticksBetween(ticks, w.startMs, Math.max(switchedAt, w.startMs + 1)).reduce((n, p) => n + errorsIn(p), 0);
    const before = ticks.filter((p) => p.t * 1000 <= w.startMs);
    const baseErrors = before.reduce((n, p) => n + errorsIn(p), 0);
    const baseJudged = before.reduce((n, p) => n + judgedIn(p), 0);
    const baseline = baseJudged > 0 ? baseErrors / baseJudged : 0;
    const after = ticks.filter((p) => p.t * 1000 > w.startMs);
    const firstFail = after.findIndex((p, i) => errorsIn(p) > 0 && (p.t - 1) * 1000 < w.endMs && i >= 0);
    let userFailoverMs: number | null = 0;
    if (firstFail >= 0) {
      const failT = after[firstFail].t;
      const back = after.slice(firstFail + 1).find((p) => judgedIn(p) > 0 && errorsIn(p) / judgedIn(p) <= baseline + 1e-12);
      userFailoverMs = back ? (back.t - 1 - (failT - 1)) * 1000 : null;
    }
    const record = { ...w, switchErrors, userFailoverMs };
    return { ...record, outcome: describeWindow(record) };
  });
}

function describeWindow(w: FaultWindowRecord): string {
  const parts: string[] = [];
  if (w.faulted === 0) parts.push(`no attempt reached ${w.upstream} while the window was open`);
  else if (w.failoverMs !== null) parts.push(`moved traffic to ${w.failoverTo} ${seconds(w.failoverMs)} after the window opened (${w.faulted} attempts faulted)`);
  else parts.push(`did not move traffic off ${w.upstream} (${w.faulted} attempts faulted)`);
  parts.push(w.switchErrors === 0 ? 'users saw no error' : `users saw ${w.switchErrors} error${w.switchErrors === 1 ? '' : 's'} meanwhile`);
  if (w.failbackMs !== null) parts.push(`${w.upstream} served again ${seconds(w.failbackMs)} after the window closed`);
  else if (w.faulted > 0) parts.push(`${w.upstream} did not serve again before the run ended`);
  return `The gateway ${parts.join('; ')}.`;
}

/** The longest of a field over the windows; null when no window has it. */
export function longestOf(windows: readonly FaultWindowRecord[], pick: (w: FaultWindowRecord) => number | null): number | null {
  let best: number | null = null;
  for (const w of windows) {
    const v = pick(w);
    if (v !== null && (best === null || v > best)) best = v;
  }
  return best;
}

/** The window open at run time `ms` (the earliest), or null. */
export function windowAt(windows: readonly FaultWindowInfo[], ms: number): FaultWindowInfo | null {
  return windows.find((w) => ms >= w.startMs && ms < w.endMs) ?? null;
}
