// Throughput of the mock provider with profile `instant`: the mock runs alone in a child process
// (one Node thread does all request work), autocannon drives it with keep-alive connections from
// this process, and the child's CPU time comes from /proc, so the figure is the mock's own cost.
// Usage: node bench/mock-throughput.mjs [--seconds 10] [--connections 64] [--stream]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import autocannon from 'autocannon';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const seconds = Number(arg('--seconds', '10'));
const connections = Number(arg('--connections', '64'));
const stream = process.argv.includes('--stream');
const TARGET = 5000;

const script = `
const loaded = await import(${JSON.stringify(join(root, 'src/mock/mock-server.ts'))});
const { startMockServer } = loaded.startMockServer ? loaded : loaded.default;
const server = await startMockServer({ port: 0, profile: 'instant' });
process.stdout.write(server.url + '\\n');
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
`;
const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve, reject) => {
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
    const line = out.split('\n')[0];
    if (out.includes('\n')) resolve(line.trim());
  });
  child.once('exit', (code) => reject(new Error(`mock exited early with code ${code}`)));
});

// utime + stime of every thread of the child, in seconds (clock ticks are 1/100 s on Linux).
const cpuSeconds = () => {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

const body = JSON.stringify({
  model: 'bench',
  messages: [
    { role: 'system', content: 'You are a helpful assistant for a load test.' },
    { role: 'user', content: 'Say something short about queues and caches.' },
  ],
  max_tokens: 16,
  stream,
});
const run = (duration) =>
  new Promise((resolve, reject) => {
    autocannon(
      {
        url: url + '/v1/chat/completions',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        connections,
        pipelining: 1,
        duration,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });

await run(2); // warm-up: JIT and connection setup stay out of the figure
const cpuBefore = cpuSeconds();
const result = await run(seconds);
const cpuAfter = cpuSeconds();
child.kill('SIGTERM');

const requests = result.requests.total;
const perSecond = requests / seconds;
const cpuUsPerRequest = ((cpuAfter - cpuBefore) * 1e6) / requests;
const cpuShare = (cpuAfter - cpuBefore) / seconds;
console.log(`mock throughput (profile instant, ${stream ? 'streaming' : 'non-streaming'}, max_tokens 16, ${connections} keep-alive connections, ${seconds} s)`);
console.log(`  requests/s          ${perSecond.toFixed(0)}   (target >= ${TARGET} on one core)`);
console.log(`  mock CPU per request ${cpuUsPerRequest.toFixed(1)} µs  (mock process used ${(cpuShare * 100).toFixed(0)}% of one core)`);
console.log(`  one-core capacity    ${(1e6 / cpuUsPerRequest).toFixed(0)} requests/s at that cost`);
console.log(`  errors ${result.errors}, non-2xx ${result.non2xx}, latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`);
