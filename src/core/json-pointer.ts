// JSON Pointers (RFC 6901) as written in extraction rules: checked here so a bad pointer is
// reported at the exact character, and evaluated by the runner on response bodies.

export type PointerCheck = { ok: true; tokens: string[] } | { ok: false; message: string; start: number; end: number };

/** "" is the whole document; otherwise "/a/0/b" with `~0` for `~` and `~1` for `/`. */
export function parseJsonPointer(text: string): PointerCheck {
  if (text === '') return { ok: true, tokens: [] };
  if (!text.startsWith('/')) {
    return { ok: false, message: `a JSON Pointer starts with '/', e.g. /usage/total_tokens — got '${text}'`, start: 0, end: 1 };
  }
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '~' && text[i + 1] !== '0' && text[i + 1] !== '1') {
      return { ok: false, message: `'~' in a JSON Pointer must be followed by 0 (for '~') or 1 (for '/')`, start: i, end: i + 2 };
    }
  }
  return { ok: true, tokens: text.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~')) };
}

/** The value a pointer selects, or undefined when the document has no such place. */
export function evaluateJsonPointer(document: unknown, tokens: readonly string[]): unknown {
  let current = document;
  for (const token of tokens) {
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      current = current[Number(token)];
    } else if (current !== null && typeof current === 'object' && Object.prototype.hasOwnProperty.call(current, token)) {
      current = (current as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return current;
}
