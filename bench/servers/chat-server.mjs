// A minimal OpenAI-style chat-completions server for the runner benchmarks, meant to run in its
// own process (started with child_process.fork) so its CPU never counts against the client.
//   node bench/servers/chat-server.mjs json   fixed small chat.completion JSON with usage
//   node bench/servers/chat-server.mjs sse    SSE stream, one content token per tick for every
//                                             open stream, `max_tokens` tokens per stream
// It listens on 127.0.0.1:0, sends { type: 'listening', port } to the parent, and answers
// { type: 'stats' } with its counters. It exits when the parent disconnects, so an orphan
// cannot outlive the benchmark.
import { createServer } from 'node:http';

const mode = process.argv[2] === 'sse' ? 'sse' : 'json';
const TICK_MS = Number(process.argv[3] ?? '50');
const DEFAULT_TOKENS = 200;

const JSON_BODY = Buffer.from(
  JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 1700000000,
    model: 'bench-model',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Queues grow when arrivals outpace service.' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 24, completion_tokens: 8, total_tokens: 32 },
  }),
);
const JSON_HEADERS = { 'content-type': 'application/json', 'content-length': String(JSON_BODY.length) };
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };

const chunk = (delta, finish) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1700000000, model: 'bench-model', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const FIRST_CHUNK = chunk({ role: 'assistant', content: ' tok' }, null);
const TOKEN_CHUNK = chunk({ content: ' tok' }, null);
// Token events go straight to the socket already framed as HTTP/1.1 chunks: the same bytes
// ServerResponse.write would produce, without its per-call work. The response itself still
// writes the headers and, via end(), the last chunk and the terminator.
const framed = (text) => Buffer.from(`${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`);
const FIRST_FRAME = framed(FIRST_CHUNK);
const TOKEN_FRAME = framed(TOKEN_CHUNK);
const usageTail = (n) =>
  chunk({}, 'stop') +
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1700000000, model: 'bench-model', choices: [], usage: { prompt_tokens: 24, completion_tokens: n, total_tokens: 24 + n } })}\n\n` +
  'data: [DONE]\n\n';

// Gaps between consecutive token writes of each stream, as the server actually made them, in
// 0.1 ms buckets up to 2 s: when the machine delays a tick, the true interval is what was sent.
const GAP_BUCKET_MS = 0.1;
const gapCounts = new Uint32Array(20_001);
let gapTotal = 0;
function recordGap(ms) {
  gapCounts[Math.min(gapCounts.length - 1, Math.round(ms / GAP_BUCKET_MS))] += 1;
  gapTotal += 1;
}
function gapMedianMs() {
  let seen = 0;
  for (let i = 0; i < gapCounts.length; i += 1) {
    seen += gapCounts[i];
    if (seen * 2 >= gapTotal && gapTotal > 0) return i * GAP_BUCKET_MS;
  }
  return null;
}

const stats = { drops: 0, connections: 0, peakConnections: 0, completed: 0, tokenEvents: 0, openStreams: 0, minOpen: Infinity, maxOpen: 0, ticks: 0, lateTicks: 0, maxTickWorkMs: 0 };

/** Streams in flight: response, tokens still to send, tokens sent. */
const streams = new Set();

function maxTokensOf(body) {
  const m = /"max_tokens"\s*:\s*(\d+)/.exec(body);
  return m ? Math.max(1, Number(m[1])) : DEFAULT_TOKENS;
}

const server = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (d) => {
    if (mode === 'sse') body += d;
  });
  req.on('end', () => {
    if (mode === 'json') {
      res.writeHead(200, JSON_HEADERS);
      res.end(JSON_BODY);
      stats.completed += 1;
      return;
    }
    res.writeHead(200, SSE_HEADERS);
    res.flushHeaders();
    const s = { res, socket: res.socket, left: maxTokensOf(body), sent: 0, lastAt: 0 };
    streams.add(s);
    res.on('close', () => streams.delete(s));
  });
});
server.keepAliveTimeout = 120_000;
server.headersTimeout = 130_000;
server.maxConnections = Number(process.env.BENCH_SERVER_MAX_CONNECTIONS ?? 10_000);
server.on('drop', () => (stats.drops += 1));
server.on('connection', (socket) => {
  stats.connections += 1;
  if (stats.connections > stats.peakConnections) stats.peakConnections = stats.connections;
  socket.on('close', () => (stats.connections -= 1));
});

// One timer for all streams, on a fixed schedule (tick k at start + k * TICK_MS) so the true
// inter-token interval stays TICK_MS on average however long each tick's writes take.
let tickTimer;
if (mode === 'sse') {
  const start = performance.now();
  let k = 0;
  const tick = () => {
    const began = performance.now();
    const open = streams.size;
    stats.openStreams = open;
    if (open < stats.minOpen) stats.minOpen = open;
    if (open > stats.maxOpen) stats.maxOpen = open;
    for (const s of streams) {
      const now = performance.now();
      if (s.sent > 0) recordGap(now - s.lastAt);
      s.lastAt = now;
      s.sent += 1;
      s.left -= 1;
      stats.tokenEvents += 1;
      if (s.left <= 0) {
        streams.delete(s);
        s.res.end((s.sent === 1 ? FIRST_CHUNK : TOKEN_CHUNK) + usageTail(s.sent));
        stats.completed += 1;
      } else {
        s.socket.write(s.sent === 1 ? FIRST_FRAME : TOKEN_FRAME);
      }
    }
    stats.ticks += 1;
    const work = performance.now() - began;
    if (work > stats.maxTickWorkMs) stats.maxTickWorkMs = work;
    k += 1;
    let next = start + k * TICK_MS;
    const now = performance.now();
    if (next < now) {
      stats.lateTicks += 1;
      // Behind by more than a tick: skip ahead rather than burst, so gaps never shrink below TICK_MS.
      while (next < now) {
        k += 1;
        next = start + k * TICK_MS;
      }
    }
    tickTimer = setTimeout(tick, next - now);
  };
  tickTimer = setTimeout(tick, TICK_MS);
}

process.on('message', (msg) => {
  if (msg?.type === 'stats') {
    process.send({ type: 'stats', id: msg.id, stats: { ...stats, openStreams: streams.size, minOpen: Number.isFinite(stats.minOpen) ? stats.minOpen : 0, gapMedianMs: gapMedianMs(), gaps: gapTotal } });
  } else if (msg?.type === 'reset-open') {
    stats.minOpen = Infinity;
    stats.maxOpen = 0;
    stats.lateTicks = 0;
    stats.maxTickWorkMs = 0;
  }
});
const quit = () => {
  clearTimeout(tickTimer);
  for (const s of streams) s.res.destroy();
  server.close();
  server.closeAllConnections?.();
  process.exit(0);
};
process.on('disconnect', quit);
process.on('SIGTERM', quit);

server.listen(0, '127.0.0.1', () => {
  process.send({ type: 'listening', port: server.address().port });
});
