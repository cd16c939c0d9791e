// Replay timing: a trace of 200 requests/s (uniform gaps, 10 s, compressed 2x from 20 s at
// 100/s) replayed by `stampede run` against the embedded instant mock on loopback. Prints the
// schedule lag — each request's send (undici's socket write) minus its scaled recorded offset —
// as median and p95. The figure: median within 2 ms at 200 requests/s. Each run is
// paired with an open-model run at the same 200/s (uniform arrivals, same mock and prompts), so
// on a shared machine the replay's lag is read as a ratio to the open scheduler's in one run.
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
writeFileSync(
  join(dir, 'open.stampede.yaml'),
  `name: open timing
providers: [{ id: mock, type: mock, profile: instant }]
workload: { stream: true, mix: [{ name: requests, promptTokens: { min: 64, max: 263 }, maxTokens: 4 }] }
load: { model: open, arrival: uniform, stages: [{ for: 10s, rate: 200/s }] }
`,
);
const runs = Number(process.env.RUNS ?? 3);
const lagOf = (file, r) => {
  const out = join(dir, `out-${r}.json`);
  execFileSync(process.execPath, [join(root, 'dist/cli.js'), 'run', join(dir, file), '--json', out, '-q'], { stdio: 'ignore' });
  const s = JSON.parse(readFileSync(out, 'utf8')).summary;
  return { sent: s.requests.sent, rate: s.requests.rate, p50: s.scheduleLag.p50, p95: s.scheduleLag.p95 };
};
const rows = [];
for (let r = 0; r < runs; r++) {
  // Alternate which goes first, so a load change in the machine falls on both alike.
  const first = r % 2 === 0 ? 'replay' : 'open';
  const a = lagOf(`${first}.stampede.yaml`, r);
  const b = lagOf(`${first === 'replay' ? 'open' : 'replay'}.stampede.yaml`, r);
  rows.push(first === 'replay' ? { replay: a, open: b } : { replay: b, open: a });
}
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const line = (x) => `${x.sent} requests at ${x.rate.toFixed(1)}/s, schedule lag p50 ${x.p50.toFixed(2)} ms, p95 ${x.p95.toFixed(2)} ms`;
for (const [i, x] of rows.entries()) console.log(`pair ${i + 1}: replay ${line(x.replay)}; open ${line(x.open)}`);
console.log(`replay timing (median of ${runs} runs): schedule lag p50 ${med(rows.map((x) => x.replay.p50)).toFixed(2)} ms (target ≤ 2 ms), p95 ${med(rows.map((x) => x.replay.p95)).toFixed(2)} ms`);
console.log(`open model at the same 200/s, same runs: p50 ${med(rows.map((x) => x.open.p50)).toFixed(2)} ms; replay/open p50 ratio (median of pairs) ${med(rows.map((x) => x.replay.p50 / Math.max(1e-3, x.open.p50))).toFixed(2)}`);
