// stop() latency: how long a run takes from handle.stop() to its summary, with ten 20-second
// streams in flight (1000 tokens 20 ms apart) against a scripted server on 127.0.0.1. The unit
// test only guards against a hang (stop within 10 s); this prints the figure, whose target on a
// quiet machine is under a second. Median and max of N runs (default 5).
//   node --import tsx bench/stop-latency.ts [runs]
import { performance } from 'node:perf_hooks';
import { startCollecting } from '../test/unit/runner/support/collect-run';
import { makePlan } from '../test/unit/runner/support/plan-fixture';
import { startScriptedServer, streamTokens } from '../test/unit/runner/support/scripted-server';

const TARGET_MS = 1000;
const runs = Number(process.argv[2] ?? 5);
async function main(): Promise<void> {
  const server = await startScriptedServer((req, res) => streamTokens(res, 1000, 10, 20));
  const took: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const { handle, result } = startCollecting(makePlan({ baseUrl: server.url, segments: [{ from: 10, ms: 20_000 }] }));
      await new Promise((r) => setTimeout(r, 1300));
      const t = performance.now();
      handle.stop();
      const { summary } = await result;
      took.push(performance.now() - t);
      process.stdout.write(`run ${i + 1}: stop took ${took[i]!.toFixed(1)} ms, ${summary.outcomes.aborted} requests aborted\n`);
    }
  } finally {
    await server.close();
  }
  const sorted = [...took].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  process.stdout.write(`stop latency: median ${median.toFixed(1)} ms, max ${sorted[sorted.length - 1]!.toFixed(1)} ms over ${runs} runs (target < ${TARGET_MS} ms) ${median < TARGET_MS ? 'PASS' : 'MISS'}\n`);
}

void main();
