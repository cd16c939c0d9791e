// Limits of the load tester itself. A request held inside Stampede (every connection of
// providers[].maxConnections busy, load.maxInFlight reached) or failed by the machine it runs on
// (out of file descriptors, ephemeral ports or socket memory) says nothing about the system
// under test; these are findings about the tester, named as such in the results, in "what broke
// first" and in the verdict, with what to change.
import type { ResolvedPlan } from '../core/plan';
import type { ClientLimitFinding, ClientLimitKind, NetworkErrorSummary, NetworkPhase, TickPoint } from '../protocol/run-events';
import { countOpenFds, countTcpStates, portCount, type ClientCapacity } from './client-capacity';

/** Error codes that are the client machine's limits, not the server's doing. */
export function clientLimitOfCode(code: string): ClientLimitKind | null {
  switch (code) {
    case 'EMFILE':
    case 'ENFILE':
      return 'file-descriptors';
    case 'EADDRNOTAVAIL':
    case 'EADDRINUSE':
      return 'ephemeral-ports';
    case 'ENOBUFS':
    case 'ENOMEM':
      return 'socket-memory';
    default:
      return null;
  }
}

/** Distinct code × phase entries kept; later ones count under the last. */
const MAX_KINDS = 32;

interface LimitHit {
  firstMs: number;
  count: number;
  code: string;
  /** Read from /proc when it was first hit: descriptors open, sockets in TIME_WAIT. */
  fdsOpen: number | null;
  timeWait: number | null;
}

/** Network outcomes by code and phase, the client limits they hit, and the attempts that timed
 * out while waiting for a connection in Stampede. Filled by the request flow. */
export class ClientErrorLog {
  private readonly byKey = new Map<string, NetworkErrorSummary>();
  readonly hits = new Map<ClientLimitKind, LimitHit>();
  /** Per provider index: when its connection cap first made an attempt wait (run ms), how many
   * attempts waited, and how many timed out waiting. */
  readonly caps = new Map<number, { firstMs: number; waited: number; timedOut: number }>();

  network(code: string, phase: NetworkPhase, tMs: number, detail: string): void {
    const limit = clientLimitOfCode(code);
    let key = `${code}|${phase}`;
    let entry = this.byKey.get(key);
    if (!entry && this.byKey.size >= MAX_KINDS) {
      key = 'other';
      entry = this.byKey.get(key);
    }
    if (entry) entry.count++;
    else {
      entry = { code: key === 'other' ? 'other' : code, phase, count: 1, firstAt: Math.round(tMs / 100) / 10, detail };
      if (limit) entry.clientLimit = limit;
      this.byKey.set(key, entry);
    }
    if (limit === null) return;
    const hit = this.hits.get(limit);
    if (hit) hit.count++;
    else {
      const tcp = limit === 'ephemeral-ports' ? countTcpStates() : null;
      this.hits.set(limit, { firstMs: tMs, count: 1, code, fdsOpen: limit === 'file-descriptors' ? countOpenFds() : null, timeWait: tcp ? tcp.timeWait : null });
    }
  }

  /** An attempt began waiting for one of provider `index`'s connections. */
  waited(index: number, tMs: number): void {
    const cap = this.caps.get(index);
    if (cap) cap.waited++;
    else this.caps.set(index, { firstMs: tMs, waited: 1, timedOut: 0 });
  }

  /** An attempt's total timeout ran out while it waited for a connection. */
  queueTimeout(index: number): void {
    const cap = this.caps.get(index);
    if (cap) cap.timedOut++;
  }

  summary(): NetworkErrorSummary[] {
    return [...this.byKey.values()].sort((a, b) => b.count - a.count);
  }
}

export interface ClientLimitInputs {
  plan: ResolvedPlan;
  ticks: readonly TickPoint[];
  log: ClientErrorLog;
  /** maxConnections in force, by provider index. */
  caps: readonly number[];
  capacity: ClientCapacity | null;
  /** Requests sent and arrivals dropped over the run. */
  sent: number;
  dropped: number;
}

/** Share of requests affected, or of the load's seconds held, that makes a limit material. */
const MATERIAL_REQUESTS = 0.01;
const MATERIAL_SECONDS = 0.05;

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const secondsOf = (ms: number): number => Math.round(ms / 100) / 10;

function tickAt(ticks: readonly TickPoint[], tMs: number): TickPoint | undefined {
  return ticks.find((p) => p.t * 1000 >= tMs) ?? ticks[ticks.length - 1];
}

