// Before/after comparison of a runner change for figure (b): two builds of the CLI stream AT THE
// SAME TIME, each from its own SSE bench server (one token every 50 ms per stream), measured over
// the same window — the streaming twin of compare-runner-cpu.mjs. Each build runs `streams`
// concurrent streams (default 1,000: two builds of 2,000 do not fit a shared 2-core machine).
//   node bench/compare-runner-streaming.mjs BEFORE_CLI_JS AFTER_CLI_JS [pairs=3] [windowMs=5000] [streams=1000]
import { startChatServer } from './lib/chat-server-process.mjs';
import { installCleanup } from './lib/child-processes.mjs';
import { measureWindow } from './lib/measure-window.mjs';
import { startStampede } from './lib/stampede-process.mjs';
import { INTERVAL_MS, RAMP_S, TOKENS_PER_STREAM, streamingScenario } from './runner-streaming.mjs';

installCleanup();
const [beforeCli, afterCli, pairsArg, windowArg, streamsArg] = process.argv.slice(2);
if (!beforeCli || !afterCli) {
  process.stderr.write('usage: node bench/compare-runner-streaming.mjs BEFORE_CLI_JS AFTER_CLI_JS [pairs] [windowMs] [streams]\n');
  process.exit(2);
}
const pairs = Number(pairsArg ?? 3);
const windowMs = Number(windowArg ?? 5000);
const streams = Number(streamsArg ?? 1000);

async function one(server, name, cliPath) {
  const settleMs = TOKENS_PER_STREAM * INTERVAL_MS;
  const holdSeconds = Math.ceil((settleMs + windowMs) / 1000) + 1;
  const run = startStampede(name, streamingScenario(server.baseUrl, holdSeconds, streams), RAMP_S + holdSeconds + 90, cliPath);
  try {
    const before = (await server.stats()).tokenEvents;
    const w = await measureWindow({ pid: run.pid, server, warmupMs: RAMP_S * 1000 + settleMs, windowMs, startedWhen: (s) => s.tokenEvents > before, atStart: () => server.resetOpen() });
    const { summary } = await run.finished;
    return { w, summary };
  } catch (error) {
    run.kill();
    throw error;
  }
}

const servers = [await startChatServer('sse', INTERVAL_MS), await startChatServer('sse', INTERVAL_MS)];
const ratios = [];
const fmt = (r) => `${(r.w.cpuMicros / r.w.tokenEvents).toFixed(2)} CPU-µs/token event (${(r.w.tokenEvents / r.w.seconds).toFixed(0)}/s), ITL p50 ${r.summary.itl.p50} ms, late server ticks ${r.w.end.lateTicks}`;
try {
  for (let i = 1; i <= pairs; i++) {
    const [sb, sa] = i % 2 ? servers : [servers[1], servers[0]];
    const [b, a] = await Promise.all([one(sb, 'before', beforeCli), one(sa, 'after', afterCli)]);
    const ratio = a.w.cpuMicros / a.w.tokenEvents / (b.w.cpuMicros / b.w.tokenEvents);
    ratios.push(ratio);
    process.stdout.write(`pair ${i}: before ${fmt(b)}; after ${fmt(a)}: after/before ${ratio.toFixed(3)}\n`);
  }
  ratios.sort((x, y) => x - y);
  process.stdout.write(`median after/before (CPU per token event): ${ratios[Math.floor(ratios.length / 2)].toFixed(3)} over ${pairs} pairs, ${streams} streams each\n`);
} finally {
  await Promise.all(servers.map((s) => s.close()));
}
