// Figure (a): client CPU per non-streaming request at saturation, `stampede run` next to
// autocannon, both in their own process against the same minimal server with 64 connections,
// measured over the same window. See docs/benchmarks.md.
import { join } from 'node:path';
import { startChatServer } from './lib/chat-server-process.mjs';
import { measureClientProcess, measureWindow } from './lib/measure-window.mjs';
import { openaiProvider, repoRoot, startStampede } from './lib/stampede-process.mjs';

export const CONNECTIONS = 64;
export const RATIO_TARGET = 1.2;

// About the size of what the runner sends for the scenario below (a 24-token prompt).
const AUTOCANNON_BODY = JSON.stringify({
  model: 'bench-model',
  messages: [{ role: 'user', content: 'Explain in one sentence why queues grow when arrivals outpace the service rate of a server.' }],
  max_tokens: 8,
  stream: false,
});

export function stampedeScenario(baseUrl, seconds) {
  return `name: bench cpu per request
seed: 1
${openaiProvider(baseUrl, CONNECTIONS)}workload:
  stream: false
  mix:
    - { name: short, promptTokens: 24, maxTokens: 8 }
load:
  model: closed
  thinkTime: 0s
  maxInFlight: ${CONNECTIONS}
  stages:
    - { name: saturation, for: ${seconds}s, users: ${CONNECTIONS} }
thresholds:
  - e2e.p95 < 5s
  - errors.rate < 1%
  - cost.total < $10
`;
}

/** Runs a client script in its own process for the window plus margins; measures it like stampede. */
async function clientOnce(server, name, args, warmupMs, windowMs) {
  const before = (await server.stats()).completed;
  return measureClientProcess({ server, name, args, warmupMs, windowMs, startedWhen: (s) => s.completed > before });
}

const clientSeconds = (warmupMs, windowMs) => Math.ceil((warmupMs + windowMs) / 1000) + 2;

const autocannonOnce = (server, warmupMs, windowMs) =>
  clientOnce(
    server,
    'autocannon',
    [join(repoRoot, 'node_modules', 'autocannon', 'autocannon.js'), '-c', String(CONNECTIONS), '-p', '1', '-d', String(clientSeconds(warmupMs, windowMs)), '-n',
      '-m', 'POST', '-H', 'content-type=application/json', '-b', AUTOCANNON_BODY, `${server.baseUrl}/v1/chat/completions`],
    warmupMs,
    windowMs,
  );

const undiciOnce = (server, warmupMs, windowMs) =>
  clientOnce(
    server,
    'undici floor',
    [join(repoRoot, 'bench', 'clients', 'undici-floor.mjs'), `${server.baseUrl}/v1/chat/completions`, String(CONNECTIONS), String(clientSeconds(warmupMs, windowMs)), AUTOCANNON_BODY],
    warmupMs,
    windowMs,
  );

async function stampedeOnce(server, warmupMs, windowMs) {
  const seconds = Math.ceil((warmupMs + windowMs) / 1000) + 3;
  const before = (await server.stats()).completed;
  const run = startStampede('cpu', stampedeScenario(server.baseUrl, seconds), seconds + 60);
  let w;
  try {
    w = await measureWindow({ pid: run.pid, clientFinished: run.finished, server, warmupMs, windowMs, startedWhen: (s) => s.completed > before });
  } catch (error) {
    run.kill();
    throw error;
  }
  const { summary } = await run.finished;
  const errors = summary.requests.total - summary.outcomes.ok;
  if (errors > 0) throw new Error(`stampede run (cpu) had ${errors} requests that were not ok: ${JSON.stringify(summary.outcomes)}`);
  return w;
}

const perRequest = (w) => w.cpuMicros / w.completed;

/** @param {{ windowMs: number, warmupMs: number, reps: number, log: (line: string) => void }} o */
export async function benchRunnerCpu(o) {
  const server = await startChatServer('json');
  try {
    const ac = [];
    const un = [];
    const st = [];
    const line = (rep, name, w) =>
      o.log(`  rep ${rep} ${name.padEnd(12)} ${perRequest(w).toFixed(1).padStart(7)} CPU-µs/request  ${(w.completed / w.seconds).toFixed(0).padStart(6)} req/s  (client CPU ${(w.cpuMicros / 1e4 / w.seconds).toFixed(0)}% of a core, server ${(w.serverCpuMicros / 1e4 / w.seconds).toFixed(0)}%)`);
    for (let rep = 1; rep <= o.reps; rep += 1) {
      const a = await autocannonOnce(server, o.warmupMs, o.windowMs);
      ac.push(a);
      line(rep, 'autocannon', a);
      const u = await undiciOnce(server, o.warmupMs, o.windowMs);
      un.push(u);
      line(rep, 'undici floor', u);
      const s = await stampedeOnce(server, o.warmupMs, o.windowMs);
      st.push(s);
      line(rep, 'stampede', s);
    }
    // The lowest of the repetitions: noise from other processes only ever adds CPU time.
    const best = (ws) => Math.min(...ws.map(perRequest));
    const bestAc = best(ac);
    const bestSt = best(st);
    return {
      autocannonUs: bestAc,
      undiciUs: best(un),
      stampedeUs: bestSt,
      ratio: bestSt / bestAc,
      autocannonRate: Math.max(...ac.map((w) => w.completed / w.seconds)),
      stampedeRate: Math.max(...st.map((w) => w.completed / w.seconds)),
    };
  } finally {
    await server.close();
  }
}
