// YAML parsing with source positions: turns text into a plain value plus a locator that maps a
// field path back to the line and column of its key or value.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { SourceRange } from './plan';
import type { Problem } from './problem';

/** Alias expansions allowed when building the value: plenty for real files, fatal for a billion laughs. */
export const MAX_ALIAS_COUNT = 100;

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

function makeLocator(text: string, lineCounter: LineCounter, doc: Document.Parsed | undefined): SourceLocator {
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

  const deref = (node: unknown): unknown => (isAlias(node) && doc ? node.resolve(doc) : node);

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
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, merge: true, prettyErrors: false, keepSourceTokens: false });
  const locator = makeLocator(text, lineCounter, doc);
  const problems: Problem[] = [];
  for (const error of doc.errors) {
    const known = YAML_MESSAGES[error.code];
    const message = known?.message ?? (error.code === 'DUPLICATE_KEY' ? `duplicate key: ${duplicateKeyName(text, error.pos[0])}` : yamlMessage(error.message));
    problems.push({ severity: 'error', code: known?.code ?? 'yaml-syntax', message, path: '', range: locator.offsetRange(error.pos[0], error.pos[1]) });
  }
  for (const warning of doc.warnings) {
    problems.push({ severity: 'warning', code: 'yaml-warning', message: yamlMessage(warning.message, 'YAML'), path: '', range: locator.offsetRange(warning.pos[0], warning.pos[1]) });
  }
  const empty = doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null && !text.trim().replace(/^#.*$/gm, '').trim());
  if (problems.some((p) => p.severity === 'error') || empty) return { value: undefined, empty, problems, locator };
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), empty, problems, locator };
  } catch (error) {
    let aliasStart = 0;
    visit(doc, {
      Alias(_key, node) {
        aliasStart = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    const isAliasBomb = error instanceof ReferenceError || /alias/i.test(String((error as Error).message));
    problems.push({
      severity: 'error',
      code: isAliasBomb ? 'alias-limit' : 'yaml-syntax',
      message: isAliasBomb
        ? `too many alias expansions (more than ${MAX_ALIAS_COUNT}): anchors and aliases may not expand into a huge document`
        : yamlMessage((error as Error).message),
      path: '',
      range: locator.offsetRange(aliasStart, aliasStart + 1),
    });
    return { value: undefined, empty, problems, locator };
  }
}

function duplicateKeyName(text: string, offset: number): string {
  const match = /^["']?([^"':\n]+)/.exec(text.slice(offset));
  return match ? `'${match[1].trim()}' appears more than once in this map` : 'a key appears more than once in this map';
}

function yamlMessage(message: string, prefix = 'YAML syntax'): string {
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  return `${prefix}: ${first.charAt(0).toLowerCase()}${first.slice(1)}`;
}
