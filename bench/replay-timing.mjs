// Replay timing: a trace of 200 requests/s (uniform gaps, 10 s, compressed 2x from 20 s at
// 100/s) replayed by `stampede run` against the embedded instant mock on loopback. Prints the
// schedule lag — each request's send (undici's socket write) minus its scaled recorded offset —
// as median and p95. The figure: median within 2 ms at 200 requests/s.
// Usage: npm run build && node bench/replay-timing.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'stampede-replay-bench-'));
const lines = [];
for (let i = 0; i < 2000; i++) lines.push(JSON.stringify({ timestamp: i * 10, input_length: 64 + (i % 200), output_length: 4, hash_ids: [] }));
writeFileSync(join(dir, 'trace.jsonl'), lines.join('\n') + '\n');
writeFileSync(
  join(dir, 'replay.stampede.yaml'),
  `name: replay timing
providers: [{ id: mock, type: mock, profile: instant }]
workload: { stream: true, mix: [{ name: requests }] }
load: { model: replay, timeScale: 2, trace: { file: trace.jsonl, format: mooncake } }
`,
);
const runs = Number(process.env.RUNS ?? 3);
const rows = [];
for (let r = 0; r < runs; r++) {
  const out = join(dir, `out-${r}.json`);
  execFileSync(process.execPath, [join(root, 'dist/cli.js'), 'run', join(dir, 'replay.stampede.yaml'), '--json', out, '-q'], { stdio: 'ignore' });
  const s = JSON.parse(readFileSync(out, 'utf8')).summary;
  rows.push({ sent: s.requests.sent, rate: s.requests.rate, p50: s.scheduleLag.p50, p95: s.scheduleLag.p95 });
}
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [i, x] of rows.entries()) console.log(`run ${i + 1}: ${x.sent} requests at ${x.rate.toFixed(1)}/s, schedule lag p50 ${x.p50.toFixed(2)} ms, p95 ${x.p95.toFixed(2)} ms`);
console.log(`replay timing (median of ${runs} runs): schedule lag p50 ${med(rows.map((x) => x.p50)).toFixed(2)} ms (target ≤ 2 ms), p95 ${med(rows.map((x) => x.p95)).toFixed(2)} ms`);
