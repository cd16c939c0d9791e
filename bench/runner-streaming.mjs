// Figure (b): N concurrent SSE streams at one token every INTERVAL ms each from a server with
// that known inter-token interval; client CPU per token event and the error of the run's median
// ITL against the true interval and against the gaps the server really wrote. The default row is
// 2,000 streams × 20 tokens/s (40,000 token events/s); the full run adds 5,000 and 10,000 streams
// at 5 tokens/s (issue 18). See docs/benchmarks.md.
import { join } from 'node:path';
import { startChatServer } from './lib/chat-server-process.mjs';
import { measureClientProcess, measureWindow } from './lib/measure-window.mjs';
import { openaiProvider, repoRoot, startStampede } from './lib/stampede-process.mjs';

export const STREAMS = 2000;
export const INTERVAL_MS = 50;
export const ITL_ERROR_TARGET_MS = 1;
// 100 tokens = 5 s per stream; the users ramp in over one stream length, so stream ends are spread
// evenly and a user who starts the next stream leaves the count short for only a moment.
export const TOKENS_PER_STREAM = 100;
export const RAMP_S = (TOKENS_PER_STREAM * INTERVAL_MS) / 1000;

/** One row of figure (b): streams × one token every intervalMs, `tokens` tokens per stream. */
export const DEFAULT_SHAPE = { streams: STREAMS, intervalMs: INTERVAL_MS, tokens: TOKENS_PER_STREAM };
/** The rows of the full run: today's default, then long-lived slow streams (5 tokens/s). */
export const FULL_RUN_SHAPES = [DEFAULT_SHAPE, { streams: 5000, intervalMs: 200, tokens: 50 }, { streams: 10_000, intervalMs: 200, tokens: 50 }];

/** "10000x200x50" (streams x interval ms x tokens per stream) → a shape; throws on anything else. */
export function parseShape(text) {
  const m = /^(\d+)x(\d+)x(\d+)$/.exec(text.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1 || Number(m[3]) < 2) throw new Error(`bench: a streaming shape is STREAMSxINTERVAL_MSxTOKENS (e.g. 10000x200x50), not '${text}'`);
  return { streams: Number(m[1]), intervalMs: Number(m[2]), tokens: Number(m[3]) };
}

/** Seconds the users take to ramp in: one stream length, so stream ends are spread evenly. */
export function rampSecondsOf(shape) {
  return Math.ceil((shape.tokens * shape.intervalMs) / 1000);
}

/** "10,000 streams × 5 tokens/s" */
export function describeShape(shape) {
  return `${shape.streams.toLocaleString('en-US')} streams × ${+(1000 / shape.intervalMs).toFixed(2)} tokens/s (${shape.tokens} tokens each)`;
}

/** The scenario language's cap on a provider's connections (media/stampede.schema.json): 10,000
 * streams get exactly their own, each reused (the runner waits for undici to release it). */
const MAX_CONNECTIONS = 10_000;

/** The scenario of figure (b); `streams` other than STREAMS only for bench/compare-runner-streaming.mjs. */
export function streamingScenario(baseUrl, holdSeconds, streams = STREAMS, shape = { ...DEFAULT_SHAPE, streams }) {
  const rampS = rampSecondsOf(shape);
  return `name: bench streaming
seed: 1
${openaiProvider(baseUrl, Math.min(streams + 100, MAX_CONNECTIONS))}resilience:
  timeouts: { ttft: 30s, total: ${Math.max(60, rampS * 3)}s }
workload:
  stream: true
  mix:
    - { name: stream, promptTokens: 24, maxTokens: ${shape.tokens} }
load:
  model: closed
  thinkTime: 0s
  maxInFlight: ${streams + 100}
  stages:
    - { name: ramp, for: ${rampS}s, users: 1, rampTo: ${streams} }
    - { name: hold, for: ${holdSeconds}s, users: ${streams} }
thresholds:
  - itl.p50 < ${Math.round(shape.intervalMs * 1.2)}ms
  - errors.rate < 1%
`;
}