export function clientLimitFindings(i: ClientLimitInputs): ClientLimitFinding[] {
  const out: ClientLimitFinding[] = [];
  const loadTicks = i.ticks.filter((p) => p.targetLevel > 0);
  const loadSeconds = Math.max(1, loadTicks.length);
  const material = (requests: number, base: number, seconds: number | null) =>
    (base > 0 && requests >= Math.max(1, MATERIAL_REQUESTS * base)) || (seconds !== null && seconds >= Math.max(1, MATERIAL_SECONDS * loadSeconds));
  const finding = (kind: ClientLimitKind, tMs: number, message: string, hint: string, seconds: number | null, requests: number, failed: number, base: number): void => {
    const p = tickAt(i.ticks, tMs);
    out.push({ kind, t: secondsOf(tMs), stage: p?.stage ?? '', targetLevel: p?.targetLevel ?? 0, message, hint, seconds, requests, failed, material: material(requests, base, seconds) });
  };

  if (i.log.caps.size > 0) {
    const held = i.ticks.filter((p) => (p.clientWaiting ?? 0) > 0);
    const peak = held.reduce((m, p) => Math.max(m, p.clientWaiting ?? 0), 0);
    const first = [...i.log.caps.entries()].sort((a, b) => a[1].firstMs - b[1].firstMs)[0];
    const [index, cap] = first;
    const waited = [...i.log.caps.values()].reduce((n, c) => n + c.waited, 0);
    const timedOut = [...i.log.caps.values()].reduce((n, c) => n + c.timedOut, 0);
    const capValue = i.caps[index] ?? 0;
    const field = `providers[${index}].maxConnections`;
    const where = i.caps.length > 1 ? ` (${field})` : '';
    const message =
      `client connection cap ${fmt(capValue)}${where} reached at ${secondsOf(cap.firstMs)} s: ${peak > 0 ? `up to ${fmt(peak)}` : 'some'} requests waiting in Stampede, not in the server` +
      ` (${fmt(waited)} waited in all, in ${held.length} of ${loadSeconds} s${timedOut > 0 ? `; ${fmt(timedOut)} timed out waiting and were never sent` : ''})`;
    const hint = `raise ${field} (by default it follows the plan's concurrency: its users, or load.maxInFlight) if the system under test should see this load; the wait is in clientWait and in ttftIntended / e2eIntended`;
    finding('connection-cap', cap.firstMs, message, hint, held.length, Math.max(waited, timedOut), timedOut, i.sent);
  }

  const dropTicks = loadTicks.filter((p) => p.dropped > 0);
  if (dropTicks.length > 0 && i.plan.load.model === 'open') {
    const dropped = dropTicks.reduce((n, p) => n + p.dropped, 0);
    const first = dropTicks[0];
    const message = `client in-flight cap ${fmt(i.plan.load.maxInFlight)} (load.maxInFlight) reached at ${first.t} s: ${fmt(dropped)} arrivals dropped in Stampede, never sent (in ${dropTicks.length} of ${loadSeconds} s)`;
    const hint = 'the target answered slower than arrivals came, so requests piled up in flight; raise load.maxInFlight if it should see every arrival (each request in flight holds a connection and memory in Stampede)';
    finding('in-flight-cap', (first.t - 1) * 1000, message, hint, dropTicks.length, dropped, 0, i.sent + i.dropped);
  }

  const attempts = i.sent;
  const fds = i.log.hits.get('file-descriptors');
  if (fds) {
    const limit = i.capacity?.fdLimit ?? null;
    const systemWide = fds.code === 'ENFILE';
    const what = systemWide
      ? `the system's file table is full${i.capacity?.fileMax ? ` (fs.file-max ${fmt(i.capacity.fileMax)})` : ''}`
      : `file descriptors at the limit${limit !== null ? ` (${fmt(limit)})` : ''}`;
    const message = `${what}: ${fds.code} at ${secondsOf(fds.firstMs)} s, ${fmt(fds.count)} attempts failed in Stampede before reaching the server${fds.fdsOpen !== null ? ` (${fmt(fds.fdsOpen)} descriptors open)` : ''}`;
    const hint = systemWide
      ? 'raise fs.file-max, or run fewer connections on this machine'
      : `each connection takes a file descriptor: raise the limit (ulimit -n ${fmt(Math.max(1024, (limit ?? 1024) * 4))} in the shell, LimitNOFILE= for a service) or lower the connections the plan opens (providers[].maxConnections, users, load.maxInFlight)`;
    finding('file-descriptors', fds.firstMs, message, hint, null, fds.count, fds.count, attempts);
  }
  const ports = i.log.hits.get('ephemeral-ports');
  if (ports) {
    const range = i.capacity?.portRange ?? null;
    const message =
      `client out of ephemeral ports: ${ports.code} at ${secondsOf(ports.firstMs)} s, ${fmt(ports.count)} attempts failed in Stampede before reaching the server` +
      `${range ? ` (net.ipv4.ip_local_port_range ${range.low}–${range.high}: ${fmt(portCount(range))} ports per destination` : ''}${ports.timeWait !== null ? `${range ? '; ' : ' ('}${fmt(ports.timeWait)} sockets in TIME_WAIT)` : range ? ')' : ''}`;
    const hint =
      'every connection to one address and port needs its own local port, and a closed one holds it for a minute in TIME_WAIT: check that the server keeps connections alive (no Connection: close), widen net.ipv4.ip_local_port_range, set net.ipv4.tcp_tw_reuse=1, or spread the load over more client addresses or machines';
    finding('ephemeral-ports', ports.firstMs, message, hint, null, ports.count, ports.count, attempts);
  }
  const memory = i.log.hits.get('socket-memory');
  if (memory) {
    const message = `client out of socket memory: ${memory.code} at ${secondsOf(memory.firstMs)} s, ${fmt(memory.count)} attempts failed in Stampede before reaching the server`;
    finding('socket-memory', memory.firstMs, message, 'the kernel could not give the client more socket buffers: raise net.ipv4.tcp_mem / net.core.wmem_max, or run fewer connections on this machine', null, memory.count, memory.count, attempts);
  }
  return out.sort((a, b) => a.t - b.t);
}
