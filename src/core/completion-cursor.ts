// Where the cursor of a scenario file is, structurally: the path of the mapping or value it is
// in, whether a key or a value goes there, the word typed so far and the keys already present.
// The text being typed is usually not valid YAML yet, so the path comes from indentation and
// flow brackets rather than from a parser. Pure.
import type { SchemaPathSegment } from './schema-hover';

/** Where the cursor is, structurally. */
export interface CursorContext {
  /** Path of the mapping (kind 'key') or of the value (kind 'value') at the cursor; numbers are array items. */
  path: SchemaPathSegment[];
  kind: 'key' | 'value';
  /** The partial word typed so far and where it starts. */
  prefix: string;
  prefixStart: number;
  /** Keys already present in the mapping (kind 'key'). */
  siblings: string[];
  /** True when the cursor is right after `- ` (a new array item) or on an empty line under an array key. */
  newItem: boolean;
  /** Block (indentation) or flow (`{ ... }`) context: flow keys are inserted without newlines. */
  flow: boolean;
}

interface LineEntry {
  column: number;
  kind: 'dash' | 'key';
  key?: string;
  /** A key whose value continues on the next lines. */
  block?: boolean;
}

const KEY_RE = /^([A-Za-z_$][\w$.-]*|"[^"]*"|'[^']*')\s*:(?:\s+|$)/;

