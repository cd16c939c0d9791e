// Every hostile input of issue 11 through the built CLI (dist/cli.js), with the wall time and the
// peak memory (VmHWM) of each `validate` or `run`, and the exit code. The bounds the issue sets
// are 2 GB and 20 s; the never-answering and trickling servers wait for the default 10 s TTFT
// timeout after their 2 s shape.
//   npm run build && node bench/hostile-inputs.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir, loadavg } from 'node:os';
import { join, resolve } from 'node:path';

const CLI = resolve(import.meta.dirname, '..', 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'stampede-hostile-'));
const sockets = new Set();
// The echo case's secret: no 8 characters of it may show in stdout, stderr or any report.
const SECRET = 'sk_live_CANARY-0123456789abcdef';
const LEAK = /sk_live_|CANARY/;
const reports = (args) => (args.includes('--md') ? ['e.md', 'e.xml', 'echo.json', 'echo.html'] : []).map((f) => { try { return readFileSync(join(dir, f), 'utf8'); } catch { return ''; } }).join('');
const servers = [];

async function listen(server) {
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return `http://127.0.0.1:${server.address().port}`;
}

function http(handler) {
  const s = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  s.on('connection', (c) => sockets.add(c));
  return listen(s);
}

function peak(pid) {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

function cli(args, env = {}) {
  return new Promise((done) => {
    const started = Date.now();
    const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    let max = 0;
    const poll = setInterval(() => (max = Math.max(max, peak(child.pid))), 50);
    const limit = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      clearTimeout(limit);
      const verdict = (/Verdict: .*/.exec(out) ?? /error: .*|stampede run: .*|stampede proxy: .*/.exec(out))?.[0] ?? out.trim().split('\n').pop() ?? '';
      done({ code: code ?? signal, seconds: (Date.now() - started) / 1000, rss: max, verdict, leaked: LEAK.test(out + reports(args)) });
    });
  });
}

const file = (name, text) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

function scenario({ url, name = 'hostile', provider = '', extra = '', load = '  stages: [{ for: 2s, rate: 5/s }]', stream = true, thresholds = ['ttft.p95 < 5s', 'e2e.p95 < 10s', 'errors.rate < 50%'] }) {
  return `name: ${name}
providers:
  - id: api
    type: openai
    baseUrl: ${url}/v1
    model: m
${provider}workload:
  stream: ${stream}
  mix: [{ name: chat, promptTokens: 20, maxTokens: 5 }]
load:
${load}
${extra}thresholds: ${JSON.stringify(thresholds)}
`;
}

const MOCK = `name: hostile\nproviders: [{ id: m, type: mock, profile: instant }]\nworkload:\n  mix: [{ name: chat, promptTokens: 20, maxTokens: 5 }]\n`;

const silent = createNetServer((s) => {
  sockets.add(s);
  s.on('error', () => {});
  s.resume();
});
const silentUrl = await listen(silent);
const trickle = createNetServer((s) => {
  sockets.add(s);
  s.on('error', () => {});
  s.once('data', () => {
    s.write('HTTP/1.1 200 OK\r\n');
    let n = 0;
    const t = setInterval(() => (s.destroyed || n++ > 600 ? clearInterval(t) : s.write(`x-t-${n}: aaaa\r\n`)), 100);
  });
});
const trickleUrl = await listen(trickle);
const garbageUrl = await http((_q, res) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.end('data: {not json at all\n\ndata: [DONE]\n\n');
});
const limitedUrl = (header) =>
  http((_q, res) => {
    res.writeHead(429, { 'retry-after': header, 'content-type': 'application/json' });
    res.end('{"error":{"message":"slow down"}}');
  });
const aaaaUrl = await http((_q, res) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.end(`data: ${'A'.repeat(20 * 1024 * 1024)}\n\ndata: [DONE]\n\n`);
});
const endlessUrl = await http((_q, res) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write('data: ');
  const block = Buffer.alloc(64 * 1024, 'B');
  let sent = 0;
  const more = () => {
    while (sent < 512 * 1024 * 1024 && !res.destroyed) {
      sent += block.length;
      if (!res.write(block)) return void res.once('drain', more);
    }
    if (!res.destroyed) res.end();
  };
  more();
});
const echoUrl = await http((req, res) => {
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { message: `${'x'.repeat(100)} no route for ${req.url} key ${String(req.headers.authorization).slice(7)} ${SECRET.replace(/_/g, '&<')}` } }));
});
const metricsUrl = await http((_q, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(`vllm:num_requests_waiting{model="${'a'.repeat(40)}!"} 3\n`);
});
const bomUrl = await http((_q, res) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write(Buffer.from([0xef, 0xbb, 0xbf]));
  res.end(`data: ${JSON.stringify({ choices: [{ delta: { content: 'hi' } }] })}\n\ndata: [DONE]\n\n`);
});

