// Reads the usage block of a compact chat.completion JSON body straight from its bytes: no
// string decoding, no parse. At saturation the decode and the searches were the largest share
// of the runner's own CPU per request, and they grew with the length of the answer.
//
// Only the two ends of the body are read: the head up to `"choices":[` and the tail from the
// last `"usage":{` on. The answer between them, however long, is not scanned. Anything unusual
// (whitespace around the object, an `"error"` key in either end, no choices, no compact usage
// block) returns null and the caller parses the body properly.

export interface ScannedUsage {
  prompt: number;
  completion: number;
  /** -1 when the body has no cached_tokens. */
  cached: number;
}

const QUOTE = 34;
const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
// Each key without its opening quote, with what must follow it.
const ERROR = bytes('error"');
const CHOICES = bytes('choices":[');
const USAGE = bytes('"usage":{');
const PROMPT = bytes('prompt_tokens":');
const COMPLETION = bytes('completion_tokens":');
const CACHED = bytes('cached_tokens":');

function at(buf: Uint8Array, i: number, key: Uint8Array): boolean {
  if (i + key.length > buf.length) return false;
  for (let j = 0; j < key.length; j++) if (buf[i + j] !== key[j]) return false;
  return true;
}

/** The non-negative integer at `i` (spaces skipped), or -1. */
function intAt(buf: Uint8Array, i: number): number {
  while (buf[i] === 32) i++;
  let v = 0;
  let digits = 0;
  for (;;) {
    const c = buf[i]! - 48;
    if (!(c >= 0 && c <= 9)) break;
    v = v * 10 + c;
    digits++;
    i++;
  }
  return digits > 0 ? v : -1;
}

/** Index just past `"choices":[` in the head, -1 without one, -2 on an `"error"` key first. */
function headEnd(buf: Uint8Array, limit: number): number {
  for (let i = 1; i < limit; i++) {
    if (buf[i] !== QUOTE) continue;
    const c = buf[i + 1];
    if (c === 99 && at(buf, i + 1, CHOICES)) return i + 1 + CHOICES.length;
    if (c === 101 && at(buf, i + 1, ERROR)) return -2;
  }
  return -1;
}

/** Start of the last `"usage":{` at or after `from`, or -1. */
function lastUsage(buf: Uint8Array, from: number): number {
  for (let i = buf.length - USAGE.length; i >= from; i--) {
    if (buf[i] === QUOTE && buf[i + 1] === 117 && at(buf, i, USAGE)) return i;
  }
  return -1;
}

export function scanChatUsage(buf: Uint8Array): ScannedUsage | null {
  const n = buf.length;
  if (n < 2 || buf[0] !== 123 || buf[n - 1] !== 125) return null;
  const u = lastUsage(buf, 1);
  if (u < 0) return null;
  if (headEnd(buf, u) < 0) return null;
  let prompt = -1;
  let completion = -1;
  let cached = -1;
  for (let i = u + USAGE.length; i < n; i++) {
    if (buf[i] !== QUOTE) continue;
    const k = i + 1;
    switch (buf[k]) {
      case 101: // e
        if (at(buf, k, ERROR)) return null;
        break;
      case 99: // c
        if (completion < 0 && at(buf, k, COMPLETION)) completion = intAt(buf, k + COMPLETION.length);
        else if (cached < 0 && at(buf, k, CACHED)) cached = intAt(buf, k + CACHED.length);
        break;
      case 112: // p
        if (prompt < 0 && at(buf, k, PROMPT)) prompt = intAt(buf, k + PROMPT.length);
        break;
    }
  }
  if (prompt < 0 || completion < 0) return null;
  return { prompt, completion, cached };
}
