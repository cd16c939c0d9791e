// Fuzz: generated SSE byte streams (fields, comments, CR / LF / CRLF line ends, multi-byte text,
// a leading BOM, over-long lines) split at random byte offsets. Invariants: the events do not
// depend on how the stream is split, the parser never throws, never holds more than its line
// limit, and stops at the first over-long line or event the same way whatever the split.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SseParser, type SseEvent } from '../../../src/runner/sse-parser';
import { fuzzParameters } from './support/fuzz-config';

const LIMIT = 64;
const eol = fc.constantFrom('\n', '\r', '\r\n');
const text = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 10 }), fc.constantFrom('{"choices":[{"delta":{"content":"hé"}}]}', '[DONE]', '{not json', ''), fc.string({ minLength: LIMIT - 5, maxLength: LIMIT * 2 }));
const line = fc.oneof(
  text.map((t) => `data: ${t}`),
  text.map((t) => `data:${t}`),
  text.map((t) => `event: ${t}`),
  text.map((t) => `id: ${t}`),
  text.map((t) => `: ${t}`),
  fc.constant(''),
  fc.constant('data'),
  text,
);
const stream = fc
  .tuple(fc.boolean(), fc.array(fc.tuple(line, eol), { maxLength: 30 }), fc.boolean())
  .map(([bom, lines, trailing]) => {
    const body = lines.map(([l, e]) => l.replace(/[\r\n]/g, ' ') + e).join('') + (trailing ? 'data: tail' : '');
    return Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(body, 'utf8')]);
  });

function parse(chunks: Uint8Array[]): { events: SseEvent[]; overflow: string | null; maxHeld: number } {
  const events: SseEvent[] = [];
  let overflow: string | null = null;
  const parser = new SseParser(
    (e) => events.push(e),
    (what) => (overflow = what),
    LIMIT,
  );
  let maxHeld = 0;
  for (const c of chunks) {
    parser.push(c);
    maxHeld = Math.max(maxHeld, (parser as unknown as { partial: string }).partial.length, (parser as unknown as { data: string }).data.length);
  }
  parser.end();
  return { events, overflow, maxHeld };
}

function split(bytes: Buffer, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let last = 0;
  for (const p of points) {
    out.push(bytes.subarray(last, p));
    last = p;
  }
  out.push(bytes.subarray(last));
  return out;
}

test('fuzz: SSE events do not depend on how the bytes are split; lines are bounded; a BOM never costs an event', () => {
  fc.assert(
    fc.property(stream, fc.array(fc.nat(), { maxLength: 12 }), (bytes, cuts) => {
      const whole = parse([bytes]);
      const pieces = parse(split(bytes, cuts));
      const byteByByte = parse([...bytes].map((b) => Uint8Array.of(b)));
      assert.deepEqual(pieces.events, whole.events);
      assert.deepEqual(byteByByte.events, whole.events);
      assert.equal(pieces.overflow, whole.overflow);
      assert.ok(whole.maxHeld <= LIMIT && pieces.maxHeld <= LIMIT, `held ${Math.max(whole.maxHeld, pieces.maxHeld)} characters`);
      // A BOM is skipped: the same bytes without it give the same events.
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) assert.deepEqual(parse([bytes.subarray(3)]).events, whole.events);
    }),
    fuzzParameters(6),
  );
});
