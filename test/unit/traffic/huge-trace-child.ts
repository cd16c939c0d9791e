// Child process of hostile-traces.test.ts: streams a generated trace of `bytes` bytes (never
// written to disk) through fit or replay loading, under a small heap, and prints one JSON line
// with the error it ended with and the peak memory seen.
import { Readable } from 'node:stream';
import { fitTraceFile } from '../../../src/runner/trace-fit-file';
import { readTrace } from '../../../src/runner/trace-file';
import { MAX_REPLAY_REQUESTS } from '../../../src/runner/replay-schedule';

const [mode, bytesArg, tail] = process.argv.slice(2);
const total = Number(bytesArg);
let peakRss = 0;
const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

function* chunks(): Generator<Buffer> {
  if (mode === 'one-line') {
    const block = Buffer.alloc(1 << 20, 'x');
    for (let sent = 0; sent < total; sent += block.length) yield block;
    return;
  }
  // Valid request-log lines, about 100 bytes each, 1 ms apart; then the tail line.
  let i = 0;
  let sent = 0;
  while (sent < total) {
    const parts: string[] = [];
    for (let k = 0; k < 5000; k++, i++) parts.push(`{"timestamp":${1_700_000_000_000 + i},"route":"${i % 3 ? 'chat' : 'search'}","prompt_tokens":${100 + (i % 900)},"completion_tokens":${10 + (i % 90)}}\n`);
    const buf = Buffer.from(parts.join(''));
    sent += buf.length;
    yield buf;
  }
  if (tail) yield Buffer.from(tail.replace('$T', String(1_700_000_000_000 + i - 3_600_000)) + '\n');
}

async function main(): Promise<void> {
  const stream = Readable.from(chunks());
  let error = '';
  try {
    if (mode === 'replay') await readTrace({ name: 'huge.jsonl', stream }, {}, () => undefined, { max: MAX_REPLAY_REQUESTS, hint: 'the most a replay holds' });
    else await fitTraceFile({ name: 'huge.jsonl', stream });
  } catch (e) {
    error = (e as Error).message;
  }
  clearInterval(sample);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  process.stdout.write(JSON.stringify({ error, peakRssMb: Math.round(peakRss / 1024 / 1024) }) + '\n');
}
void main();
