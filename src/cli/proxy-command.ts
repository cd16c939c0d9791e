// `stampede proxy --upstream URL --faults FILE`: runs the fault proxy in the foreground until
// SIGINT/SIGTERM, printing each fault window as it opens and closes.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { PlanFault } from '../core/plan-failure-modes';
import { parseDuration } from '../core/units';
import { describeFault, parseFaultFile } from '../mock/fault-file';
import { STATUS_PATH, displayUpstream, startFaultProxy, type ProxyCounters } from '../mock/fault-proxy';
import { parseOrExit, parseWhole, usageError, UsageError, type CommandSpec, type ParsedCommandLine } from './command-line';

export const PROXY_COMMAND: CommandSpec = {
  name: 'proxy',
  synopsis: '--upstream URL [options]',
  summary: 'Forwards to an HTTP provider and injects a fault schedule, until Ctrl-C or SIGTERM.',
  options: {
    upstream: { type: 'string', value: 'URL', description: 'the provider to forward to, e.g. http://127.0.0.1:8000 (required)' },
    faults: { type: 'string', value: 'FILE', description: 'fault schedule (YAML, see docs/proxy.md); without it every request passes through' },
    port: { type: 'string', value: 'N', description: 'port to listen on; 0 picks a free one', default: '8787' },
    host: { type: 'string', value: 'HOST', description: 'address to bind', default: '127.0.0.1' },
    'start-delay': { type: 'string', value: 'DURATION', description: "when the proxy's clock starts, e.g. 5s", default: '0s' },
    seed: { type: 'string', value: 'N', description: 'seed of the error-rate draws', default: '1' },
  },
  epilog: 'Exit codes: 0 stopped by Ctrl-C or SIGTERM, 2 bad usage, a bad fault file or the port is in use, 70 internal error.',
};

interface ProxyFlags {
  upstream: URL;
  faultsFile: string | null;
  port: number;
  host: string;
  startDelayMs: number;
  seed: number;
}

function proxyFlags(values: ParsedCommandLine['values'], positionals: string[]): ProxyFlags {
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const text = values.upstream as string | undefined;
  if (text === undefined) throw new UsageError('--upstream URL is required');
  let upstream: URL;
  try {
    upstream = new URL(text);
  } catch {
    throw new UsageError(`--upstream must be an http(s) URL such as http://127.0.0.1:8000, got '${text}'`);
  }
  if (upstream.protocol !== 'http:' && upstream.protocol !== 'https:') throw new UsageError(`--upstream must be an http or https URL, got ${upstream.protocol}`);
  let startDelayMs = 0;
  if (values['start-delay'] !== undefined) {
    const parsed = parseDuration(values['start-delay'] as string);
    if (!parsed.ok) throw new UsageError(`--start-delay: ${parsed.message}`);
    startDelayMs = parsed.value;
  }
  return {
    upstream,
    faultsFile: (values.faults as string | undefined) ?? null,
    port: parseWhole('--port', (values.port as string | undefined) ?? '8787', 0, 65535),
    host: (values.host as string | undefined) ?? '127.0.0.1',
    startDelayMs,
    seed: parseWhole('--seed', (values.seed as string | undefined) ?? '1', 0, 2 ** 32 - 1),
  };
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
  const parsed = parseOrExit(PROXY_COMMAND, args);
  if (typeof parsed === 'number') return parsed;
  let flags: ProxyFlags;
  try {
    flags = proxyFlags(parsed.values, parsed.positionals);
  } catch (error) {
    if (error instanceof UsageError) return usageError(PROXY_COMMAND, error.message);
    throw error;
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
  const upstream = flags.upstream;
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
