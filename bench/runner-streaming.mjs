// Figure (b): 2,000 concurrent SSE streams at one token every 50 ms each (40,000 token events/s)
// from a server with that known inter-token interval; client CPU per token event and the error
// of the run's median ITL against the true interval. See docs/benchmarks.md.
import { startChatServer } from './lib/chat-server-process.mjs';
import { measureWindow } from './lib/measure-window.mjs';
import { openaiProvider, startStampede } from './lib/stampede-process.mjs';

export const STREAMS = 2000;
export const INTERVAL_MS = 50;
export const ITL_ERROR_TARGET_MS = 1;
// 100 tokens = 5 s per stream; the users ramp in over one stream length, so stream ends are spread
// evenly and a user who starts the next stream leaves the count short for only a moment.
export const TOKENS_PER_STREAM = 100;
export const RAMP_S = (TOKENS_PER_STREAM * INTERVAL_MS) / 1000;

/** The scenario of figure (b); `streams` other than STREAMS only for bench/compare-runner-streaming.mjs. */
export function streamingScenario(baseUrl, holdSeconds, streams = STREAMS) {
  return `name: bench streaming
seed: 1
${openaiProvider(baseUrl, streams + 100)}resilience:
  timeouts: { ttft: 30s, total: 60s }
workload:
  stream: true
  mix:
    - { name: stream, promptTokens: 24, maxTokens: ${TOKENS_PER_STREAM} }
load:
  model: closed
  thinkTime: 0s
  maxInFlight: ${streams + 100}
  stages:
    - { name: ramp, for: ${RAMP_S}s, users: 1, rampTo: ${streams} }
    - { name: hold, for: ${holdSeconds}s, users: ${streams} }
thresholds:
  - itl.p50 < 60ms
  - errors.rate < 1%
`;
}

/** @param {{ windowMs: number, log: (line: string) => void }} o */
export async function benchRunnerStreaming(o) {
  const server = await startChatServer('sse', INTERVAL_MS);
  try {
    // Window: from one full stream length after the ramp (every user streaming, ends spread) to
    // the end of the hold, with a second to spare.
    const settleMs = TOKENS_PER_STREAM * INTERVAL_MS;
    const holdSeconds = Math.ceil((settleMs + o.windowMs) / 1000) + 1;
    const run = startStampede('streaming', streamingScenario(server.baseUrl, holdSeconds), RAMP_S + holdSeconds + 90);
    let w;
    try {
      w = await measureWindow({
        pid: run.pid,
        server,
        warmupMs: RAMP_S * 1000 + settleMs,
        windowMs: o.windowMs,
        startedWhen: (s) => s.tokenEvents > 0,
        atStart: () => server.resetOpen(),
      });
    } catch (error) {
      run.kill();
      throw error;
    }
    const { summary } = await run.finished;
    const serverEnd = await server.stats();
    const cpuPerEvent = w.cpuMicros / w.tokenEvents;
    const meanOpen = w.tokenEvents / Math.max(1, w.ticks);
    const eventsPerSecond = w.tokenEvents / w.seconds;
    const itlP50 = summary.itl.p50;
    const errors = ['rate_limited', 'server_error', 'client_error', 'timeout', 'network'].reduce((n, k) => n + (summary.outcomes[k] ?? 0), 0);
    const dropped = summary.requests.dropped;
    o.log(`  window ${w.seconds.toFixed(1)} s: ${w.tokenEvents} token events (${eventsPerSecond.toFixed(0)}/s), client CPU ${(w.cpuMicros / 1e4 / w.seconds).toFixed(0)}% of a core, server ${(w.serverCpuMicros / 1e4 / w.seconds).toFixed(0)}%`);
    o.log(`  streams open at each server tick: mean ${meanOpen.toFixed(0)}, min ${w.end.minOpen}, max ${w.end.maxOpen}; server ticks late ${w.end.lateTicks}, longest tick ${w.end.maxTickWorkMs.toFixed(1)} ms`);
    o.log(`  run: ${summary.requests.total} streams, outcomes ${JSON.stringify(summary.outcomes)}, dropped ${dropped}`);
    o.log(`  ITL p50 ${itlP50} ms, p95 ${summary.itl.p95} ms, p99 ${summary.itl.p99} ms (true interval ${INTERVAL_MS} ms); median gap the server actually wrote ${serverEnd.gapMedianMs?.toFixed(1)} ms over ${serverEnd.gaps} gaps`);
    const sustained = errors === 0 && dropped === 0 && meanOpen >= STREAMS * 0.99 && w.end.lateTicks === 0;
    return {
      cpuPerEventUs: cpuPerEvent,
      eventsPerSecond,
      meanOpen,
      minOpen: w.end.minOpen,
      errors,
      dropped,
      lateTicks: w.end.lateTicks,
      itlP50,
      itlErrorMs: itlP50 === null ? null : Math.abs(itlP50 - INTERVAL_MS),
      serverGapMedianMs: serverEnd.gapMedianMs,
      // Against the gaps the server really made: the client's own error, whatever the machine did to the server.
      itlVsServerMs: itlP50 === null || serverEnd.gapMedianMs === null ? null : Math.abs(itlP50 - serverEnd.gapMedianMs),
      sustained,
    };
  } finally {
    await server.close();
  }
}
