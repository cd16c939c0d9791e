// A loopback pass-through in front of the mock that adds up the `usage` of every response it
// forwards (streamed chunks or a whole JSON body), so a test can compare the tokens a client
// counted with what the server reported, independently of both.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface UsageTap {
  url: string;
  totals: { responses: number; ok: number; promptTokens: number; completionTokens: number };
  close(): Promise<void>;
}

function addUsage(text: string, totals: UsageTap['totals']): void {
  const bodies = text.includes('data:') ? text.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()) : [text];
  for (const body of bodies) {
    if (!body || body === '[DONE]') continue;
    try {
      const usage = (JSON.parse(body) as { usage?: { prompt_tokens?: number; completion_tokens?: number } | null }).usage;
      if (!usage) continue;
      totals.promptTokens += usage.prompt_tokens ?? 0;
      totals.completionTokens += usage.completion_tokens ?? 0;
    } catch {
      // Not JSON: an error page or a partial line of an aborted stream.
    }
  }
}

export async function startUsageTap(upstream: string): Promise<UsageTap> {
  const target = new URL(upstream);
  const totals = { responses: 0, ok: 0, promptTokens: 0, completionTokens: 0 };
  const server: Server = createServer((req, res) => {
    const up = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      const chunks: Buffer[] = [];
      upRes.on('data', (c: Buffer) => {
        chunks.push(c);
        res.write(c);
      });
      upRes.on('end', () => {
        if (!req.url?.endsWith('/chat/completions')) return void res.end();
        totals.responses++;
        if (upRes.statusCode === 200) totals.ok++;
        addUsage(Buffer.concat(chunks).toString('utf8'), totals);
        res.end();
      });
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    totals,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
