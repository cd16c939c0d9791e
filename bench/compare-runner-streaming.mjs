// Before/after comparison of a runner change for figure (b), the way compare-runner-cpu.mjs does
// (a): two builds of the CLI run AT THE SAME TIME, each against its own SSE bench server with
// the scenario of runner-streaming.mjs, measured over the same window; the figure is client
// CPU-µs per token event, and the ratio after/before is what to read.
//   node bench/compare-runner-streaming.mjs BEFORE_CLI_JS AFTER_CLI_JS [pairs=3] [windowMs=5000] [streams=2000]
// Both builds together drive twice the events of (b); on a small shared machine pass fewer
// streams (e.g. 1000) if the header's load average is high — each side still sees the same
// conditions, so the ratio stays meaningful.
import { startChatServer } from './lib/chat-server-process.mjs';
import { installCleanup } from './lib/child-processes.mjs';
import { describeMachine } from './lib/machine.mjs';
import { measureWindow } from './lib/measure-window.mjs';
import { startStampede } from './lib/stampede-process.mjs';
import { INTERVAL_MS, RAMP_S, STREAMS, TOKENS_PER_STREAM, streamingScenario } from './runner-streaming.mjs';

installCleanup();
const [beforeCli, afterCli, pairsArg, windowArg, streamsArg] = process.argv.slice(2);
if (!beforeCli || !afterCli) {
  process.stderr.write('usage: node bench/compare-runner-streaming.mjs BEFORE_CLI_JS AFTER_CLI_JS [pairs] [windowMs] [streams]\n');
  process.exit(2);
}
const pairs = Number(pairsArg ?? 3);
const windowMs = Number(windowArg ?? 5000);
const streams = Number(streamsArg ?? STREAMS);
// As in runner-streaming.mjs: the window opens one stream length after the ramp.
const settleMs = TOKENS_PER_STREAM * INTERVAL_MS;

async function one(server, name, cliPath) {
  const holdSeconds = Math.ceil((settleMs + windowMs) / 1000) + 1;
  const run = startStampede(name, streamingScenario(server.baseUrl, holdSeconds, streams), RAMP_S + holdSeconds + 90, cliPath);
  try {
    // The servers serve every pair: the run has started once ITS streams reach the server.
    const before = (await server.stats()).tokenEvents;
    const w = await measureWindow({
      pid: run.pid,
      clientFinished: run.finished,
      server,
      warmupMs: RAMP_S * 1000 + settleMs,
      windowMs,
      startedWhen: (s) => s.tokenEvents > before,
      atStart: () => server.resetOpen(),
    });
    const { summary } = await run.finished;
    return { ...w, summary };
  } catch (error) {
    run.kill();
    throw error;
  }
}

for (const line of describeMachine()) process.stdout.write(`${line}\n`);
process.stdout.write(`${streams} streams per build, one token every ${INTERVAL_MS} ms, ${windowMs / 1000} s window, ${pairs} pairs\n`);
const servers = [await startChatServer('sse', INTERVAL_MS), await startChatServer('sse', INTERVAL_MS)];
const ratios = [];
try {
  for (let i = 1; i <= pairs; i++) {
    // Swap which server each build uses every pair, so a difference between servers cancels.
    const [sb, sa] = i % 2 ? servers : [servers[1], servers[0]];
    const [b, a] = await Promise.all([one(sb, 'before', beforeCli), one(sa, 'after', afterCli)]);
    const pb = b.cpuMicros / b.tokenEvents;
    const pa = a.cpuMicros / a.tokenEvents;
    ratios.push(pa / pb);
    const open = (w) => (w.tokenEvents / Math.max(1, w.ticks)).toFixed(0);
    process.stdout.write(
      `pair ${i}: before ${pb.toFixed(2)} CPU-µs/token event (${(b.tokenEvents / b.seconds).toFixed(0)}/s, ${open(b)} open, ITL p50 ${b.summary.itl.p50} ms, late server ticks ${b.end.lateTicks}), ` +
        `after ${pa.toFixed(2)} (${(a.tokenEvents / a.seconds).toFixed(0)}/s, ${open(a)} open, ITL p50 ${a.summary.itl.p50} ms, late server ticks ${a.end.lateTicks}): after/before ${(pa / pb).toFixed(3)}\n`,
    );
  }
  ratios.sort((x, y) => x - y);
  process.stdout.write(`median after/before: ${ratios[Math.floor(ratios.length / 2)].toFixed(3)} over ${pairs} pairs\n`);
} finally {
  await Promise.all(servers.map((s) => s.close()));
}
