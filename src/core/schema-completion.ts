// Completion for scenario files, computed from the JSON schema and the text around the cursor:
// keys for the cursor's path, enum values, examples with units, provider ids, threshold metrics,
// operators and units, and snippets for a provider, a mix entry and a stage. The text being
// typed is usually not valid YAML yet, so the cursor's path comes from indentation and flow
// brackets rather than from a parser.
import { allMetrics, type MetricUnit } from './metric-catalog';
import { scenarioSchema, type SchemaNode } from './scenario-schema';
import { THRESHOLD_OPERATORS } from './threshold-expression';
import { alternatives, describeField, describeMetric, schemasAtPath, typesOf, type SchemaPathSegment } from './schema-hover';

export type CompletionKind = 'property' | 'value' | 'enum' | 'snippet' | 'metric' | 'operator' | 'unit' | 'reference';

export interface CompletionEntry {
  label: string;
  kind: CompletionKind;
  /** Text to insert; a snippet (with $1, ${1:x}, $0) when `snippet` is true. */
  insertText: string;
  snippet: boolean;
  /** [start, end) offsets replaced by the insertion. */
  start: number;
  end: number;
  detail?: string;
  /** Markdown. */
  documentation?: string;
  sortText?: string;
  filterText?: string;
}

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

interface ItemSnippet {
  label: string;
  description: string;
  body: string;
}

/** Snippets for array items whose shape is not obvious from the schema's required fields. */
const ITEM_SNIPPETS: Record<string, readonly ItemSnippet[]> = {
  providers: [
    {
      label: 'provider: OpenAI-compatible',
      description: 'An OpenAI-compatible endpoint, with the key kept in secret storage.',
      body: 'id: ${1:primary}\ntype: openai\nbaseUrl: ${2:\\${env:OPENAI_BASE_URL\\}}\napiKey: ${3:\\${secret:OPENAI_API_KEY\\}}\nmodel: ${4:gpt-4o-mini}\npricing: { input: ${5:0.15}, cachedInput: ${6:0.075}, output: ${7:0.60} }',
    },
    {
      label: 'provider: OpenAI Responses API',
      description: 'OpenAI\'s Responses API (typed stream events), with the key kept in secret storage.',
      body: 'id: ${1:primary}\ntype: openai\napi: responses\nbaseUrl: ${2:https://api.openai.com/v1}\napiKey: ${3:\\${secret:OPENAI_API_KEY\\}}\nmodel: ${4:gpt-4.1-mini}\npricing: { input: ${5:0.40}, cachedInput: ${6:0.10}, output: ${7:1.60} }',
    },
    {
      label: 'provider: Anthropic',
      description: 'Anthropic\'s Messages API (x-api-key and anthropic-version), with the key kept in secret storage.',
      body: 'id: ${1:claude}\ntype: anthropic\napiKey: ${2:\\${secret:ANTHROPIC_API_KEY\\}}\nmodel: ${3:claude-sonnet-4-5}\npricing: { input: ${4:3}, cachedInput: ${5:0.30}, output: ${6:15} }',
    },
    {
      label: 'provider: Gemini',
      description: 'Google\'s Gemini API (streamGenerateContent over SSE, x-goog-api-key), with the key kept in secret storage.',
      body: 'id: ${1:gemini}\ntype: gemini\napiKey: ${2:\\${secret:GEMINI_API_KEY\\}}\nmodel: ${3:gemini-2.5-flash}\npricing: { input: ${4:0.30}, cachedInput: ${5:0.075}, output: ${6:2.50} }',
    },
    {
      label: 'provider: mock',
      description: 'The embedded mock provider (costs nothing), in any dialect.',
      body: 'id: ${1:mock}\ntype: mock\nprofile: ${2|small-gpu,instant,h100-8b,rate-limited-api|}\ndialect: ${3|openai,openai-responses,anthropic,gemini|}',
    },
  ],
  'workload.mix': [
    {
      label: 'mix entry',
      description: 'A request type with a log-normal prompt size.',
      body: 'name: ${1:faq}\nweight: ${2:1}\npromptTokens: { median: ${3:400}, p95: ${4:1500} }\nmaxTokens: ${5:256}',
    },
  ],
  'load.stages': [
    { label: 'stage: constant rate', description: 'Hold a rate for a while.', body: 'name: ${1:baseline}\nfor: ${2:30s}\nrate: ${3:2/s}' },
    { label: 'stage: ramp', description: 'Ramp linearly to a rate or a multiple of the baseline.', body: 'name: ${1:ramp}\nfor: ${2:30s}\nrampTo: ${3:5x}' },
    { label: 'stage: spike', description: 'A short burst at a multiple of the baseline.', body: 'name: ${1:spike}\nfor: ${2:20s}\nrate: ${3:10x}' },
    { label: 'stage: diurnal wave', description: 'A daily wave peaking at a multiple of the baseline.', body: 'name: ${1:day}\nfor: ${2:24h}\ndiurnal: { peak: ${3:3x}, period: ${4:24h} }' },
  ],
};

