// Reads the usage block of a compact chat.completion JSON body straight from its bytes: one
// pass, no string decoding, no parse. At saturation the decode and the searches were the
// largest share of the runner's own CPU per request. Anything unusual (whitespace around the
// object, an "error" anywhere, no choices, no compact usage block) returns null and the caller
// parses the body properly.

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
const USAGE = bytes('usage":{');
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

export function scanChatUsage(buf: Uint8Array): ScannedUsage | null {
  const n = buf.length;
  if (n < 2 || buf[0] !== 123 || buf[n - 1] !== 125) return null;
  let choices = false;
  let inUsage = false;
  let prompt = -1;
  let completion = -1;
  let cached = -1;
  for (let i = 1; i < n; i++) {
    if (buf[i] !== QUOTE) continue;
    const k = i + 1;
    switch (buf[k]) {
      case 101: // e
        if (at(buf, k, ERROR)) return null;
        break;
      case 99: // c
        if (!choices && at(buf, k, CHOICES)) choices = true;
        else if (inUsage && completion < 0 && at(buf, k, COMPLETION)) completion = intAt(buf, k + COMPLETION.length);
        else if (inUsage && cached < 0 && at(buf, k, CACHED)) cached = intAt(buf, k + CACHED.length);
        break;
      case 117: // u
        if (!inUsage && at(buf, k, USAGE)) inUsage = true;
        break;
      case 112: // p
        if (inUsage && prompt < 0 && at(buf, k, PROMPT)) prompt = intAt(buf, k + PROMPT.length);
        break;
    }
  }
  if (!choices || prompt < 0 || completion < 0) return null;
  return { prompt, completion, cached };
}
