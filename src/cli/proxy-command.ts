// `stampede proxy --upstream URL --faults FILE`: runs the fault proxy in the foreground until
// SIGINT/SIGTERM, printing each fault window as it opens and closes.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { PlanFault } from '../core/plan-failure-modes';
import { parseDuration } from '../core/units';
import { describeFault, parseFaultFile } from '../mock/fault-file';
import { STATUS_PATH, displayUpstream, startFaultProxy, type ProxyCounters } from '../mock/fault-proxy';

const USAGE =
  'usage: stampede proxy --upstream URL [--faults FILE] [--port N] [--host H] [--start-delay DURATION] [--seed N]';

interface ProxyFlags {
  upstream: URL | null;
  faultsFile: string | null;
  port: number;
  host: string;
  startDelayMs: number;
  seed: number;
}

class UsageError extends Error {}

function parseFlags(args: string[]): ProxyFlags {
  const flags: ProxyFlags = { upstream: null, faultsFile: null, port: 8787, host: '127.0.0.1', startDelayMs: 0, seed: 1 };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = args[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${name} needs a value`);
      i++;
      return next;
    };
    switch (name) {
      case '--upstream': {
        const text = value();
        let url: URL;
        try {
          url = new URL(text);
        } catch {
          throw new UsageError(`--upstream must be an http(s) URL such as http://127.0.0.1:8000, got '${text}'`);
        }
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--upstream must be an http or https URL, got ${url.protocol}`);
        flags.upstream = url;
        break;
      }
      case '--faults':
        flags.faultsFile = value();
        break;
      case '--port':
        flags.port = parseWhole(name, value(), 0, 65535);
        break;
      case '--host':
        flags.host = value();
        break;
      case '--start-delay': {
        const parsed = parseDuration(value());
        if (!parsed.ok) throw new UsageError(`--start-delay: ${parsed.message}`);
        flags.startDelayMs = parsed.value;
        break;
      }
      case '--seed':
        flags.seed = parseWhole(name, value(), 0, 2 ** 32 - 1);
        break;
      case '--help':
      case '-h':
        throw new UsageError('');
      default:
        throw new UsageError(`unknown option '${arg}'`);
    }
  }
  if (flags.upstream === null) throw new UsageError('--upstream URL is required');
  return flags;
}

function parseWhole(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got '${text}'`);
  }
  return value;
}

function readFaults(file: string): PlanFault[] | string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : String(code ?? error);
    return [`cannot read fault file ${file}: ${reason}`];
  }
  const parsed = parseFaultFile(text, file);
  return parsed.ok ? parsed.faults : parsed.errors;
}

/** "12 attempts: 7 forwarded (1 upstream error), 3 answered by faults, 2 refused" — the parts add up to the total. */
export function describeCounters(c: ProxyCounters): string {
  const parts = [`${c.forwarded} forwarded${c.upstreamErrors > 0 ? ` (${c.upstreamErrors} upstream error${c.upstreamErrors === 1 ? '' : 's'})` : ''}`];
  if (c.answered > 0) parts.push(`${c.answered} answered by faults`);
  if (c.refused > 0) parts.push(`${c.refused} refused`);
  if (c.rejected > 0) parts.push(`${c.rejected} too large`);
  if (c.abandoned > 0) parts.push(`${c.abandoned} abandoned by the client`);
  return `${c.requests} attempt${c.requests === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

export async function runProxyCommand(args: string[]): Promise<number> {
  let flags: ProxyFlags;
  try {
    flags = parseFlags(args);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message === '') {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    process.stderr.write(`stampede proxy: ${message} (see stampede proxy --help)\n`);
    return 2;
  }
  let faults: PlanFault[] = [];
  if (flags.faultsFile !== null) {
    const read = readFaults(flags.faultsFile);
    if (read.length > 0 && typeof read[0] === 'string') {
      for (const line of read as string[]) process.stderr.write(`stampede proxy: ${line}\n`);
      return 2;
    }
    faults = read as PlanFault[];
  }
  const upstream = flags.upstream!;
  const startedAt = performance.now() + flags.startDelayMs;
  let proxy;
  try {
    proxy = await startFaultProxy({ upstream: upstream.href, faults, port: flags.port, host: flags.host, startedAt, seed: flags.seed });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint = code === 'EADDRINUSE' ? ' (choose another with --port, or --port 0 for any free port)' : '';
    process.stderr.write(`stampede proxy: ${error instanceof Error ? error.message : String(error)}${hint}\n`);
    return 2;
  }
  const running = proxy;
  const target = displayUpstream(upstream);
  process.stdout.write(`stampede proxy listening on ${running.url} -> ${target} (status ${running.url}${STATUS_PATH})\n`);
  if (faults.length === 0) process.stdout.write('  no faults: every request passes through\n');
  else {
    const delay = flags.startDelayMs > 0 ? `, clock starts in ${flags.startDelayMs / 1000}s` : '';
    process.stdout.write(`  ${faults.length} fault window${faults.length === 1 ? '' : 's'} on the proxy's clock${delay}:\n`);
    for (const fault of faults) process.stdout.write(`  ${describeFault(fault)}\n`);
  }
  process.stdout.write('press Ctrl-C to stop\n');
  // Announce each window as it opens and closes, so the terminal lines up with what clients see.
  const timers: NodeJS.Timeout[] = [];
  const announce = (atMs: number, text: string): void => {
    const wait = startedAt + atMs - performance.now();
    if (wait >= 0) timers.push(setTimeout(() => process.stdout.write(text + '\n'), wait));
  };
  for (const fault of faults) {
    announce(fault.startMs, `fault on:  ${describeFault(fault)}`);
    announce(fault.endMs, `fault off: ${describeFault(fault)}`);
  }
  return new Promise<number>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      for (const timer of timers) clearTimeout(timer);
      const c = running.counters();
      running.close().then(() => {
        const injected = Object.entries(c.faultsInjected).filter(([, n]) => n > 0).map(([kind, n]) => `${kind} ${n}`).join(', ') || 'none';
        process.stdout.write(`stampede proxy: stopped on ${signal} after ${describeCounters(c)}; faults injected: ${injected}\n`);
        resolve(0);
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
