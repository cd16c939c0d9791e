import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseParser, type SseEvent } from '../../../src/runner/sse-parser';

function parseAll(parts: Array<Uint8Array | string>): SseEvent[] {
  const out: SseEvent[] = [];
  const p = new SseParser((e) => out.push(e));
  for (const part of parts) p.push(part);
  p.end();
  return out;
}

const SAMPLE =
  ': a comment line\r\n' +
  'retry: 1000\r\n' +
  'data: {"choices":[{"delta":{"content":"héllo — 世界 🙂"}}]}\r\n\r\n' +
  'event: update\n' +
  'id: 7\n' +
  'data: line one\n' +
  'data: line two\n\n' +
  'data:no-space\r\r' +
  ':keepalive\n\n' +
  'data\n\n' +
  'data: {"usage":{"prompt_tokens":3,"completion_tokens":2}}\n\n' +
  'data: [DONE]\n\n';

const EXPECTED: SseEvent[] = [
  { event: 'message', data: '{"choices":[{"delta":{"content":"héllo — 世界 🙂"}}]}', id: '' },
  { event: 'update', data: 'line one\nline two', id: '7' },
  { event: 'message', data: 'no-space', id: '7' },
  { event: 'message', data: '', id: '7' },
  { event: 'message', data: '{"usage":{"prompt_tokens":3,"completion_tokens":2}}', id: '7' },
  { event: 'message', data: '[DONE]', id: '7' },
];

test('parses CRLF, CR, LF, comments, multi-line data, ids and [DONE]', () => {
  assert.deepEqual(parseAll([SAMPLE]), EXPECTED);
});

test('gives identical results for every split point of the byte stream', () => {
  const bytes = new TextEncoder().encode(SAMPLE);
  for (let i = 0; i <= bytes.length; i++) {
    assert.deepEqual(parseAll([bytes.subarray(0, i), bytes.subarray(i)]), EXPECTED, `split at byte ${i}`);
  }
});

test('gives identical results fed byte by byte (multi-byte UTF-8 split across chunks)', () => {
  const bytes = new TextEncoder().encode(SAMPLE);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i++) parts.push(bytes.subarray(i, i + 1));
  assert.deepEqual(parseAll(parts), EXPECTED);
});

test('gives identical results for every pair of split points', () => {
  const bytes = new TextEncoder().encode(SAMPLE.slice(0, 120));
  const whole = parseAll([bytes]);
  for (let i = 0; i <= bytes.length; i += 3) {
    for (let j = i; j <= bytes.length; j += 5) {
      assert.deepEqual(parseAll([bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)]), whole, `split at ${i},${j}`);
    }
  }
});

test('a CR at the end of one chunk and LF at the start of the next is one line break', () => {
  assert.deepEqual(parseAll(['data: a\r', '\n\r', '\ndata: b\r\n\r\n']), [
    { event: 'message', data: 'a', id: '' },
    { event: 'message', data: 'b', id: '' },
  ]);
});

test('an event without data is not dispatched; a final event without its blank line is', () => {
  assert.deepEqual(parseAll(['event: ping\n\n', 'data: last']), [{ event: 'message', data: 'last', id: '' }]);
});
