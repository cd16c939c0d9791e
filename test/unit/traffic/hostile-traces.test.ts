// Hostile traces: bad timestamps, negative sizes, unsorted lines, wrong types and 1 GB inputs
// end in one clear error naming the file and line, and memory stays bounded while streaming.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fitTraceFile } from '../../../src/runner/trace-fit-file';
import { TraceFileError } from '../../../src/runner/trace-file';

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

function child(mode: string, bytes: number, tail = ''): { error: string; peakRssMb: number } {
  const out = execFileSync(process.execPath, ['--max-old-space-size=160', '--import', 'tsx', resolve(__dirname, 'huge-trace-child.ts'), mode, String(bytes), tail], { encoding: 'utf8', timeout: 600_000, maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as { error: string; peakRssMb: number };
}

const GB = 1024 * 1024 * 1024;

test('1 GB without a line break: an error at line 1 after 16 MiB, not a buffered gigabyte', () => {
  const r = child('one-line', GB);
  assert.match(r.error, /^huge\.jsonl:1: line 1 is longer than 16 MiB/);
  assert.ok(r.peakRssMb < 400, `peak RSS ${r.peakRssMb} MB`);
});

test('1 GB of request lines streams through fit in bounded memory; an unsorted last line is named', { timeout: 900_000 }, () => {
  const r = child('fit', GB, '{"timestamp":$T,"route":"chat","prompt_tokens":5,"completion_tokens":5}');
  // About 12 million lines of ~87 bytes; the last is an hour early.
  assert.match(r.error, /^huge\.jsonl:\d{7,}: the timestamp is 60 min before line \d{7,}'s/);
  console.log(`1 GB fit: ${r.error.slice(0, 60)}…, peak RSS ${r.peakRssMb} MB under a 160 MB heap`);
  assert.ok(r.peakRssMb < 400, `peak RSS ${r.peakRssMb} MB`);
});

test('a trace over the replay cap: an error naming the first line past it, memory bounded', { timeout: 300_000 }, () => {
  const r = child('replay', GB);
  assert.match(r.error, /^huge\.jsonl:1000001: the trace holds more than 1,000,000 requests, the most a replay holds/);
  assert.ok(r.peakRssMb < 400, `peak RSS ${r.peakRssMb} MB`);
});
