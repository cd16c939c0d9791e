// The measuring window shared by the figures: once a client's traffic reaches the server and has
// warmed up (JIT, connections), the client's CPU time and the server's counters are read at the
// start and the end of a fixed window, so start-up and shut-down never count.
import { cpuMicros, sleep, spawnTracked, tailOf, waitForExit } from './child-processes.mjs';
import { waitForStats } from './chat-server-process.mjs';

/**
 * @param {{ pid: number, server: { pid: number, stats(): Promise<any> }, warmupMs: number, windowMs: number,
 *   startedWhen: (stats: any) => boolean, atStart?: () => void, clientFinished?: Promise<unknown> }} o
 */
export async function measureWindow(o) {
  const reached = waitForStats(o.server, o.startedWhen, 30_000, 'the client to reach the bench server');
  // A client that exits first (a scenario it refused, a crash) is reported with its own message
  // rather than as a 30 s wait for traffic that never comes.
  const exited = o.clientFinished?.then(
    () => Promise.reject(new Error('the client ended before its traffic reached the bench server')),
    (error) => Promise.reject(error),
  );
  // Once the traffic has arrived, the client's normal end later is no failure of this wait.
  exited?.catch(() => undefined);
  await (exited ? Promise.race([reached, exited]) : reached);
  await sleep(o.warmupMs);
  o.atStart?.();
  const s1 = await o.server.stats();
  const c1 = cpuMicros(o.pid);
  const sc1 = cpuMicros(o.server.pid);
  const t1 = performance.now();
  await sleep(o.windowMs);
  const s2 = await o.server.stats();
  const c2 = cpuMicros(o.pid);
  const sc2 = cpuMicros(o.server.pid);
  const t2 = performance.now();
  return {
    seconds: (t2 - t1) / 1000,
    cpuMicros: c2 - c1,
    /** The server's CPU in the window: near a full core means the server, not the client, was the limit. */
    serverCpuMicros: sc2 - sc1,
    completed: s2.completed - s1.completed,
    tokenEvents: s2.tokenEvents - s1.tokenEvents,
    ticks: s2.ticks - s1.ticks,
    end: s2,
  };
}

/**
 * Runs a client script (`node ARGS…`) in its own process and measures it over one window like
 * measureWindow; the script must end by itself after the window. Fails if it exits non-zero.
 * @param {{ server: { pid: number, stats(): Promise<any> }, name: string, args: string[], warmupMs: number, windowMs: number,
 *   startedWhen: (stats: any) => boolean, atStart?: () => void }} o
 */
export async function measureClientProcess(o) {
  const child = spawnTracked(process.execPath, o.args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const err = tailOf(child.stderr);
  tailOf(child.stdout);
  let w;
  try {
    w = await measureWindow({ pid: child.pid, server: o.server, warmupMs: o.warmupMs, windowMs: o.windowMs, startedWhen: o.startedWhen, atStart: o.atStart });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const code = await waitForExit(child, o.windowMs + o.warmupMs + 60_000, o.name);
  if (code !== 0) throw new Error(`${o.name} exited with code ${code}: ${err.text.trim().split('\n').slice(-3).join(' ')}`);
  return w;
}
