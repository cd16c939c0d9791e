// YAML parsing with source positions: turns text into a plain value plus a locator that maps a
// field path back to the line and column of its key or value.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Alias, type Document, type Node } from 'yaml';
import type { SourceRange } from './plan';
import type { Problem } from './problem';

/** Alias expansions allowed when building the value: plenty for real files, fatal for a billion laughs. */
export const MAX_ALIAS_COUNT = 100;

/** Deepest nesting of collections a file may have: a real scenario nests about 8 deep, while the
 * YAML parser (and every walk over the value) recurses once per level. */
export const MAX_NESTING = 64;

export type PathSegment = string | number;

export interface SourceLocator {
  /** Range of the value at `path`, or of the nearest ancestor that exists in the text. */
  valueRange(path: readonly PathSegment[]): SourceRange;
  /** Range of the key that introduces `path` (falls back to the value's range, e.g. for array items). */
  keyRange(path: readonly PathSegment[]): SourceRange;
  /** Offset of `path`'s value text in the file and how the scalar is written, for sub-ranges of strings. */
  scalarSource(path: readonly PathSegment[]): { start: number; raw: string } | undefined;
  /** Range of [start, end) offsets. */
  offsetRange(start: number, end: number): SourceRange;
}

export interface ParsedSource {
  /** The document as plain data, or undefined when the text did not parse. */
  value: unknown;
  empty: boolean;
  problems: Problem[];
  locator: SourceLocator;
}

const YAML_MESSAGES: Record<string, { code: string; message?: string }> = {
  DUPLICATE_KEY: { code: 'duplicate-key' },
  TAB_AS_INDENT: { code: 'tab-indent', message: 'tab character used for indentation: YAML indents with spaces only' },
  MULTIPLE_DOCS: { code: 'multi-document', message: 'one scenario per file: remove the second document (the line with ---) or move it to its own file' },
};

function makeLocator(text: string, lineCounter: LineCounter, doc: Document.Parsed | undefined, aliases: ReadonlyMap<Alias, Node | undefined> = new Map()): SourceLocator {
  const offsetRange = (start: number, end: number): SourceRange => {
    const from = lineCounter.linePos(Math.min(start, text.length));
    const to = lineCounter.linePos(Math.min(Math.max(end, start), text.length));
    return { line: from.line, column: from.col, endLine: to.line, endColumn: to.col };
  };

  const firstLine = (node: Node | null | undefined): SourceRange => {
    if (!node?.range) return offsetRange(0, Math.max(0, text.indexOf('\n')));
    const [start, valueEnd] = node.range;
    const lineEnd = text.indexOf('\n', start);
    return offsetRange(start, lineEnd === -1 ? valueEnd : Math.min(valueEnd, lineEnd));
  };

  const deref = (node: unknown): unknown => (isAlias(node) ? aliases.get(node) : node);

  /** Walks down the path as far as the text goes; returns the deepest node and key reached. */
  const walk = (path: readonly PathSegment[]) => {
    let node = deref(doc?.contents) as Node | null | undefined;
    let key: Node | null | undefined;
    let depth = 0;
    for (const segment of path) {
      let next: Node | null | undefined;
      let nextKey: Node | null | undefined;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
        if (pair) {
          nextKey = pair.key as Node;
          next = (deref(pair.value) as Node | null) ?? (pair.key as Node);
        }
      } else if (isSeq(node) && typeof segment === 'number') {
        next = deref(node.items[segment]) as Node | undefined;
      }
      if (!next) break;
      node = next;
      key = nextKey;
      depth++;
    }
    return { node, key, complete: depth === path.length };
  };

  const nodeRange = (node: Node | null | undefined): SourceRange => {
    if (!node?.range) return firstLine(undefined);
    if (node.range[0] === node.range[1]) {
      // An empty list item (`-` alone): underline the dash before it.
      let dash = node.range[0] - 1;
      while (dash > 0 && /\s/.test(text[dash])) dash--;
      return offsetRange(Math.max(0, dash), Math.max(0, dash) + 1);
    }
    if (isMap(node) || isSeq(node)) {
      // A flow collection on one line reads well underlined whole; a block one does not.
      const flow = (node as { flow?: boolean }).flow;
      return flow && !text.slice(node.range[0], node.range[1]).includes('\n') ? offsetRange(node.range[0], node.range[1]) : firstLine(node);
    }
    return offsetRange(node.range[0], node.range[1]);
  };

  return {
    offsetRange,
    valueRange(path) {
      const { node, key, complete } = walk(path);
      if (!complete && key) return nodeRange(key);
      // An empty value (`name:`) has no width to underline; its key does.
      if (key && node?.range && node.range[0] === node.range[1]) return nodeRange(key);
      return nodeRange(node);
    },
    keyRange(path) {
      const { node, key } = walk(path);
      return nodeRange(key ?? node);
    },
    scalarSource(path) {
      const { node, complete } = walk(path);
      if (!complete || !isScalar(node) || !node.range) return undefined;
      return { start: node.range[0], raw: text.slice(node.range[0], node.range[1]) };
    },
  };
}

