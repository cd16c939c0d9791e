// `--set path=value` overrides applied to a scenario before it is analyzed. Pure: works on the
// yaml Document (and its source text) only.
//
// When every override replaces a scalar that exists in the file, the new value is spliced into
// the source text, so problem positions reported afterwards still match the file on disk. Only
// overrides that add keys fall back to re-serializing the document.
import { Document, isMap, isScalar, isSeq, parse as parseYaml, parseDocument } from 'yaml';
import type { Node as YamlNode } from 'yaml';

export type OverridePath = Array<string | number>;

export interface SetOverride {
  /** The argument as given, e.g. `load.stages[0].rate=5/s`. */
  raw: string;
  path: OverridePath;
  /** The value parsed as YAML (a number, string, boolean, null or a flow collection). */
  value: unknown;
}

export type ParseSetResult = { ok: true; override: SetOverride } | { ok: false; message: string };

const KEY_SEGMENT = /^[A-Za-z_$][\w$-]*$/;

/** Parses `a.b[0].c=value`. The value is read as YAML, so `120` is a number and `5/s` a string. */
export function parseSetArgument(raw: string): ParseSetResult {
  const eq = raw.indexOf('=');
  if (eq <= 0) return { ok: false, message: `--set ${raw}: expected path=value, e.g. load.timeScale=120` };
  const pathText = raw.slice(0, eq).trim();
  const valueText = raw.slice(eq + 1);
  const path = parseOverridePath(pathText);
  if (typeof path === 'string') return { ok: false, message: `--set ${raw}: ${path}` };
  let value: unknown;
  try {
    value = parseYaml(valueText);
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { ok: false, message: `--set ${raw}: the value is not valid YAML (${message})` };
  }
  return { ok: true, override: { raw, path, value: value === undefined ? null : value } };
}

/** Returns the path segments, or a message saying what is wrong with the path. */
export function parseOverridePath(text: string): OverridePath | string {
  if (text === '') return 'the path is empty';
  const path: OverridePath = [];
  let i = 0;
  let expectKey = true;
  while (i < text.length) {
    if (text[i] === '[') {
      const close = text.indexOf(']', i);
      const inner = close < 0 ? '' : text.slice(i + 1, close);
      if (close < 0 || !/^\d+$/.test(inner)) return `bad index at '${text.slice(i)}' in path '${text}' (use [0], [1], …)`;
      path.push(Number(inner));
      i = close + 1;
      expectKey = false;
      continue;
    }
    if (text[i] === '.') {
      if (expectKey) return `empty segment in path '${text}'`;
      i += 1;
      expectKey = true;
      continue;
    }
    if (!expectKey) return `expected '.' or '[' at '${text.slice(i)}' in path '${text}'`;
    let end = i;
    while (end < text.length && text[end] !== '.' && text[end] !== '[') end += 1;
    const segment = text.slice(i, end);
    if (!KEY_SEGMENT.test(segment)) return `'${segment}' is not a valid key in path '${text}'`;
    path.push(segment);
    i = end;
    expectKey = false;
  }
  if (expectKey) return `path '${text}' ends with '.'`;
  return path;
}

export function formatOverridePath(path: OverridePath): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

export interface OverrideError {
  raw: string;
  message: string;
}

type Target =
  | { kind: 'scalar'; node: YamlNode }
  | { kind: 'insert' }
  | { kind: 'error'; message: string };

function locate(doc: Document, path: OverridePath): Target {
  let node: unknown = doc.contents;
  for (let i = 0; i < path.length; i += 1) {
    const segment = path[i];
    const here = formatOverridePath(path.slice(0, i)) || 'the scenario';
    const isLast = i === path.length - 1;
    if (node === null || node === undefined || (isScalar(node) && node.value === null)) {
      if (typeof segment === 'number') return { kind: 'error', message: `${here} has no list to index with [${segment}]` };
      return { kind: 'insert' };
    }
    if (typeof segment === 'number') {
      if (!isSeq(node)) return { kind: 'error', message: `${here} is not a list, so [${segment}] cannot be used` };
      if (segment >= node.items.length) {
        return { kind: 'error', message: `index [${segment}] is out of range: ${here} has ${node.items.length} entr${node.items.length === 1 ? 'y' : 'ies'}` };
      }
      node = node.items[segment];
    } else {
      if (!isMap(node)) return { kind: 'error', message: `${here} is not a map, so it has no key '${segment}'` };
      if (!node.has(segment)) return { kind: 'insert' };
      node = node.get(segment, true);
    }
    if (isLast) {
      if (isScalar(node) && Array.isArray(node.range)) return { kind: 'scalar', node };
      return { kind: 'insert' };
    }
  }
  return { kind: 'insert' };
}

/** Applies the overrides to the document in place; returns one error per override that failed. */
export function applyOverrides(doc: Document, overrides: readonly SetOverride[]): OverrideError[] {
  const errors: OverrideError[] = [];
  for (const o of overrides) {
    const target = locate(doc, o.path);
    if (target.kind === 'error') {
      errors.push({ raw: o.raw, message: `--set ${o.raw}: ${target.message}` });
      continue;
    }
    try {
      doc.setIn(o.path, doc.createNode(o.value));
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      errors.push({ raw: o.raw, message: `--set ${o.raw}: ${message}` });
    }
  }
  return errors;
}

export interface OverriddenText {
  text: string;
  errors: OverrideError[];
  /** True when keys were added and the text was re-serialized, so positions may differ from the file. */
  reserialized: boolean;
}

/** Applies overrides to scenario source text, keeping positions where it can (see the file comment).
 * Text that does not parse as YAML is returned unchanged, so the analyzer reports the syntax error. */
export function applyOverridesToText(text: string, overrides: readonly SetOverride[]): OverriddenText {
  if (overrides.length === 0) return { text, errors: [], reserialized: false };
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return { text, errors: [], reserialized: false };
  const errors: OverrideError[] = [];
  const edits: Array<{ start: number; end: number; replacement: string }> = [];
  let needsReserialize = false;
  for (const o of overrides) {
    const target = locate(doc, o.path);
    if (target.kind === 'error') errors.push({ raw: o.raw, message: `--set ${o.raw}: ${target.message}` });
    else if (target.kind === 'insert') needsReserialize = true;
    else {
      const range = target.node.range as [number, number, number];
      edits.push({ start: range[0], end: range[1], replacement: renderValue(o.value) });
    }
  }
  if (errors.length > 0) return { text, errors, reserialized: false };
  if (needsReserialize) {
    const applyErrors = applyOverrides(doc, overrides);
    if (applyErrors.length > 0) return { text, errors: applyErrors, reserialized: false };
    return { text: doc.toString(), errors: [], reserialized: true };
  }
  // Later overrides of the same node win, as they would with setIn.
  const byStart = new Map<number, (typeof edits)[number]>();
  for (const e of edits) byStart.set(e.start, e);
  let out = text;
  for (const e of [...byStart.values()].sort((a, b) => b.start - a.start)) {
    out = out.slice(0, e.start) + e.replacement + out.slice(e.end);
  }
  return { text: out, errors: [], reserialized: false };
}

const PLAIN_SAFE = /^[\w./$+-][\w./%$+ <>=!*-]*$/;

/** YAML text for a value that is valid both in block and in flow context. */
function renderValue(value: unknown): string {
  if (typeof value === 'string' && PLAIN_SAFE.test(value) && !/\s$/.test(value) && !value.startsWith('- ')) {
    try {
      if (parseYaml(value) === value) return value;
    } catch {
      // Falls through to the quoted form.
    }
  }
  return JSON.stringify(value) ?? 'null';
}
