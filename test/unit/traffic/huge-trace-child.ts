// Child process of hostile-traces.test.ts (STAMPEDE_TEST_1GB=1): streams `bytes` of generated
// request-log lines (never written to disk), then `tail` an hour early, through fit under a
// small heap, and prints one JSON line: the error it ended with, the lines sent, the peak memory.
import { Readable } from 'node:stream';
import { fitTraceFile } from '../../../src/runner/trace-fit-file';

const [bytesArg, tail] = process.argv.slice(2);
const total = Number(bytesArg);
let peakRss = 0;
const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
let lines = 0;

function* chunks(): Generator<Buffer> {
  // Valid request-log lines, about 90 bytes each, 1 ms apart.
  let sent = 0;
  while (sent < total) {
    const parts: string[] = [];
    for (let k = 0; k < 5000; k++, lines++) parts.push(`{"timestamp":${1_700_000_000_000 + lines},"route":"${lines % 3 ? 'chat' : 'search'}","prompt_tokens":${100 + (lines % 900)},"completion_tokens":${10 + (lines % 90)}}\n`);
    const buf = Buffer.from(parts.join(''));
    sent += buf.length;
    yield buf;
  }
  lines++;
  yield Buffer.from(tail.replace('$T', String(1_700_000_000_000 + lines - 3_600_000)) + '\n');
}

async function main(): Promise<void> {
  let error = '';
  try {
    await fitTraceFile({ name: 'huge.jsonl', stream: Readable.from(chunks()) });
  } catch (e) {
    error = (e as Error).message;
  }
  clearInterval(sample);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  process.stdout.write(JSON.stringify({ error, lines, peakRssMb: Math.round(peakRss / 1024 / 1024) }) + '\n');
}
void main();
