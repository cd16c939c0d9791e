// What this process can open, read from Linux's /proc: the file-descriptor limit (every
// connection is one; Node raises the soft limit to the hard one at start, so the soft limit read
// here is the one in force), the descriptors already open, the system-wide file table and the
// ephemeral port range (one port per connection to a destination). Elsewhere (macOS, Windows)
// the figures are unknown (null) and the checks that need them are skipped.
import { readdirSync, readFileSync } from 'node:fs';

export interface ClientCapacity {
  /** RLIMIT_NOFILE in force (soft), null when unknown. */
  fdLimit: number | null;
  /** Descriptors open in this process when read. */
  fdsOpen: number | null;
  /** fs.file-max: the whole system's file table. */
  fileMax: number | null;
  /** net.ipv4.ip_local_port_range. */
  portRange: { low: number; high: number } | null;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** "Max open files            20000                20000                files" */
export function parseFdLimit(limits: string | null): number | null {
  const m = limits === null ? null : /^Max open files\s+(\d+|unlimited)\s/m.exec(limits);
  if (!m) return null;
  return m[1] === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(m[1]);
}

export function parsePortRange(text: string | null): { low: number; high: number } | null {
  const m = text === null ? null : /^\s*(\d+)\s+(\d+)\s*$/.exec(text);
  if (!m) return null;
  const low = Number(m[1]);
  const high = Number(m[2]);
  return high >= low ? { low, high } : null;
}

export function readClientCapacity(): ClientCapacity {
  const fileMax = Number(readText('/proc/sys/fs/file-max')?.trim());
  return {
    fdLimit: parseFdLimit(readText('/proc/self/limits')),
    fdsOpen: countOpenFds(),
    fileMax: Number.isFinite(fileMax) && fileMax > 0 ? fileMax : null,
    portRange: parsePortRange(readText('/proc/sys/net/ipv4/ip_local_port_range')),
  };
}

export function portCount(range: { low: number; high: number }): number {
  return range.high - range.low + 1;
}

/** TCP sockets of this network namespace by state, from /proc/net/tcp and tcp6 (read once, when a
 * client limit is first hit, as evidence for its message); null when unreadable. */
export function countTcpStates(): { timeWait: number; established: number } | null {
  let timeWait = 0;
  let established = 0;
  let read = false;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = readText(file);
    if (text === null) continue;
    read = true;
    // "  sl  local_address rem_address   st …": the state is the 4th column, in hex.
    for (const line of text.split('\n')) {
      const st = line.trim().split(/\s+/)[3];
      if (st === '06') timeWait++;
      else if (st === '01') established++;
    }
  }
  return read ? { timeWait, established } : null;
}

/** Descriptors open in this process now; null when unknown. */
export function countOpenFds(): number | null {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return null;
  }
}
