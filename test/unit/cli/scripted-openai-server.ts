// A tiny OpenAI-compatible server with fixed delays, on 127.0.0.1 port 0, for CLI tests.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedServer {
  url: string;
  requests: number;
  headers: IncomingHttpHeaders[];
  close(): Promise<void>;
}

export async function startScriptedServer(options: { ttftMs?: number; tokens?: number; itlMs?: number; status?: number } = {}): Promise<ScriptedServer> {
  const ttftMs = options.ttftMs ?? 5;
  const tokens = options.tokens ?? 5;
  const itlMs = options.itlMs ?? 2;
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const state: ScriptedServer = { url: '', requests: 0, headers: [], close: async () => {} };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.requests += 1;
      if (state.headers.length < 50) state.headers.push(req.headers);
      if (options.status && options.status !== 200) {
        res.writeHead(options.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'scripted failure' } }));
        return;
      }
      let body: { stream?: boolean } = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        // An unparsable body is answered like any other: the tests check the client, not us.
      }
      const usage = { prompt_tokens: 10, completion_tokens: tokens, total_tokens: 10 + tokens };
      if (!body.stream) {
        later(ttftMs, () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'ok '.repeat(tokens) }, finish_reason: 'stop' }], usage }));
        });
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
      let i = 0;
      const next = () => {
        if (res.destroyed) return;
        if (i < tokens) {
          send({ id: 'x', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'tok ' }, finish_reason: null }] });
          i += 1;
          later(itlMs, next);
          return;
        }
        send({ id: 'x', object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
        send({ id: 'x', object: 'chat.completion.chunk', choices: [], usage });
        res.end('data: [DONE]\n\n');
      };
      later(ttftMs, next);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
