// Issue 11's nine echo-server cases (run by secrets-echo-*.test.ts, three per file so each file
// stays well inside the test runner's time limit): a server that echoes the secret back (in a URL, a header, a
// body, a long message cut by the error snippet, with HTML-special characters, JSON-escaped,
// URL-encoded, in a redirect, in a stream's error event) must leave no trace of the secret, nor
// of an 8-character prefix of it, in stdout, stderr, the results file, or the HTML, Markdown and
// JUnit reports.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { spawnCli, tempFolder } from '../../cli/run-cli';

type Echo = (req: IncomingMessage, res: ServerResponse, body: string) => void;

async function echoServer(echo: Echo): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests++;
      echo(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const json = (res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
};

interface Case {
  name: string;
  secret: string;
  provider: (url: string) => string;
  /** What the secret variable holds, when it is not the secret itself (a whole URL). */
  secretValue?: (url: string) => string;
  echo: Echo;
  /** More strings that must not appear (parts of a URL secret). */
  also?: (url: string) => string[];
}

const MIX = `workload:\n  stream: true\n  mix:\n    - { name: chat, weight: 1, promptTokens: 10, maxTokens: 3 }\n`;
const openai = (extra: string, baseUrl = '') => (url: string) => `  - id: api\n    type: openai\n    baseUrl: ${baseUrl || `${url}/v1`}\n    model: m\n${extra}`;

let redirects = 0;

export const CASES: Case[] = [
  {
    name: 'a whole URL from a secret, echoed in a 404',
    secret: 'CANARY01tokenValue42',
    secretValue: (url) => `${url}/v1/tenant-77/deployments?token=CANARY01tokenValue42`,
    provider: openai('', '${secret:TARGET_URL}'),
    echo: (req, res) => json(res, 404, { error: { message: `no route for ${req.url}` } }),
    also: () => ['/v1/tenant-77/deployments', 'tenant-77'],
  },
  {
    name: 'a key in the query string, echoed in a 401',
    secret: 'CANARY02queryKey9876',
    provider: openai('', '${env:ECHO_BASE}?api_key=${secret:K}'),
    echo: (req, res) => json(res, 401, { error: { message: `bad request url ${req.url}` } }),
  },
  {
    name: 'an apiKey echoed from the Authorization header',
    secret: 'CANARY03bearerKey-abcdef',
    provider: openai('    apiKey: ${secret:K}\n'),
    echo: (req, res) => json(res, 401, { error: { message: `Incorrect API key provided: ${req.headers.authorization}` } }),
  },
  {
    name: 'a custom header echoed in a raw JSON body',
    secret: 'CANARY04headerKey-zzzz',
    provider: openai('    headers: { x-api-key: "${secret:K}" }\n'),
    echo: (req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ headers: req.headers }));
    },
  },
  {
    name: 'a secret in an http body, echoed back',
    secret: 'CANARY05bodySecret-1234',
    provider: (url) => `  - id: api\n    type: http\n    url: ${url}/ask\n    body: { question: "{{prompt}}", key: "\${secret:K}" }\n`,
    echo: (_req, res, body) => json(res, 400, { error: { message: `rejected body ${body}` } }),
  },
  {
    name: 'a long message that the 120-character snippet cuts in the middle of the key',
    secret: 'CANARY06sk_live_0123456789abcdefghijklmnopqrstuvwxyz',
    provider: openai('    apiKey: ${secret:K}\n'),
    echo: (req, res) => json(res, 500, { error: { message: `${'x'.repeat(100)} ${String(req.headers.authorization).slice(7)}` } }),
  },
  {
    name: 'a secret with HTML-special characters',
    secret: `CANARY07&<'">tail-0042`,
    provider: openai('    apiKey: ${secret:K}\n'),
    echo: (req, res) => json(res, 403, { error: { message: `key ${String(req.headers.authorization).slice(7)} is not allowed` } }),
  },
  {
    name: 'a secret echoed JSON-escaped and URL-encoded',
    secret: 'CANARY08 "quoted"\\slash/plus+',
    provider: openai('    apiKey: ${secret:K}\n'),
    echo: (req, res) => {
      const key = String(req.headers.authorization).slice(7);
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`escaped=${JSON.stringify(key)} encoded=${encodeURIComponent(key)}`);
    },
  },
  {
    name: 'a secret in a redirect and in a stream error event',
    secret: 'CANARY09redirectKey-5555',
    provider: openai('    apiKey: ${secret:K}\n'),
    echo: (req, res) => {
      const key = String(req.headers.authorization).slice(7);
      redirects++;
      if (redirects % 2 === 0) {
        res.writeHead(302, { location: `https://login.example.invalid/?k=${encodeURIComponent(key)}&raw=${key}` });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`event: error\ndata: ${JSON.stringify({ error: { message: `token ${key} expired`, type: 'invalid_request_error' } })}\n\n`);
    },
  },
];

function forms(secret: string): string[] {
  const html = secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  const encoded = [secret, JSON.stringify(secret).slice(1, -1), html, encodeURIComponent(secret)];
  return [...new Set(encoded.flatMap((f) => [f, f.slice(0, 8)]))];
}

export async function runCase(c: Case): Promise<void> {
  const server = await echoServer(c.echo);
  const tmp = tempFolder();
  try {
    const file = tmp.file(
      'echo.stampede.yaml',
      `name: echo\nproviders:\n${c.provider(server.url)}${MIX}load:\n  model: open\n  arrival: uniform\n  stages:\n    - { for: 2s, rate: 4/s }\nresilience:\n  timeouts: { ttft: 2s, total: 3s }\nthresholds:\n  - errors.rate < 50%\n`,
    );
    const secretValue = c.secretValue ? c.secretValue(server.url) : c.secret;
    const run = spawnCli(['run', file, '--json', 'r.json', '--md', 'r.md', '--junit', 'r.xml'], {
      cwd: tmp.dir,
      env: { STAMPEDE_SECRET_K: secretValue, STAMPEDE_SECRET_TARGET_URL: secretValue, ECHO_BASE: `${server.url}/v1` },
    });
    const { code } = await run.exit;
    assert.equal(code, 1, `${c.name}: ${run.stdout()}${run.stderr()}`);
    assert.ok(server.requests() > 0, 'the server was reached');
    const outputs: Record<string, string> = {
      stdout: run.stdout(),
      stderr: run.stderr(),
      results: readFileSync(join(tmp.dir, 'r.json'), 'utf8'),
      html: readFileSync(join(tmp.dir, 'r.html'), 'utf8'),
      markdown: readFileSync(join(tmp.dir, 'r.md'), 'utf8'),
      junit: readFileSync(join(tmp.dir, 'r.xml'), 'utf8'),
    };
    JSON.parse(outputs.results);
    const needles = [...forms(c.secret), ...(c.secretValue ? forms(secretValue) : []), ...(c.also?.(server.url) ?? [])];
    for (const [where, text] of Object.entries(outputs)) {
      for (const needle of needles) assert.ok(!text.includes(needle), `${c.name}: ${JSON.stringify(needle)} found in ${where}:\n${text.slice(Math.max(0, text.indexOf(needle) - 200), text.indexOf(needle) + 200)}`);
    }
  } finally {
    tmp.remove();
    await server.close();
  }
}

