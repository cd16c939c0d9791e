// Hostile traces: bad timestamps, negative sizes, unsorted lines, wrong types and huge inputs
// end in one clear error naming the file and line, and memory stays bounded while streaming.
// In `npm test` the huge inputs are sized to prove it in seconds of CPU: a gigabyte without a
// line break (read only to the 16 MiB line cap), 64 MiB of request logs under a 32 MB heap, and
// one request past the replay cap. STAMPEDE_TEST_1GB=1 adds a full gigabyte of request lines
// through fit (minutes).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fitTraceFile } from '../../../src/runner/trace-fit-file';
import { readTrace, TraceFileError } from '../../../src/runner/trace-file';
import { spawnCli, tempFolder } from '../cli/run-cli';

const MiB = 1024 * 1024;
const GB = 1024 * MiB;
const FULL = process.env.STAMPEDE_TEST_1GB === '1';
const SAMPLER = resolve(__dirname, '..', '..', 'fixtures', 'rss-sampler.cjs');

const dir = mkdtempSync(join(tmpdir(), 'stampede-hostile-'));
const good = (i: number, extra: Record<string, unknown> = {}) => JSON.stringify({ timestamp: 1_700_000_000 + i, prompt_tokens: 100, completion_tokens: 20, ...extra });

async function fitError(name: string, lines: string[], format?: 'jsonl' | 'csv' | 'mooncake' | 'otlp'): Promise<string> {
  const file = join(dir, name);
  writeFileSync(file, lines.join('\n') + '\n');
  try {
    await fitTraceFile({ name: file }, format ? { format } : {});
  } catch (error) {
    assert.ok(error instanceof TraceFileError, `a TraceFileError, not ${String(error)}`);
    return error.message;
  }
  assert.fail(`${name} was accepted`);
}

