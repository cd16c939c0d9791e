// A small scripted upstream for the proxy's tests: real node:http on 127.0.0.1 port 0.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedUpstream {
  url: string;
  /** Requests received, by path. */
  seen: Array<{ method: string; path: string; headers: IncomingMessage['headers']; body: string }>;
  /** Requests whose client went away before the response ended. */
  disconnects: number;
  /** Ends the response held by /hold. */
  release(): void;
  close(): Promise<void>;
}

export const SSE_EVENTS = Array.from({ length: 10 }, (_, i) => `data: {"choices":[{"delta":{"content":"t${i}"}}]}\n\n`).concat('data: [DONE]\n\n');

export async function startScriptedUpstream(): Promise<ScriptedUpstream> {
  let held: ServerResponse | null = null;
  const upstream: ScriptedUpstream = {
    url: '',
    seen: [],
    disconnects: 0,
    release: () => {
      held?.end('data: second\n\n');
      held = null;
    },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      const path = req.url ?? '/';
      const route = path.split('?')[0]!;
      upstream.seen.push({ method: req.method ?? '', path, headers: req.headers, body });
      res.on('close', () => {
        if (!res.writableFinished) upstream.disconnects++;
      });
      if (route.endsWith('/echo')) {
        const text = JSON.stringify({ method: req.method, path, headers: req.headers, body });
        res.writeHead(201, { 'content-type': 'application/json', 'x-upstream': 'yes', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      } else if (route.endsWith('/sse')) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        res.end(SSE_EVENTS.join(''));
      } else if (route.endsWith('/hold')) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: first\n\n');
        held = res;
      } else if (route.endsWith('/forever')) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: tick\n\n');
      } else {
        const text = '{"id":"x","choices":[{"message":{"role":"assistant","content":"hi"}}]}';
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  upstream.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return upstream;
}