function parseLine(line: string): LineEntry[] | undefined {
  const stripped = line.replace(/\s+#.*$/, '');
  if (/^\s*(#.*)?$/.test(stripped)) return undefined;
  const entries: LineEntry[] = [];
  let column = /^ */.exec(stripped)![0].length;
  let rest = stripped.slice(column);
  while (/^-(\s+|$)/.test(rest)) {
    entries.push({ column, kind: 'dash' });
    const advance = /^-\s*/.exec(rest)![0].length;
    column += advance;
    rest = rest.slice(advance);
    if (rest === '') break;
  }
  const key = KEY_RE.exec(rest);
  if (key) {
    const value = rest.slice(key[0].length).trim();
    entries.push({ column, kind: 'key', key: key[1].replace(/^["']|["']$/g, ''), block: value === '' || /^[|>][-+0-9]*$/.test(value) || /^&\S+$/.test(value) });
  } else if (rest !== '') {
    entries.push({ column, kind: 'key' });
  }
  return entries;
}

/** Walks up from line `lineIndex` to build the path of the node at `column` (a map key or a seq item). */
function ancestry(lines: readonly string[], lineIndex: number, column: number, kind: 'key' | 'dash'): SchemaPathSegment[] {
  const path: SchemaPathSegment[] = [];
  let col = column;
  let seeking: 'key' | 'dash' = kind;
  for (let i = lineIndex - 1; i >= 0; i--) {
    const entries = parseLine(lines[i]);
    if (!entries || entries.length === 0) continue;
    if (entries[0].column > col) continue;
    // A parent: the innermost entry that can hold a node at `col` of the kind sought.
    let parentIndex = -1;
    let siblingIndex = -1;
    for (let e = entries.length - 1; e >= 0; e--) {
      const entry = entries[e];
      if (entry.column === col && entry.kind === seeking) {
        siblingIndex = e;
        break;
      }
      if (seeking === 'key' && entry.column < col && (entry.kind === 'dash' || entry.block)) {
        parentIndex = e;
        break;
      }
      if (seeking === 'dash' && ((entry.kind === 'key' && entry.block && entry.column <= col) || (entry.kind === 'dash' && entry.column < col))) {
        parentIndex = e;
        break;
      }
    }
    if (siblingIndex === -1 && parentIndex === -1) {
      if (entries[0].column < col) break;
      continue;
    }
    const upTo = siblingIndex !== -1 ? siblingIndex : parentIndex + 1;
    for (let e = upTo - 1; e >= 0; e--) {
      const entry = entries[e];
      path.unshift(entry.kind === 'dash' ? 0 : (entry.key ?? ''));
    }
    if (upTo === 0) continue;
    col = entries[0].column;
    seeking = entries[0].kind;
    if (col === 0 && seeking === 'key') break;
  }
  return path;
}

function siblingKeys(lines: readonly string[], lineIndex: number, column: number, startsItem: boolean): string[] {
  const keys: string[] = [];
  // Keys at the same column belong to the same mapping until a shallower line or the dash that
  // starts another item of the same list.
  const scan = (from: number, step: 1 | -1) => {
    for (let i = from; i >= 0 && i < lines.length; i += step) {
      const entries = parseLine(lines[i]);
      if (!entries || entries.length === 0) continue;
      const key = entries.find((e) => e.kind === 'key' && e.column === column);
      const startsAnItem = entries.some((e) => e.kind === 'dash' && e.column === column - 2);
      if (key?.key) keys.push(key.key);
      if (startsAnItem || entries[0].column < column) return;
    }
  };
  if (!startsItem) scan(lineIndex - 1, -1);
  scan(lineIndex + 1, 1);
  return keys;
}

/** Flow context (`{ a: 1, b` / `[x, y`) of the text before the cursor on its line, if open. */
function flowContext(rest: string): { keys: string[]; inSeq: boolean; tail: string; siblings: string[] } | undefined {
  const stack: Array<{ type: '{' | '['; key?: string; keys: string[]; tailStart: number }> = [];
  let quote: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const ch = rest[i];
    if (quote) {
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '{' || ch === '[') {
      const parent = stack[stack.length - 1];
      const before = rest.slice(parent ? parent.tailStart : 0, i);
      const key = /([\w$.-]+)\s*:\s*$/.exec(before)?.[1];
      stack.push({ type: ch, key, keys: [], tailStart: i + 1 });
    } else if (ch === '}' || ch === ']') {
      stack.pop();
      const parent = stack[stack.length - 1];
      if (parent) parent.tailStart = i + 1;
    } else if (ch === ',') {
      const top = stack[stack.length - 1];
      if (top) {
        const key = /^\s*([\w$.-]+)\s*:/.exec(rest.slice(top.tailStart, i))?.[1];
        if (key) top.keys.push(key);
        top.tailStart = i + 1;
      }
    }
  }
  if (stack.length === 0) return undefined;
  const keys: string[] = [];
  // The first bracket hangs off the block key before it (if any); inner brackets off their keys.
  for (let s = 0; s < stack.length; s++) {
    const frame = stack[s];
    if (frame.key) keys.push(frame.key);
    if (s < stack.length - 1 && frame.type === '[') keys.push('[]');
  }
  const top = stack[stack.length - 1];
  return { keys, inSeq: top.type === '[', tail: rest.slice(top.tailStart), siblings: top.keys };
}

/** Analyzes the text around `offset`: path, key or value position, the partial word. */
export function cursorContext(text: string, offset: number): CursorContext {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  const lines = text.slice(0, lineStart).split('\n');
  lines.pop();
  const allLines = text.split('\n');
  const lineIndex = lines.length;

  let column = /^ */.exec(before)![0].length;
  let rest = before.slice(column);
  const dashes: number[] = [];
  while (/^-(\s+|$)/.test(rest) && rest.length > 1) {
    dashes.push(column);
    const advance = /^-\s*/.exec(rest)![0].length;
    column += advance;
    rest = rest.slice(advance);
  }
  const contentColumn = column;
  const outer = dashes.length ? dashes[0] : contentColumn;
  const base = ancestry(lines, lineIndex, outer, dashes.length ? 'dash' : 'key');
  const path: SchemaPathSegment[] = [...base, ...dashes.map(() => 0)];

  const flow = flowContext(rest);
  if (flow) {
    const flowPath = [...path, ...flow.keys.map((k) => (k === '[]' ? 0 : k))];
    const tail = flow.tail.replace(/^\s+/, '');
    const tailStart = offset - tail.length;
    if (flow.inSeq) return { path: [...flowPath, 0], kind: 'value', prefix: tail, prefixStart: tailStart, siblings: [], newItem: false, flow: true };
    const kv = /^([\w$.-]+)\s*:\s*(.*)$/.exec(tail);
    if (kv) {
      const value = kv[2];
      return { path: [...flowPath, kv[1]], kind: 'value', prefix: value, prefixStart: offset - value.length, siblings: [], newItem: false, flow: true };
    }
    return { path: flowPath, kind: 'key', prefix: tail, prefixStart: tailStart, siblings: flow.siblings, newItem: false, flow: true };
  }

  const kv = KEY_RE.exec(rest) ?? /^([A-Za-z_$][\w$.-]*)\s*:$/.exec(rest);
  if (kv) {
    const value = rest.slice(kv[0].length);
    return { path: [...path, kv[1]], kind: 'value', prefix: value, prefixStart: offset - value.length, siblings: [], newItem: false, flow: false };
  }
  const siblings = siblingKeys(allLines, lineIndex, contentColumn, dashes.length > 0);
  return {
    path,
    kind: 'key',
    prefix: rest,
    prefixStart: offset - rest.length,
    siblings,
    newItem: dashes.length > 0 && rest.trim() === '',
    flow: false,
  };
}