test('bad timestamps, negative or fractional sizes, wrong types: the error names the file, line and field', async () => {
  const cases: Array<[string, string[], RegExp, ('jsonl' | 'csv' | 'mooncake' | 'otlp')?]> = [
    ['bad-time.jsonl', [good(0), good(1), good(2, { timestamp: 'yesterday' })], /bad-time\.jsonl:3: timestamp is 'yesterday': not a timestamp/],
    ['neg-time.jsonl', [good(0), good(1, { timestamp: -5 })], /neg-time\.jsonl:2: timestamp is -5: a timestamp cannot be negative/],
    ['negative.jsonl', [good(0), good(1, { prompt_tokens: -40 })], /negative\.jsonl:2: prompt_tokens is -40: a token count cannot be negative/],
    ['fraction.jsonl', [good(0), good(1, { completion_tokens: 2.5 })], /fraction\.jsonl:2: completion_tokens is 2.5: a token count is a whole number/],
    ['huge-count.jsonl', [good(0, { prompt_tokens: 1e12 })], /huge-count\.jsonl:1: prompt_tokens is 1000000000000: above 2,000,000 tokens/],
    ['not-json.jsonl', [good(0), '{"timestamp": 3, oops'], /not-json\.jsonl:2: not valid JSON/],
    ['array.jsonl', [good(0), '[1,2,3]'], /array\.jsonl:2: expected a JSON object a line, got an array/],
    ['unsorted.jsonl', [good(7200), good(7201), good(0)], /unsorted\.jsonl:3: the timestamp is 2 h before line 2's: the trace is out of time order by more than the 60 s the reader re-sorts — sort it by time first/],
    ['far.jsonl', [good(0), good(1e7)], /far\.jsonl:2: the timestamp is 116 days away from line 1's: a trace may span at most 31 days/],
    ['no-columns.jsonl', ['{"when": 1, "size": 3}'], /no-columns\.jsonl:1: no time column found \(the record has: when, size\): map it/],
    ['mixed-units.jsonl', [good(0, { timestamp: '2025-01-01T00:00:00Z' }), good(1)], /mixed-units\.jsonl:2: timestamp is 1700000001: earlier lines gave ISO date-times, this one a number/],
    ['bad.csv', ['timestamp,prompt_tokens,completion_tokens', '1,10,5', '2,"10,5'], /bad\.csv:3: a quoted field is not closed on this line/],
    ['short.csv', ['timestamp,prompt_tokens,completion_tokens', '1,10,5', '2,10'], /short\.csv:3: 2 fields, but the header has 3/],
    ['mc.jsonl', ['{"timestamp":0,"input_length":600,"output_length":5,"hash_ids":[1,2]}', '{"timestamp":10,"input_length":600,"output_length":-1,"hash_ids":[1,2]}'], /mc\.jsonl:2: output_length is -1: a token count cannot be negative/, 'mooncake'],
    ['mc-blocks.jsonl', ['{"timestamp":0,"input_length":600,"output_length":5,"hash_ids":[1,2,3,4]}'], /mc-blocks\.jsonl:1: hash_ids has 4 blocks, but input_length 600 fills at most 2 blocks of 512 tokens/, 'mooncake'],
    ['spans.json', ['{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"chat m","startTimeUnixNano":"oops","attributes":[{"key":"gen_ai.usage.input_tokens","value":{"intValue":"3"}}]}]}]}]}'], /spans\.json:1: a GenAI span has startTimeUnixNano "oops"/, 'otlp'],
    ['empty.jsonl', [''], /empty\.jsonl: no requests in the trace/],
  ];
  for (const [name, lines, expected, format] of cases) {
    const message = await fitError(name, lines, format);
    assert.match(message, expected, name);
    assert.doesNotMatch(message, /\n\s+at /, 'no stack trace');
  }
});

/** Runs `stampede ARGS` with the resident set sampled; the peak in MB. */
async function cliWithPeak(args: string[], cwd: string, nodeArgs: string[] = []): Promise<{ code: number | null; stderr: string; peakRssMb: number }> {
  const run = spawnCli(args, { cwd, limitMs: 600_000, nodeArgs: [...nodeArgs, '--require', SAMPLER] });
  const { code } = await run.exit;
  const peak = /peak-rss-mb (\d+)\n$/.exec(run.stderr());
  assert.ok(peak, `no memory reading in: ${run.stderr().slice(-300)}`);
  return { code, stderr: run.stderr(), peakRssMb: Number(peak[1]) };
}

test('a gigabyte without a line break: an error at line 1 once 16 MiB are read, the rest never pulled', async () => {
  let pulled = 0;
  async function* oneLine(): AsyncGenerator<Buffer> {
    const block = Buffer.alloc(1 << 20, 'x');
    for (; pulled < GB; pulled += block.length) yield block;
  }
  await assert.rejects(readTrace({ name: 'huge.jsonl', stream: oneLine() }, {}, () => undefined), (error: unknown) => {
    assert.ok(error instanceof TraceFileError);
    assert.match(error.message, /^huge\.jsonl:1: line 1 is longer than 16 MiB/);
    return true;
  });
  assert.ok(pulled <= 18 * MiB, `${pulled / MiB} MiB pulled of the 1 GB`);
});

// Two children at once: each is mostly waiting on its own file.
describe('huge inputs through the CLI', { concurrency: 2 }, () => {
  test('request logs larger than the heap stream through stampede fit; an unsorted last line is named', { timeout: 600_000 }, async () => {
    // 64 MiB of request lines that carry their prompt text (~2 KB each), under a 32 MB heap: a
    // reader that held the lines would run out of memory.
    const tmp = tempFolder();
    try {
      const file = join(tmp.dir, 'requests.jsonl');
      const fd = openSync(file, 'w');
      const text = 'prompt text that must never be copied '.repeat(50);
      let lines = 0;
      for (let bytes = 0; bytes < 64 * MiB; ) {
        const batch: string[] = [];
        for (let k = 0; k < 500; k++, lines++) batch.push(JSON.stringify({ timestamp: 1_700_000_000_000 + lines * 100, route: lines % 3 ? 'chat' : 'search', usage: { prompt_tokens: 100 + (lines % 900), completion_tokens: 10 + (lines % 90) }, messages: [{ role: 'user', content: text }] }));
        const chunk = batch.join('\n') + '\n';
        bytes += writeSync(fd, chunk);
      }
      writeSync(fd, JSON.stringify({ timestamp: 1_700_000_000_000 + lines * 100 - 3_600_000, route: 'chat', usage: { prompt_tokens: 5, completion_tokens: 5 } }) + '\n');
      closeSync(fd);
      const r = await cliWithPeak(['fit', file, '--out', join(tmp.dir, 'fitted.stampede.yaml')], tmp.dir, ['--max-old-space-size=32']);
      assert.equal(r.code, 2, r.stderr);
      assert.ok(r.stderr.startsWith(`stampede fit: ${file}:${lines + 1}: the timestamp is 60 min before line ${lines}'s`), r.stderr);
      assert.ok(r.peakRssMb < 200, `peak RSS ${r.peakRssMb} MB for a 64 MiB trace under a 32 MB heap`);
      assert.equal(existsSync(join(tmp.dir, 'fitted.stampede.yaml')), false, 'nothing written');
      console.log(`64 MiB fit (${lines + 1} lines): peak RSS ${r.peakRssMb} MB under a 32 MB heap`);
    } finally {
      tmp.remove();
    }
  });

  test('a trace over the replay cap: an error naming the first line past it, memory bounded', { timeout: 600_000 }, async () => {
    const tmp = tempFolder();
    try {
      // 1,000,001 requests in short CSV lines (19 MB): the one past the cap is on line 1,000,002.
      const fd = openSync(join(tmp.dir, 'cap.csv'), 'w');
      writeSync(fd, 't,in,out\n');
      for (let i = 0; i <= 1_000_000; ) {
        const batch: string[] = [];
        for (let k = 0; k < 10_000 && i <= 1_000_000; k++, i++) batch.push(`${1_700_000_000_000 + i},${5 + (i % 50)},${3 + (i % 7)}`);
        writeSync(fd, batch.join('\n') + '\n');
      }
      closeSync(fd);
      const scenario = tmp.file('cap.stampede.yaml', 'name: cap\nproviders: [{ id: mock, type: mock }]\nworkload: { mix: [{ name: r }] }\nload: { model: replay, trace: { file: cap.csv, columns: { time: t, promptTokens: in, outputTokens: out } } }\n');
      const r = await cliWithPeak(['run', '--dry-run', scenario], tmp.dir);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^stampede run: load\.trace\.file: cap\.csv:1000002: the trace holds more than 1,000,000 requests, the most a replay holds/);
      assert.ok(r.peakRssMb < 400, `peak RSS ${r.peakRssMb} MB`);
    } finally {
      tmp.remove();
    }
  });
});

test('1 GB of request lines streams through fit in bounded memory (STAMPEDE_TEST_1GB=1; minutes)', { skip: !FULL && 'set STAMPEDE_TEST_1GB=1 to stream a full gigabyte', timeout: 1_800_000 }, () => {
  const out = execFileSync(process.execPath, ['--max-old-space-size=160', '--import', 'tsx', resolve(__dirname, 'huge-trace-child.ts'), String(GB), '{"timestamp":$T,"route":"chat","prompt_tokens":5,"completion_tokens":5}'], { encoding: 'utf8', timeout: 1_800_000, maxBuffer: 1 << 20 });
  const r = JSON.parse(out.trim().split('\n').pop()!) as { error: string; peakRssMb: number; lines: number };
  // About 12 million lines of ~87 bytes; the last is an hour early.
  assert.match(r.error, new RegExp(`^huge\\.jsonl:${r.lines}: the timestamp is 60 min before line ${r.lines - 1}'s`));
  console.log(`1 GB fit (${r.lines} lines): peak RSS ${r.peakRssMb} MB under a 160 MB heap`);
  assert.ok(r.peakRssMb < 400, `peak RSS ${r.peakRssMb} MB`);
});
