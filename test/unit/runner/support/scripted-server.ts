// Small node:http servers with scripted behaviour, bound to 127.0.0.1 on port 0.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ScriptedServer {
  url: string;
  port: number;
  requests: number;
  closes: number;
  /** Connections accepted in all, and the most open at once. */
  connections: number;
  peakConnections: number;
  close(): Promise<void>;
}

export type Script = (req: IncomingMessage, res: ServerResponse, body: string, n: number) => void;

export async function startScriptedServer(script: Script): Promise<ScriptedServer> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const state = { requests: 0, closes: 0, connections: 0, peakConnections: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = state.requests++;
      res.on('close', () => {
        if (!res.writableFinished) state.closes++;
      });
      script(req, res, Buffer.concat(chunks).toString('utf8'), n);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    state.connections++;
    state.peakConnections = Math.max(state.peakConnections, sockets.size);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  (server as Server & { timers?: Set<NodeJS.Timeout> }).timers = timers;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get requests() {
      return state.requests;
    },
    get closes() {
      return state.closes;
    },
    get connections() {
      return state.connections;
    },
    get peakConnections() {
      return state.peakConnections;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function chunk(content: string): string {
  return `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
}

export function finishChunk(): string {
  return `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`;
}

export function usageChunk(prompt: number, completion: number, cached = 0): string {
  return `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: { cached_tokens: cached } } })}\n\n`;
}

/** Streams `tokens` content chunks: the first after firstMs, then one every gapMs; ends with
 * finish, usage and [DONE]. Stops writing when the client goes away. */
export function streamTokens(res: ServerResponse, tokens: number, firstMs: number, gapMs: number, opts: { usage?: boolean } = {}): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] })}\n\n`);
  let sent = 0;
  let timer: NodeJS.Timeout | null = null;
  const step = () => {
    if (res.destroyed) return;
    res.write(chunk(`tok${sent} `));
    sent++;
    if (sent < tokens) timer = setTimeout(step, gapMs);
    else {
      res.write(finishChunk());
      if (opts.usage !== false) res.write(usageChunk(20, tokens, 4));
      res.end('data: [DONE]\n\n');
    }
  };
  timer = setTimeout(step, firstMs);
  res.on('close', () => {
    if (timer) clearTimeout(timer);
  });
}

export function jsonCompletion(res: ServerResponse, content = 'hello world', status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage: { prompt_tokens: 20, completion_tokens: 3, total_tokens: 23 } }));
}