const stages = (n) => `  stages:\n${Array.from({ length: n }, () => '    - { for: 1ms, rate: 1/s }').join('\n')}`;
const cases = [
  ['a never-answering endpoint (default 10 s TTFT timeout)', ['run', file('never.yaml', scenario({ url: silentUrl }))]],
  ['a server that trickles its headers (default timeouts)', ['run', file('trickle.yaml', scenario({ url: trickleUrl }))]],
  ['429 with retry-after: 3600', ['run', file('ra.yaml', scenario({ url: await limitedUrl('3600'), extra: 'resilience:\n  retries: { max: 3 }\n' }))]],
  ['429 with retry-after in 2099', ['run', file('ra2099.yaml', scenario({ url: await limitedUrl('Thu, 01 Jan 2099 00:00:00 GMT'), extra: 'resilience:\n  retries: { max: 3 }\n' }))]],
  ['garbage SSE then [DONE]', ['run', file('garbage.yaml', scenario({ url: garbageUrl }))]],
  ['20 MB of data: AAAA… to an http target', ['run', file('aaaa.yaml', `name: h\nproviders:\n  - { id: f, type: http, url: "${aaaaUrl}/s", response: sse, contentPointer: /t, body: { q: "{{prompt}}" } }\nworkload:\n  mix: [{ name: a, promptTokens: 5 }]\nload:\n  stages: [{ for: 2s, rate: 2/s }]\nthresholds: ["errors.rate < 50%"]\n`)]],
  ['an endless SSE line over 4 streams', ['run', file('endless.yaml', scenario({ url: endlessUrl, load: '  stages: [{ for: 1s, rate: 4/s }]' }))]],
  ['secrets echoed (URL, key, snippet, HTML characters)', ['run', file('echo.yaml', scenario({ url: echoUrl, provider: '    apiKey: ${secret:K}\n' })), '--json', 'echo.json', '--md', 'e.md', '--junit', 'e.xml'], { STAMPEDE_SECRET_K: SECRET }],
  ['monitor regex (a+)+$ against a crafted label', ['run', file('regex.yaml', MOCK + `load:\n  stages: [{ for: 2s, rate: 2/s }]\nmonitors:\n  - { url: "${metricsUrl}/metrics", series: { queueDepth: 'vllm:num_requests_waiting{model=~"(a+)+$"}' } }\n`)]],
  ['SSE stream that begins with a BOM', ['run', file('bom.yaml', scenario({ url: bomUrl }))]],
  ['stages: [{for: 600h}]', ['run', file('600h.yaml', MOCK + 'load:\n  stages: [{ for: 600h, rate: 1/s }]\n')]],
  ['load.timeScale: 1e-300', ['run', file('ts.yaml', MOCK + 'load:\n  timeScale: 1e-300\n  stages: [{ for: 1s, rate: 1/s }]\n')]],
  ['prompt: {file: /dev/zero}', ['run', file('zero.yaml', MOCK.replace('promptTokens: 20', 'prompt: { file: /dev/zero }') + 'load:\n  stages: [{ for: 1s, rate: 1/s }]\n')]],
  ['data: {file: /dev/urandom}', ['run', file('urandom.yaml', MOCK.replace('promptTokens: 20', 'prompt: { template: "{{a}}", data: { file: /dev/urandom, format: csv } }') + 'load:\n  stages: [{ for: 1s, rate: 1/s }]\n')]],
  ['users: 1000000000', ['run', file('users.yaml', MOCK + 'load:\n  model: closed\n  stages: [{ for: 1s, users: 1000000000 }]\n')]],
  ['10,000 stages of 1 ms', ['run', file('stages.yaml', MOCK + 'load:\n' + stages(10_000) + '\n')]],
  ['"- " x 10000 under workload', ['validate', file('deep.yaml', `name: d\nworkload:\n  ${'- '.repeat(10_000)}a\n`)]],
  ['a self-referencing alias', ['run', file('alias.yaml', 'name: x\nworkload: &w\n  mix: [*w]\nload: {stages: [{for: 1s, rate: 1/s}]}\n')]],
  ['an undefined alias', ['validate', file('undef.yaml', 'name: x\nworkload: *nope\nload: {stages: [{for: 1s, rate: 1/s}]}\n')]],
  ['breaking-point step: 0.000001/s', ['validate', file('step.yaml', MOCK + 'load:\n  model: breaking-point\n  search: { from: 1/s, to: 1000000/s, step: 0.000001/s, hold: 1s }\n')]],
  ['100,000 "${" in apiKey', ['validate', file('dollar.yaml', `name: x\nproviders: [{ id: a, type: openai, baseUrl: "http://127.0.0.1:9", model: m, apiKey: "${'${'.repeat(100_000)}" }]\nworkload:\n  mix: [{ name: a }]\nload:\n  stages: [{ for: 1s, rate: 1/s }]\n`)]],
  ['a valid 1.5 MB file of 40,000 warnings', ['validate', file('warnings.yaml', `name: w\nproviders:\n${Array.from({ length: 40 }, (_, i) => `  - { id: m${i}, type: mock, faults: [${Array.from({ length: 1000 }, (_, j) => `{ kind: outage, at: ${j + 10}s, for: 1s }`).join(', ')}] }`).join('\n')}\nworkload:\n  mix: [{ name: a }]\nload:\n  stages: [{ for: 1s, rate: 1/s }]\n`)]],
  ['mock overrides: {kvCacheTokens: -1}', ['validate', file('kv.yaml', 'name: x\nproviders: [{ id: m, type: mock, overrides: { kvCacheTokens: -1 } }]\nworkload:\n  mix: [{ name: a }]\nload: {stages: [{for: 1s, rate: 1/s}]}\n')]],
  ['a file over 5 MB', ['run', file('big.yaml', MOCK + `load:\n  stages: [{ for: 1s, rate: 1/s }]\ndescription: "${'x'.repeat(5 * 1024 * 1024)}"\n`)]],
  ['a NUL after the first 8 KB', ['validate', file('nul.yaml', MOCK + `load:\n  stages: [{ for: 1s, rate: 1/s }]\ndescription: "${'x'.repeat(9000)}"\n\u0000\n`)]],
  ['--dry-run of a name with control bytes', ['run', file('ctl.yaml', MOCK.replace('name: hostile', 'name: "evil\\e[2J\\a"') + 'load:\n  stages: [{ for: 1s, rate: 1/s }]\n'), '--dry-run']],
  ['proxy latency of 700 h', ['proxy', '--upstream', 'http://127.0.0.1:9', '--faults', file('faults.yaml', 'faults:\n  - { kind: latency, at: 0s, for: 1h, add: 700h }\n')]],
  ['results file in a folder under /proc', ['run', file('proc.yaml', MOCK + 'load:\n  stages: [{ for: 1s, rate: 1/s }]\n'), '--json', '/proc/stampede-no-such/r.json']],
  ['export artillery --out under /proc', ['export', 'artillery', join(dir, 'proc.yaml'), '--out', '/proc/stampede-no-such/out']],
];

process.stdout.write(`Issue 11 inputs through ${CLI} — load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n\n`);
process.stdout.write('| input | command | exit | wall s | peak RSS MB | secret shown | verdict or message |\n| --- | --- | --- | --- | --- | --- | --- |\n');
let worstRss = 0;
for (const [label, args, env] of cases) {
  const r = await cli(args, env);
  worstRss = Math.max(worstRss, r.rss);
  const msg = r.verdict.replace(/\|/g, '\\|').replace(new RegExp(dir.replace(/[/\\^$*+?.()|[\]{}-]/g, '\\$&'), 'g'), '…').slice(0, 140);
  process.stdout.write(`| ${label} | ${args[0]} | ${r.code} | ${r.seconds.toFixed(1)} | ${(r.rss / 1e6).toFixed(0)} | ${r.leaked ? 'YES' : 'no'} | ${msg} |\n`);
}
process.stdout.write(`\nworst peak RSS ${(worstRss / 1e6).toFixed(0)} MB (bound 2,000 MB)\n`);
for (const s of sockets) s.destroy();
for (const s of servers) s.close();
rmSync(dir, { recursive: true, force: true });
