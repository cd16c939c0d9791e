// Figure (c): RSS of the `stampede run` process after 1 minute and after 5 minutes at a steady
// 500 non-streaming requests/s (open model, uniform arrivals) against the minimal server.
// See docs/benchmarks.md.
import { startChatServer, waitForStats } from './lib/chat-server-process.mjs';
import { rssBytes, sleep } from './lib/child-processes.mjs';
import { openaiProvider, startStampede } from './lib/stampede-process.mjs';

export const RATE = 500;
export const GROWTH_TARGET_MB = 20;

function scenario(baseUrl, seconds) {
  return `name: bench memory
seed: 1
${openaiProvider(baseUrl, 64)}workload:
  stream: false
  mix:
    - { name: short, promptTokens: 24, maxTokens: 8 }
load:
  model: open
  arrival: uniform
  stages:
    - { name: steady, for: ${seconds}s, rate: ${RATE}/s }
thresholds:
  - e2e.p95 < 1s
  - errors.rate < 1%
`;
}

const mb = (bytes) => bytes / (1024 * 1024);

/** @param {{ firstS: number, secondS: number, log: (line: string) => void }} o */
export async function benchRunnerMemory(o) {
  const server = await startChatServer('json');
  try {
    const run = startStampede('memory', scenario(server.baseUrl, o.secondS + 3), o.secondS + 90);
    let first;
    let second;
    let samples;
    let achieved;
    try {
      await waitForStats(server, (s) => s.completed > 0, 30_000, 'the first request of the memory run');
      const t0 = performance.now();
      const c0 = (await server.stats()).completed;
      const sampleEvery = Math.max(5, Math.round(o.secondS / 10));
      const times = new Set([o.firstS, o.secondS]);
      for (let t = sampleEvery; t < o.secondS; t += sampleEvery) times.add(t);
      samples = [];
      for (const at of [...times].sort((a, b) => a - b)) {
        await sleep(Math.max(0, t0 + at * 1000 - performance.now()));
        samples.push([at, rssBytes(run.pid)]);
      }
      const rssAt = (t) => samples.find(([at]) => at === t)[1];
      first = rssAt(o.firstS);
      second = rssAt(o.secondS);
      const c1 = (await server.stats()).completed;
      achieved = (c1 - c0) / ((performance.now() - t0) / 1000);
    } catch (error) {
      run.kill();
      throw error;
    }
    const { summary } = await run.finished;
    o.log(`  RSS over time: ${samples.map(([t, r]) => `${t}s ${mb(r).toFixed(1)}`).join(', ')} (MB)`);
    o.log(`  achieved ${achieved.toFixed(0)} req/s; run: ${summary.requests.total} requests, dropped ${summary.requests.dropped}, outcomes ${JSON.stringify(summary.outcomes)}`);
    return {
      firstS: o.firstS,
      secondS: o.secondS,
      rssFirstMb: mb(first),
      rssSecondMb: mb(second),
      growthMb: mb(second - first),
      achieved,
      dropped: summary.requests.dropped,
      notOk: summary.requests.total - summary.outcomes.ok,
    };
  } finally {
    await server.close();
  }
}