export function parseScenarioSource(text: string): ParsedSource {
  const lineCounter = new LineCounter();
  const tooDeep = deepestNestingOffset(text, MAX_NESTING);
  if (tooDeep !== null) {
    // Checked before parsing: the parser recurses once per level and would overflow the stack.
    lineCounter.addNewLine(0);
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
    const locator = makeLocator(text, lineCounter, undefined);
    const problem: Problem = { severity: 'error', code: 'too-deep', message: `collections nest more than ${MAX_NESTING} levels deep here: a scenario nests a few levels, so this is not one`, path: '', range: locator.offsetRange(tooDeep, tooDeep + 1) };
    return { value: undefined, empty: false, problems: [problem], locator };
  }
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter, uniqueKeys: true, merge: true, prettyErrors: false, keepSourceTokens: false });
  } catch (error) {
    return failedParse(text, error);
  }
  const aliases = resolveAliases(doc);
  const locator = makeLocator(text, lineCounter, doc, aliases.targets);
  const problems: Problem[] = [];
  for (const error of doc.errors) {
    const known = YAML_MESSAGES[error.code];
    const message = known?.message ?? (error.code === 'DUPLICATE_KEY' ? `duplicate key: ${duplicateKeyName(text, error.pos[0])}` : yamlMessage(error.message));
    problems.push({ severity: 'error', code: known?.code ?? 'yaml-syntax', message, path: '', range: locator.offsetRange(error.pos[0], error.pos[1]) });
  }
  for (const warning of doc.warnings) {
    problems.push({ severity: 'warning', code: 'yaml-warning', message: yamlMessage(warning.message, 'YAML'), path: '', range: locator.offsetRange(warning.pos[0], warning.pos[1]) });
  }
  for (const bad of aliases.problems) {
    problems.push({ severity: 'error', code: bad.code, message: bad.message, path: '', range: locator.offsetRange(bad.start, bad.end) });
  }
  const empty = doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null && !text.trim().replace(/^#.*$/gm, '').trim());
  if (problems.some((p) => p.severity === 'error') || empty) return { value: undefined, empty, problems, locator };
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), empty, problems, locator };
  } catch (error) {
    const aliasStart = aliases.first ?? 0;
    const isAliasBomb = error instanceof ReferenceError || /alias/i.test(String((error as Error).message));
    const overflow = error instanceof RangeError;
    problems.push({
      severity: 'error',
      code: isAliasBomb ? 'alias-limit' : overflow ? 'too-deep' : 'yaml-syntax',
      message: isAliasBomb
        ? `too many alias expansions (more than ${MAX_ALIAS_COUNT}): anchors and aliases may not expand into a huge document`
        : overflow
          ? `the document nests too deeply to be read`
          : yamlMessage((error as Error).message),
      path: '',
      range: locator.offsetRange(aliasStart, aliasStart + 1),
    });
    return { value: undefined, empty, problems, locator };
  }
}

/** A parser failure that is not a YAML error (the stack ran out on a shape the depth check
 * missed): one problem at the start, never an exception. */
function failedParse(text: string, error: unknown): ParsedSource {
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  const locator = makeLocator(text, lineCounter, undefined);
  const message = error instanceof RangeError ? 'the document nests too deeply to be read' : yamlMessage(error instanceof Error ? error.message : String(error));
  return { value: undefined, empty: false, problems: [{ severity: 'error', code: error instanceof RangeError ? 'too-deep' : 'yaml-syntax', message, path: '', range: locator.offsetRange(0, 1) }], locator };
}

