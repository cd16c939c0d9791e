// Live panel render benchmark: the built panel page in headless Chromium is fed a synthetic
// hour of one-second ticks (3,600 per series, every chart), one update message per tick, and
// each tick is timed from the message to the end of its synchronous render (chart updates
// included), to the end of the frame that shows it (the page's style, layout, paint and the
// canvases' raster after the script) and to the next animation frame. Prints median and p95;
// the target is a median under 16 ms with the full hour on the charts.
//   node --import tsx bench/panel-render.ts [seconds] [--tail N] [--profile FILE]
// --tail N replays all but the last N ticks in one message and times only those N: the figure
// for "a tick with an hour on the charts" in seconds instead of minutes.
// --profile FILE records a V8 CPU profile of the page during the timed ticks (Chrome DevTools
// format) and prints the functions with the most self and total time per tick; with
// STAMPEDE_PANEL_UNMINIFIED=1 the bundle keeps its names.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { HostMessage } from '../src/protocol/panel-messages';
import type { TickPoint } from '../src/protocol/run-events';
import { launchChromium, startPanelPage } from '../test/browser/panel-harness';
import { syntheticRun } from '../test/browser/fixtures/synthetic-run';
import { CHARTS } from '../webview/chart-catalog';

interface Timing {
  handle: number[];
  painted: number[];
  frame: number[];
}

const args = process.argv.slice(2);
const tailAt = args.indexOf('--tail');
const tail = tailAt >= 0 ? Number(args.splice(tailAt, 2)[1]) : 0;
const profileAt = args.indexOf('--profile');
const profileFile = profileAt >= 0 ? args.splice(profileAt, 2)[1] : undefined;
const seconds = Number(args[0] ?? 3600);

/** CPU seconds (user + system) of every process below this one: the browser and its helpers.
 * Wall-clock figures on a shared machine include time spent waiting for a core; CPU per tick
 * does not. */
function descendantCpuSeconds(): number {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number));
  const mine = new Set([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of rows) {
      if (!mine.has(pid!) && mine.has(ppid!)) {
        mine.add(pid!);
        grew = true;
      }
    }
  }
  mine.delete(process.pid);
  let ticks = 0;
  for (const pid of mine) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended between ps and the read.
    }
  }
  return ticks / 100;
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

/** Self and total time per function of the page's main thread, per timed tick: where a tick's
 * script time goes (the raster of the canvases happens elsewhere and is not in it). */
function printProfile(profile: CpuProfile, ticks: number): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const name = (id: number) => {
    const f = byId.get(id)!.callFrame;
    return `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
  };
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i + 1] ?? 0;
    self.set(name(id), (self.get(name(id)) ?? 0) + us);
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const k = name(n);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + us);
    }
  });
  const top = (m: Map<string, number>, label: string) => {
    console.log(`${label} (ms per tick):`);
    for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`  ${(v / 1000 / ticks).toFixed(3).padStart(7)}  ${k}`);
  };
  top(self, 'self time');
  top(total, 'total time');
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function describe(name: string, values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  return `${name}: median ${quantile(s, 0.5).toFixed(2)} ms, p95 ${quantile(s, 0.95).toFixed(2)} ms, max ${s[s.length - 1]!.toFixed(2)} ms (n=${s.length})`;
}

async function main(): Promise<void> {
  const run = syntheticRun(seconds);
  const server = await startPanelPage();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(server.url);
    await page.waitForFunction(() => (window as unknown as { __sent: Array<{ type: string }> }).__sent.some((m) => m.type === 'ready'));
    const timed = tail > 0 ? run.ticks.slice(-tail) : run.ticks;
    const replay: HostMessage = { type: 'replay', start: run.start, points: run.ticks.slice(0, run.ticks.length - timed.length), summary: null, live: true };
    type BenchPage = { __feed(m: HostMessage): void; __benchTicks(t: TickPoint[]): Promise<Timing>; __benchReplay(m: HostMessage): number };
    await page.evaluate((m) => (window as unknown as BenchPage).__feed(m), replay);
    const cdp = profileFile ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    const drawCounts = () =>
      page.$$eval('.chart-card', (cards) => cards.map((c) => ((c as HTMLElement).dataset.draws ?? '0 0 0').split(' ').map(Number)));
    const countsBefore = await drawCounts();
    const cpuBefore = descendantCpuSeconds();
    const timing = await page.evaluate((ticks) => (window as unknown as BenchPage).__benchTicks(ticks), timed);
    const cpuPerTickMs = ((descendantCpuSeconds() - cpuBefore) * 1000) / timed.length;
    const countsAfter = await drawCounts();
    if (cdp && profileFile) {
      const { profile } = await cdp.send('Profiler.stop');
      writeFileSync(profileFile, JSON.stringify(profile));
      printProfile(profile as CpuProfile, timed.length);
    }
    // One replay of the whole run: what a reopened or reloaded panel costs.
    const full: HostMessage = { ...replay, points: run.ticks };
    const replayMs = await page.evaluate((m) => (window as unknown as BenchPage).__benchReplay(m), full);
    const lastTenth = Math.floor(timed.length * 0.9);
    const first = run.ticks.length - timed.length;
    console.log(`panel render: ${timed.length} ticks timed one by one after ${first} replayed; ${run.ticks.length} points per series at the end; ${CHARTS.length} charts, ${CHARTS.reduce((n, c) => n + c.series.length, 0)} series`);
    const delta = countsAfter.map((a, i) => a.map((v, k) => v - (countsBefore[i]?.[k] ?? 0)));
    const updated = delta.filter((d) => d[0]! > 0);
    const sum = (k: number) => updated.reduce((n, d) => n + d[k]!, 0);
    console.log(
      `charts updated during the timed ticks: ${updated.length} of ${CHARTS.length} (on screen, or within 200 px of it); ` +
        `data-only updates ${sum(1)} of ${sum(0)}, background reused in ${sum(2)}`,
    );
    console.log(describe('per tick, message to rendered (timed ticks)', timing.handle));
    if (tail === 0) console.log(describe(`per tick, message to rendered (last ${timed.length - lastTenth} ticks, >= ${lastTenth} points)`, timing.handle.slice(lastTenth)));
    console.log(describe('per tick, message to the end of the frame that shows it (timed ticks)', timing.painted));
    console.log(describe('per tick, message to next frame (timed ticks)', timing.frame));
    console.log(`CPU per tick, all browser processes (frame production included): ${cpuPerTickMs.toFixed(2)} ms`);
    console.log(`replay of the whole run in one message: ${replayMs.toFixed(1)} ms`);
    console.log(`machine load average while measuring: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} on ${cpus().length} cores`);
    await page.close();
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