export function itemSnippets(arrayPath: string): readonly ItemSnippet[] {
  return ITEM_SNIPPETS[arrayPath] ?? [];
}

const SCENARIO_SNIPPET =
  'name: ${1:My scenario}\nproviders:\n  - { id: mock, type: mock, profile: ${2|small-gpu,instant,h100-8b,rate-limited-api|} }\nworkload:\n  mix:\n    - { name: ${3:chat}, weight: 1, promptTokens: { median: 400, p95: 1500 }, maxTokens: 256 }\nload:\n  stages:\n    - { name: baseline, for: ${4:30s}, rate: ${5:2/s} }\n    - { name: spike, for: 20s, rate: 5x }\nthresholds:\n  - ttft.p95 < 1.5s\n  - errors.rate < 1%\n$0';

const schemaPathKey = (path: readonly SchemaPathSegment[]) => path.filter((s) => typeof s === 'string').join('.');

const esc = (text: string) => text.replace(/[$}\\]/g, '\\$&');

function keyInsertText(key: string, nodes: readonly SchemaNode[], flow: boolean): { text: string; snippet: boolean } {
  if (flow) return { text: `${key}: `, snippet: false };
  const types = new Set(nodes.flatMap(typesOf));
  const enums = [...new Set(nodes.flatMap((n) => n.enum ?? []))].filter((v) => typeof v === 'string') as string[];
  if (types.has('array') && !types.has('string')) return { text: `${key}:\n  - $0`, snippet: true };
  if (types.has('object') && types.size === 1) return { text: `${key}:\n  $0`, snippet: true };
  if (enums.length) return { text: `${key}: \${1|${enums.map((v) => v.replace(/[,|\\$}]/g, '\\$&')).join(',')}|}`, snippet: true };
  if (types.has('boolean') && types.size === 1) {
    const dflt = nodes[0]?.default === false ? 'false,true' : 'true,false';
    return { text: `${key}: \${1|${dflt}|}`, snippet: true };
  }
  const example = nodes[0]?.default ?? nodes.flatMap((n) => n.examples ?? [])[0];
  if (example !== undefined && (typeof example === 'string' || typeof example === 'number')) return { text: `${key}: \${1:${esc(String(example))}}`, snippet: true };
  return { text: `${key}: `, snippet: false };
}

