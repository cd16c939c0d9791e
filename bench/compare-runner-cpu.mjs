// Before/after comparison of a runner change for figure (a): two builds of the CLI run AT THE
// SAME TIME, each against its own bench server with the scenario of runner-cpu.mjs, measured
// over the same window. On a shared, noisy machine both builds then see the same conditions,
// so their ratio says far more about the change than two figures taken minutes apart.
//   node bench/compare-runner-cpu.mjs BEFORE_CLI_JS AFTER_CLI_JS [pairs=3] [windowMs=5000]
// Build each CLI with esbuild from its source tree (as scripts/build.mjs does for dist/cli.js).
import { startChatServer } from './lib/chat-server-process.mjs';
import { installCleanup } from './lib/child-processes.mjs';
import { measureWindow } from './lib/measure-window.mjs';
import { startStampede } from './lib/stampede-process.mjs';
import { stampedeScenario } from './runner-cpu.mjs';

installCleanup();
const [beforeCli, afterCli, pairsArg, windowArg] = process.argv.slice(2);
if (!beforeCli || !afterCli) {
  process.stderr.write('usage: node bench/compare-runner-cpu.mjs BEFORE_CLI_JS AFTER_CLI_JS [pairs] [windowMs]\n');
  process.exit(2);
}
const pairs = Number(pairsArg ?? 3);
const windowMs = Number(windowArg ?? 5000);
const warmupMs = 2000;

async function one(server, name, cliPath) {
  const seconds = Math.ceil((warmupMs + windowMs) / 1000) + 3;
  const before = (await server.stats()).completed;
  const run = startStampede(name, stampedeScenario(server.baseUrl, seconds), seconds + 60, cliPath);
  try {
    const w = await measureWindow({ pid: run.pid, clientFinished: run.finished, server, warmupMs, windowMs, startedWhen: (s) => s.completed > before });
    await run.finished;
    return w;
  } catch (error) {
    run.kill();
    throw error;
  }
}

const servers = [await startChatServer('json'), await startChatServer('json')];
const ratios = [];
try {
  for (let i = 1; i <= pairs; i++) {
    // Swap which server each build uses every pair, so a difference between servers cancels.
    const [sb, sa] = i % 2 ? servers : [servers[1], servers[0]];
    const [b, a] = await Promise.all([one(sb, 'before', beforeCli), one(sa, 'after', afterCli)]);
    const pb = b.cpuMicros / b.completed;
    const pa = a.cpuMicros / a.completed;
    ratios.push(pa / pb);
    process.stdout.write(
      `pair ${i}: before ${pb.toFixed(1)} CPU-µs/request (${(b.completed / b.seconds).toFixed(0)} req/s), after ${pa.toFixed(1)} (${(a.completed / a.seconds).toFixed(0)} req/s): after/before ${(pa / pb).toFixed(3)}\n`,
    );
  }
  ratios.sort((x, y) => x - y);
  process.stdout.write(`median after/before: ${ratios[Math.floor(ratios.length / 2)].toFixed(3)} over ${pairs} pairs\n`);
} finally {
  await Promise.all(servers.map((s) => s.close()));
}
