// Response headers as undici's core hands them over: a flat list of name and value buffers.
// Most responses are read for one or two headers, so a lookup scans the buffers without
// decoding the rest; the whole record is built only for the rare reader that needs it.

/** The first value of header `lowerName` (give it lower-cased), or undefined. */
export function rawHeaderValue(raw: readonly Buffer[], lowerName: string): string | undefined {
  const n = lowerName.length;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length !== n) continue;
    let same = true;
    for (let j = 0; j < n; j++) {
      let c = name[j]!;
      if (c >= 65 && c <= 90) c += 32;
      if (c !== lowerName.charCodeAt(j)) {
        same = false;
        break;
      }
    }
    if (same) return raw[i + 1]!.toString('utf8');
  }
  return undefined;
}

/** All headers, names lower-cased; a repeated header becomes a list of its values. */
export function rawHeadersRecord(raw: readonly Buffer[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1').toLowerCase();
    const value = raw[i + 1]!.toString('utf8');
    const seen = out[name];
    if (seen === undefined) out[name] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else out[name] = [seen, value];
  }
  return out;
}