/** Provider ids written in the document, for a mix entry's `provider`. */
export function providerIds(text: string): string[] {
  const ids: string[] = [];
  const lines = text.split('\n');
  let inProviders = false;
  for (const line of lines) {
    if (/^providers\s*:/.test(line)) {
      inProviders = true;
      continue;
    }
    if (/^\S/.test(line) && !line.startsWith('#')) inProviders = false;
    if (!inProviders) continue;
    for (const match of line.matchAll(/(?:^|[{,\s-])id\s*:\s*["']?([A-Za-z][A-Za-z0-9_-]*)/g)) ids.push(match[1]);
  }
  return [...new Set(ids)];
}

const METRIC_UNITS: Record<MetricUnit, string[]> = {
  ms: ['ms', 's', 'm'],
  fraction: ['%'],
  usd: [],
  count: [],
  ratio: [],
  per_second: [],
  tokens_per_second: [],
};

function thresholdCompletions(prefix: string, prefixStart: number): CompletionEntry[] {
  const text = prefix.replace(/^["']/, '');
  const textStart = prefixStart + (prefix.length - text.length);
  const metricMatch = /^([A-Za-z][\w.]*)(\s+)?(\S*)?(\s+)?(\S*)?$/.exec(text);
  const entries: CompletionEntry[] = [];
  if (!metricMatch || (!metricMatch[2] && !/\s$/.test(text))) {
    // Typing the metric.
    const word = /^[\w.]*$/.test(text) ? text : '';
    for (const metric of allMetrics()) {
      entries.push({
        label: metric.key,
        kind: 'metric',
        insertText: metric.key,
        snippet: false,
        start: textStart,
        end: textStart + word.length,
        detail: metric.unit,
        documentation: describeMetric(metric.key),
        sortText: metric.key.includes('.p95') || !metric.key.includes('.p') ? `0${metric.key}` : `1${metric.key}`,
      });
    }
    return entries;
  }
  const metric = metricMatch[1];
  const unit = allMetrics().find((m) => m.key === metric)?.unit;
  const afterMetric = textStart + metric.length + (metricMatch[2]?.length ?? 0);
  const op = metricMatch[3] ?? '';
  if (!metricMatch[4]) {
    for (const candidate of THRESHOLD_OPERATORS) {
      entries.push({ label: candidate, kind: 'operator', insertText: `${candidate} `, snippet: false, start: afterMetric, end: afterMetric + op.length, sortText: String(THRESHOLD_OPERATORS.indexOf(candidate)) });
    }
    return entries;
  }
  const value = metricMatch[5] ?? '';
  const valueStart = afterMetric + op.length + metricMatch[4].length;
  const number = /^\d+(?:\.\d+)?/.exec(value)?.[0];
  if (unit && number !== undefined) {
    for (const suffix of METRIC_UNITS[unit]) {
      entries.push({ label: `${number}${suffix}`, kind: 'unit', insertText: `${number}${suffix}`, snippet: false, start: valueStart, end: valueStart + value.length });
    }
  }
  if (unit === 'usd' && value === '') entries.push({ label: '$', kind: 'unit', insertText: '\\$${1:5}', snippet: true, start: valueStart, end: valueStart });
  return entries;
}

/** Examples and unit variants of a scalar field, e.g. `30` → `30s`, `30ms`, `30m` for a duration. */
function scalarValueCompletions(nodes: readonly SchemaNode[], prefix: string, start: number, end: number): CompletionEntry[] {
  const entries: CompletionEntry[] = [];
  const seen = new Set<string>();
  const push = (label: string, kind: CompletionKind, detail?: string) => {
    if (seen.has(label)) return;
    seen.add(label);
    entries.push({ label, kind, insertText: label, snippet: false, start, end, detail });
  };
  for (const node of nodes) {
    for (const value of node.enum ?? []) push(String(value), 'enum');
    if (node.const !== undefined) push(String(node.const), 'enum');
    if (typesOf(node).includes('boolean')) {
      push('true', 'value');
      push('false', 'value');
    }
  }
  const number = /^\d+(?:\.\d+)?$/.exec(prefix)?.[0];
  const examples = nodes.flatMap((n) => n.examples ?? []).filter((e) => typeof e === 'string' || typeof e === 'number');
  if (number !== undefined) {
    const suffixes = new Set<string>();
    for (const example of examples) {
      const suffix = /^\$?\d+(?:\.\d+)?([a-z%/]+[a-z]*)$/i.exec(String(example))?.[1];
      if (suffix && !String(example).includes('..')) suffixes.add(suffix);
    }
    // A duration field: all time units, not only those its examples happen to use.
    if (nodes.some((n) => typeof n.pattern === 'string' && n.pattern.includes('ms|s|m|h'))) ['ms', 's', 'm', 'h'].forEach((s) => suffixes.add(s));
    for (const suffix of suffixes) push(`${number}${suffix}`, 'unit');
  } else {
    const dflt = nodes.find((n) => n.default !== undefined && typeof n.default !== 'object')?.default;
    if (dflt !== undefined) push(String(dflt), 'value', 'default');
    for (const example of examples) push(String(example), 'value', 'example');
  }
  return entries;
}

/** Completion entries for `offset` in a scenario's text. */
export function completeAt(text: string, offset: number, root: SchemaNode = scenarioSchema): CompletionEntry[] {
  const ctx = cursorContext(text, offset);
  const end = offset + (/^[\w$.-]*/.exec(text.slice(offset))?.[0].length ?? 0);
  const entries: CompletionEntry[] = [];

  if (ctx.path[0] === 'thresholds' && typeof ctx.path[1] === 'number' && (ctx.path.length === 2 ? ctx.kind === 'key' || ctx.kind === 'value' : ctx.path[2] === 'expr' && ctx.kind === 'value')) {
    const expression = ctx.kind === 'value' || ctx.path.length === 3 || /\s/.test(ctx.prefix);
    if (expression || ctx.kind === 'key') entries.push(...thresholdCompletions(ctx.prefix, ctx.prefixStart));
    if (expression && (ctx.kind === 'value' || /\s/.test(ctx.prefix))) return entries;
  }

  if (ctx.kind === 'value') {
    const nodes = schemasAtPath(ctx.path, root);
    const last = ctx.path[ctx.path.length - 1];
    if (last === 'provider' && typeof ctx.path[ctx.path.length - 2] === 'number') {
      for (const id of providerIds(text)) entries.push({ label: id, kind: 'reference', insertText: id, snippet: false, start: ctx.prefixStart, end, detail: 'provider id' });
    }
    entries.push(...scalarValueCompletions(nodes, ctx.prefix.trim(), ctx.prefixStart, end));
    return entries;
  }

  // Key position: the mapping at ctx.path, or a new item of the array at ctx.path.
  let mapPath = ctx.path;
  let nodes = schemasAtPath(mapPath, root);
  const arrayHere = nodes.some((n) => typesOf(n).includes('array'));
  const arrayKey = schemaPathKey(ctx.path);
  if (arrayHere && !ctx.flow) {
    // An empty line under `stages:` before the dash is typed: offer whole items.
    for (const snippet of itemSnippets(arrayKey)) {
      entries.push({ label: snippet.label, kind: 'snippet', insertText: `- ${snippet.body.replace(/\n/g, '\n  ')}`, snippet: true, start: ctx.prefixStart, end, documentation: snippet.description, sortText: `0${snippet.label}` });
    }
    mapPath = [...ctx.path, 0];
    nodes = schemasAtPath(mapPath, root);
    entries.push(...propertyEntries(nodes, ctx, end, '- ', root));
    return entries;
  }
  if (ctx.newItem || (typeof ctx.path[ctx.path.length - 1] === 'number' && ctx.siblings.length === 0 && ctx.prefix === '')) {
    const parentKey = schemaPathKey(ctx.path.slice(0, -1));
    for (const snippet of itemSnippets(parentKey)) {
      entries.push({ label: snippet.label, kind: 'snippet', insertText: ctx.flow ? snippet.body.replace(/\n/g, ', ') : snippet.body, snippet: true, start: ctx.prefixStart, end, documentation: snippet.description, sortText: `0${snippet.label}` });
    }
  }
  if (ctx.path.length === 0 && text.trim() === ctx.prefix.trim()) {
    entries.push({ label: 'scenario', kind: 'snippet', insertText: SCENARIO_SNIPPET, snippet: true, start: ctx.prefixStart, end, documentation: 'A complete scenario against the embedded mock provider.', sortText: '0scenario' });
  }
  entries.push(...propertyEntries(nodes, ctx, end, '', root));
  return entries;
}

function propertyEntries(nodes: readonly SchemaNode[], ctx: CursorContext, end: number, lead: string, root: SchemaNode): CompletionEntry[] {
  const entries: CompletionEntry[] = [];
  const seen = new Set(ctx.siblings);
  const required = new Set(nodes.flatMap((n) => n.required ?? []));
  for (const node of nodes) {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (seen.has(key)) continue;
      seen.add(key);
      const resolved = alternatives(child, root);
      const insert = keyInsertText(key, resolved, ctx.flow);
      entries.push({
        label: key,
        kind: 'property',
        insertText: lead + insert.text,
        snippet: insert.snippet,
        start: ctx.prefixStart,
        end,
        detail: required.has(key) ? 'required' : undefined,
        documentation: describeField(key, resolved),
        sortText: `${required.has(key) ? '1' : '2'}${key}`,
        filterText: key,
      });
    }
  }
  return entries;
}
