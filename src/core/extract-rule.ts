// Extraction rules of an http target: `header:NAME` reads a response header, `json:/pointer`
// reads a JSON Pointer into the body (or the last SSE event's data).
import { parseJsonPointer } from './json-pointer';

export type ParsedExtractRule =
  | { source: 'header'; name: string }
  | { source: 'json'; pointer: string; tokens: string[] };

export type ExtractRuleParse = { ok: true; rule: ParsedExtractRule } | { ok: false; message: string; start: number; end: number };

// RFC 9110 token characters: what a header name may hold.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function parseExtractRule(text: string): ExtractRuleParse {
  const colon = text.indexOf(':');
  const kind = colon === -1 ? text : text.slice(0, colon);
  if (colon === -1 || (kind !== 'header' && kind !== 'json')) {
    return { ok: false, message: `an extraction rule is 'header:NAME' or 'json:/pointer', got '${text}'`, start: 0, end: Math.max(1, colon === -1 ? text.length : colon) };
  }
  const rest = text.slice(colon + 1);
  if (kind === 'header') {
    if (!HEADER_NAME.test(rest)) {
      return { ok: false, message: rest === '' ? `missing header name after 'header:'` : `'${rest}' is not a header name`, start: colon + 1, end: Math.max(colon + 2, text.length) };
    }
    return { ok: true, rule: { source: 'header', name: rest.toLowerCase() } };
  }
  if (rest === '') return { ok: false, message: `missing JSON Pointer after 'json:', e.g. json:/usage/total_tokens`, start: colon, end: colon + 1 };
  const pointer = parseJsonPointer(rest);
  if (!pointer.ok) return { ok: false, message: pointer.message, start: colon + 1 + pointer.start, end: colon + 1 + pointer.end };
  return { ok: true, rule: { source: 'json', pointer: rest, tokens: pointer.tokens } };
}