/** @param {{ windowMs: number, log: (line: string) => void, shape?: { streams: number, intervalMs: number, tokens: number } }} o */
export async function benchRunnerStreaming(o) {
  const shape = o.shape ?? DEFAULT_SHAPE;
  const rampS = rampSecondsOf(shape);
  const server = await startChatServer('sse', shape.intervalMs);
  try {
    // Window: from one full stream length after the ramp (every user streaming, ends spread) to
    // the end of the hold, with a second to spare.
    const settleMs = shape.tokens * shape.intervalMs;
    const holdSeconds = Math.ceil((settleMs + o.windowMs) / 1000) + 1;
    const run = startStampede('streaming', streamingScenario(server.baseUrl, holdSeconds, shape.streams, shape), rampS + holdSeconds + 90);
    let w;
    try {
      w = await measureWindow({
        pid: run.pid,
        clientFinished: run.finished,
        server,
        warmupMs: rampS * 1000 + settleMs,
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
    o.log(`  ITL p50 ${itlP50} ms, p95 ${summary.itl.p95} ms, p99 ${summary.itl.p99} ms (true interval ${shape.intervalMs} ms); median gap the server actually wrote ${serverEnd.gapMedianMs?.toFixed(1)} ms over ${serverEnd.gaps} gaps`);
    const network = summary.networkErrors ?? [];
    if (network.length > 0) o.log(`  network outcomes by code and phase: ${network.map((e) => `${e.code || 'no code'} ${e.phase} ×${e.count}`).join(', ')}`);
    for (const f of summary.clientLimits ?? []) o.log(`  client limit: ${f.message}`);
    o.log(`  server: at most ${serverEnd.peakConnections ?? '?'} connections open at once, ${serverEnd.drops ?? '?'} dropped at its cap; client wait p99 ${summary.clientWait?.p99 ?? '?'} ms`);
    const sustained = errors === 0 && dropped === 0 && meanOpen >= shape.streams * 0.99 && w.end.lateTicks === 0;
    return {
      cpuPerEventUs: cpuPerEvent,
      eventsPerSecond,
      clientCpuPercent: w.cpuMicros / 1e4 / w.seconds,
      meanOpen,
      minOpen: w.end.minOpen,
      errors,
      dropped,
      lateTicks: w.end.lateTicks,
      itlP50,
      itlErrorMs: itlP50 === null ? null : Math.abs(itlP50 - shape.intervalMs),
      serverGapMedianMs: serverEnd.gapMedianMs,
      // Against the gaps the server really made: the client's own error, whatever the machine did to the server.
      itlVsServerMs: itlP50 === null || serverEnd.gapMedianMs === null ? null : Math.abs(itlP50 - serverEnd.gapMedianMs),
      sustained,
      peakConnections: serverEnd.peakConnections,
    };
  } finally {
    await server.close();
  }
}

/** The floors under the runner's CPU per token event (bench/clients/). */
export const FLOOR_CLIENTS = {
  undici: { script: 'undici-floor.mjs', label: 'undici alone' },
  net: { script: 'net-floor.mjs', label: 'node:net alone' },
};

/**
 * The same shape through a floor client, ramped in the same way and measured over the same kind
 * of window: `undici` (a Pool with one connection per stream, a handler that only keeps the body:
 * no SSE parsing, no timestamps, no metrics) or `net` (sockets alone, no HTTP parsing). They
 * are the floor under the runner's CPU per token event on this machine today, so the runner's
 * figure reads as a ratio to them.
 * @param {{ windowMs: number, client: 'undici' | 'net', shape: { streams: number, intervalMs: number, tokens: number } }} o
 */
export async function benchFloorStreaming(o) {
  const { shape } = o;
  const { script, label } = FLOOR_CLIENTS[o.client];
  const rampS = rampSecondsOf(shape);
  const settleMs = shape.tokens * shape.intervalMs;
  const server = await startChatServer('sse', shape.intervalMs);
  try {
    const body = JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'Explain why queues grow.' }], max_tokens: shape.tokens, stream: true, stream_options: { include_usage: true } });
    const seconds = rampS + Math.ceil((settleMs + o.windowMs) / 1000) + 2;
    const args = [join(repoRoot, 'bench', 'clients', script), `${server.baseUrl}/v1/chat/completions`, String(shape.streams), String(seconds), body, String(rampS)];
    const w = await measureClientProcess({ server, name: `${label} (streaming)`, args, warmupMs: rampS * 1000 + settleMs, windowMs: o.windowMs, startedWhen: (s) => s.tokenEvents > 0, atStart: () => server.resetOpen() });
    return { cpuPerEventUs: w.cpuMicros / w.tokenEvents, clientCpuPercent: w.cpuMicros / 1e4 / w.seconds, meanOpen: w.tokenEvents / Math.max(1, w.ticks), minOpen: w.end.minOpen, lateTicks: w.end.lateTicks };
  } finally {
    await server.close();
  }
}
