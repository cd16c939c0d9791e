// Before the first request: can this process open the connections the plan needs? Every
// connection takes a file descriptor (two for an embedded mock, whose server end lives in the
// same process) and, per destination address and port, an ephemeral port. A plan that is
// certain to need more than the process can open does not start; one that may need more starts
// with a warning that gives the numbers. When it happens anyway, the run names the limit
// (client-limits.ts).
import { plannedConcurrency } from '../core/load-shape';
import type { ResolvedPlan } from '../core/plan';
import { portCount, type ClientCapacity } from './client-capacity';

/** Descriptors kept for everything else: the results file, stdio, IPC, modules, monitors. */
export const FD_RESERVE = 64;

export interface PreflightProvider {
  /** Plan index. */
  index: number;
  /** scheme://host:port the connections go to. */
  origin: string;
  /** The embedded mock: both ends of each connection are in this process. */
  embedded: boolean;
}

export interface PreflightResult {
  /** Lines to log as warnings once the run has started. */
  warnings: string[];
  /** Set when the plan cannot work here: the run does not start. */
  refusal: string | null;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

export function connectionPreflight(plan: ResolvedPlan, providers: readonly PreflightProvider[], capacity: ClientCapacity): PreflightResult {
  const warnings: string[] = [];
  const refusals: string[] = [];
  const load = plan.load;
  const bound = plannedConcurrency(load, plan.cacheExperiment?.herd?.requests ?? 0);
  // Closed users with no think time each hold a request (so a connection) all the time.
  const certainBound = load.model === 'closed' && load.thinkTimeMaxMs <= 0 ? bound : 0;
  const what =
    load.model === 'closed'
      ? `${fmt(bound)} users${load.thinkTimeMaxMs <= 0 ? ' with no think time' : ''}`
      : `up to ${fmt(bound)} requests in flight (load.maxInFlight)`;
  const perProvider = providers.map((p) => {
    const cap = Math.max(1, plan.providers[p.index]?.maxConnections ?? 1);
    return { ...p, cap, possible: Math.min(cap, bound) };
  });
  const capsTotal = perProvider.reduce((n, p) => n + p.cap, 0);
  const settings = 'providers[].maxConnections, the users or load.maxInFlight';

  if (capacity.fdLimit !== null) {
    const open = capacity.fdsOpen ?? 0;
    const available = Math.max(0, capacity.fdLimit - open - FD_RESERVE);
    const possible = perProvider.reduce((n, p) => n + p.possible * (p.embedded ? 2 : 1), 0);
    const perConnection = perProvider.every((p) => p.embedded) ? 2 : 1;
    const certain = Math.min(certainBound, capsTotal) * perConnection;
    const limits = `this process may open ${fmt(capacity.fdLimit)} files (ulimit -n), ${fmt(open)} are open and about ${FD_RESERVE} are kept for other work`;
    const raise = `raise the limit (ulimit -n ${fmt(Math.max(possible, certain) + open + FD_RESERVE)}) or lower ${settings}`;
    if (certain > available) {
      refusals.push(`the plan keeps ${fmt(certain / perConnection)} connections open at once (${what}), which takes ${fmt(certain)} file descriptors, but ${limits}: ${raise}`);
    } else if (possible > available) {
      warnings.push(`preflight: the plan may open up to ${fmt(possible)} file descriptors of connections (${what}; providers[].maxConnections ${perProvider.map((p) => fmt(p.cap)).join(', ')}${perProvider.some((p) => p.embedded) ? '; the embedded mock takes two per connection' : ''}), but ${limits}. Past that, connections fail with EMFILE and the results will name the limit; ${raise}`);
    }
  }

  if (capacity.portRange !== null) {
    const ports = portCount(capacity.portRange);
    const byOrigin = new Map<string, { possible: number; caps: number }>();
    for (const p of perProvider) {
      const o = byOrigin.get(p.origin) ?? { possible: 0, caps: 0 };
      o.possible += p.possible;
      o.caps += p.cap;
      byOrigin.set(p.origin, o);
    }
    for (const [origin, o] of byOrigin) {
      const certain = Math.min(certainBound, o.caps);
      const range = `net.ipv4.ip_local_port_range ${capacity.portRange.low}–${capacity.portRange.high} gives ${fmt(ports)} local ports per destination`;
      if (certain > ports) refusals.push(`the plan keeps ${fmt(certain)} connections to ${origin} open at once (${what}), but ${range}: widen the range, lower ${settings}, or spread the load over more machines`);
      else if (o.possible > ports) warnings.push(`preflight: the plan may open up to ${fmt(o.possible)} connections to ${origin} (${what}), but ${range}; past that, connections fail with EADDRNOTAVAIL and the results will name the limit`);
    }
  }
  return { warnings, refusal: refusals.length ? `load: the plan needs more connections than this process can open — ${refusals.join('; ')}` : null };
}