interface AliasProblem {
  code: 'alias-cycle' | 'undefined-alias';
  message: string;
  start: number;
  end: number;
}

/** Every alias with the node it refers to (the last anchor of that name before it), found in
 * one walk; an alias without an anchor, or inside the node it refers to (a cycle the value
 * could never be built from), is a problem at the alias. */
function resolveAliases(doc: Document.Parsed): { targets: Map<Alias, Node | undefined>; problems: AliasProblem[]; first: number | undefined } {
  const targets = new Map<Alias, Node | undefined>();
  const problems: AliasProblem[] = [];
  const anchors = new Map<string, Node>();
  let first: number | undefined;
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        targets.set(node, target);
        const [start, end] = node.range ?? [0, 1];
        first ??= start;
        if (!target) problems.push({ code: 'undefined-alias', message: `undefined alias *${node.source}: no anchor &${node.source} is set before it`, start, end });
        else if (target.range && target.range[0] <= start && start < target.range[1]) {
          problems.push({ code: 'alias-cycle', message: `alias *${node.source} is inside the anchor &${node.source} it refers to: a cycle that never ends`, start, end });
        }
      } else if ((node as { anchor?: string }).anchor) anchors.set((node as { anchor: string }).anchor, node as Node);
    },
  });
  return { targets, problems, first };
}

/**
 * The offset where collections first nest deeper than `limit`, or null. An estimate made
 * without parsing: indentation levels of block collections, `- ` items that open on the same
 * line, and open flow brackets (outside quotes and comments). Block scalar text is skipped.
 */
const BLOCK_SCALAR_HEADER = /(?:^|[\s:-])[|>][-+0-9]*[ \t]*(?:#.*)?\r?$/;

export function deepestNestingOffset(text: string, limit: number): number | null {
  const indents: number[] = [];
  let flow = 0;
  let blockScalarIndent = -1;
  let lineStart = 0;
  const n = text.length;
  while (lineStart <= n) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = n;
    let i = lineStart;
    while (i < lineEnd && text.charCodeAt(i) === 32) i++;
    const indent = i - lineStart;
    const blank = i >= lineEnd || text[i] === '#' || text[i] === '\r';
    if (blockScalarIndent >= 0) {
      if (blank || indent > blockScalarIndent) {
        lineStart = lineEnd + 1;
        continue;
      }
      blockScalarIndent = -1;
    }
    if (blank) {
      lineStart = lineEnd + 1;
      continue;
    }
    let depth = 0;
    if (flow === 0) {
      while (indents.length > 0 && indents[indents.length - 1] >= indent) indents.pop();
      indents.push(indent);
      depth = indents.length;
      // `- - - x`: each dash opens one more sequence on the same line.
      while (i + 1 < lineEnd && (text[i] === '-' || text[i] === '?') && (text[i + 1] === ' ' || text[i + 1] === '\t')) {
        depth++;
        if (depth + flow > limit) return i;
        i += 2;
        while (i < lineEnd && text.charCodeAt(i) === 32) i++;
      }
      if (depth > limit) return i;
    }
    let quote = '';
    for (; i < lineEnd; i++) {
      const c = text[i];
      if (quote) {
        if (c === '\\' && quote === '"') i++;
        else if (c === quote) quote = '';
        continue;
      }
      if (c === '"' || c === "'") quote = c;
      else if (c === '#' && (i === lineStart || /\s/.test(text[i - 1]))) break;
      else if (c === '[' || c === '{') {
        flow++;
        if (depth + flow > limit) return i;
      } else if (c === ']' || c === '}') flow = Math.max(0, flow - 1);
    }
    // `key: |` or `- >-` starts a block scalar: its more-indented lines are text.
    if (flow === 0 && BLOCK_SCALAR_HEADER.test(text.slice(lineStart, lineEnd))) blockScalarIndent = indent;
    lineStart = lineEnd + 1;
  }
  return null;
}

function duplicateKeyName(text: string, offset: number): string {
  const match = /^["']?([^"':\n]+)/.exec(text.slice(offset));
  return match ? `'${match[1].trim()}' appears more than once in this map` : 'a key appears more than once in this map';
}

function yamlMessage(message: string, prefix = 'YAML syntax'): string {
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  return `${prefix}: ${first.charAt(0).toLowerCase()}${first.slice(1)}`;
}
