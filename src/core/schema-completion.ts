// Completion for scenario files, computed from the JSON schema and the text around the cursor:
// keys for the cursor's path, enum values, examples with units, provider ids, threshold metrics,
// operators and units, and snippets for a provider, a mix entry and a stage. The text being
// typed is usually not valid YAML yet, so the cursor's path comes from indentation and flow
// brackets rather than from a parser.
import { allMetrics, type MetricUnit } from '../../vocabulary/metric-catalog';
import { scenarioSchema, type SchemaNode } from './scenario-schema';
import { parseThresholdExpression, THRESHOLD_OPERATORS } from './threshold-expression';
import { alternatives, describeField, describeMetric, schemasAtPath, typesOf, type SchemaPathSegment } from './schema-hover';
import { cursorContext, type CursorContext } from './completion-cursor';
import { keyFits, valueFits } from './completion-context';
import { rangeWithinMaxMs } from './units';

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

interface ItemSnippet {
  label: string;
  description: string;
  body: string;
}

/** Snippets for array items whose shape is not obvious from the schema's required fields. */
const ITEM_SNIPPETS: Record<string, readonly ItemSnippet[]> = {
  providers: [
    {
      label: 'provider: mock',
      description: 'The embedded mock provider (costs nothing), in any dialect.',
      body: 'id: ${1:mock}\ntype: mock\nprofile: ${2|small-gpu,instant,h100-8b,rate-limited-api|}\ndialect: ${3|openai,openai-responses,anthropic,gemini|}',
    },
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
  ],
  'workload.mix': [
    {
      label: 'mix entry',
      description: 'A request type with a log-normal prompt size.',
      body: 'name: ${1:faq}\nweight: ${2:1}\npromptTokens: { median: ${3:400}, p95: ${4:1500} }\nmaxTokens: ${5:256}',
    },
  ],
  'gateway.upstreams': [
    {
      label: 'upstream: embedded mock',
      description: 'A fault proxy in front of an embedded mock provider, on the run\'s clock.',
      body: 'name: ${1:primary}\nmock: { profile: ${2|instant,small-gpu,h100-8b,rate-limited-api|} }',
    },
    {
      label: 'upstream: real URL',
      description: 'A fault proxy in front of a real upstream (the gateway is pointed at ${upstream:NAME}).',
      body: 'name: ${1:primary}\nurl: ${2:\\${env:UPSTREAM_URL\\}}',
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

/** A string as a YAML plain scalar when it reads back as the same string, else double-quoted. */
export function yamlScalar(value: string): string {
  const plain = value !== '' && !/^[\s\-?:,[\]{}#&*!|>'"%@`]|: |\s#|\s$|:$/.test(value) && !/^(true|false|null|~|yes|no|on|off)$/i.test(value);
  return plain ? value : JSON.stringify(value);
}

/** A scalar the schema offers for a field (its default, first example, or first enum value), as
 * YAML that reads back as that value. */
function scalarExample(nodes: readonly SchemaNode[]): string | undefined {
  for (const n of nodes) {
    const value = n.default ?? n.examples?.[0] ?? n.enum?.[0] ?? n.const;
    if (typeof value === 'string') return yamlScalar(value);
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  }
  return undefined;
}

/** A value the schema offers, as YAML text: a scalar, or a map or list example as JSON (which
 * YAML reads as a flow collection). */
function exampleText(nodes: readonly SchemaNode[]): string | undefined {
  const scalar = scalarExample(nodes);
  if (scalar !== undefined) return scalar;
  const example = nodes.flatMap((n) => n.examples ?? []).find((e): e is Record<string, unknown> => e !== null && typeof e === 'object' && !Array.isArray(e));
  const first = example ? Object.entries(example)[0] : undefined;
  return first ? `{ ${first[0]}: ${typeof first[1] === 'string' ? JSON.stringify(first[1]) : String(first[1])} }` : undefined;
}

/** The required fields of an object, each with a value the schema offers (or undefined when one
 * has none), as `key: ${n:value}` lines. */
function requiredLines(nodes: readonly SchemaNode[], root: SchemaNode): string[] | undefined {
  const required = [...new Set(nodes.flatMap((n) => n.required ?? []))];
  const lines: string[] = [];
  for (const [i, key] of required.entries()) {
    const child = nodes.map((n) => n.properties?.[key]).find((c): c is SchemaNode => c !== undefined);
    const value = child ? exampleText(alternatives(child, root)) : undefined;
    if (value === undefined) return undefined;
    lines.push(`${key}: \${${i + 1}:${esc(value)}}`);
  }
  return lines;
}

/** For an object without required fields: its first field that has an example, nested as
 * deep as needed (`resilience:` → `retries:` → `max: 2`), as block lines. */
function firstFieldLines(nodes: readonly SchemaNode[], root: SchemaNode, depth = 0, path = ''): string[] | undefined {
  if (depth > 3) return undefined;
  // A list of whole items first (`workload:` → its mix, `load:` → its stages): what the block is for.
  for (const node of nodes) {
    for (const key of Object.keys(node.properties ?? {})) {
      const snippet = itemSnippets(path ? `${path}.${key}` : key)[0];
      if (snippet) return [`${key}:`, `  - ${snippet.body.replace(/\n/g, '\n    ')}`];
    }
  }
  for (const node of nodes) {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const resolved = alternatives(child, root);
      const types = new Set(resolved.flatMap(typesOf));
      if (types.has('array')) continue;
      const value = scalarExample(resolved);
      if (value !== undefined && !types.has('object')) return [`${key}: \${1:${esc(value)}}`];
      if (types.has('object')) {
        const required = requiredLines(resolved, root);
        const inner = required?.length ? required : firstFieldLines(resolved, root, depth + 1, path ? `${path}.${key}` : key);
        if (inner?.length) return [`${key}:`, ...inner.map((l) => `  ${l.replace(/\n/g, '\n  ')}`)];
      }
    }
  }
  return undefined;
}

/** The text a key is inserted with: the key and a value that validates where the schema offers
 * one (a default, an example, an enum choice, an object's required fields, an array's first
 * item), so accepting it leaves no error behind; otherwise the cursor where the value goes. */
function keyInsertText(key: string, nodes: readonly SchemaNode[], flow: boolean, root: SchemaNode, arrayPath: string): { text: string; snippet: boolean } {
  const types = new Set(nodes.flatMap(typesOf));
  const enums = [...new Set(nodes.flatMap((n) => n.enum ?? []))].filter((v) => typeof v === 'string') as string[];
  const choice = (values: string[]) => `\${1|${values.map((v) => v.replace(/[,|\\$}]/g, '\\$&')).join(',')}|}`;
  if (types.has('array') && !types.has('string')) {
    const items = nodes.flatMap((n) => (n.items ? alternatives(n.items, root) : []));
    const snippet = itemSnippets(arrayPath)[0];
    if (snippet) return flow ? { text: `${key}: [{ ${snippet.body.replace(/\n/g, ', ')} }]`, snippet: true } : { text: `${key}:\n  - ${snippet.body.replace(/\n/g, '\n    ')}`, snippet: true };
    const item = scalarExample(items);
    if (item !== undefined) return flow ? { text: `${key}: [\${1:${esc(item)}}]`, snippet: true } : { text: `${key}:\n  - \${1:${esc(item)}}`, snippet: true };
    const fields = requiredLines(items, root);
    if (fields?.length) return flow ? { text: `${key}: [{ ${fields.join(', ')} }]`, snippet: true } : { text: `${key}:\n  - ${fields.join('\n    ')}`, snippet: true };
    return flow ? { text: `${key}: `, snippet: false } : { text: `${key}:\n  - $0`, snippet: true };
  }
  if (types.has('object') && types.size === 1) {
    const fields = requiredLines(nodes, root);
    if (fields?.length) return flow ? { text: `${key}: { ${fields.join(', ')} }`, snippet: true } : { text: `${key}:\n  ${fields.join('\n  ')}`, snippet: true };
    const first = flow ? undefined : firstFieldLines(nodes, root, 0, arrayPath);
    if (first) return { text: `${key}:\n  ${first.map((l) => l.replace(/\n/g, '\n  ')).join('\n  ')}`, snippet: true };
    return flow ? { text: `${key}: `, snippet: false } : { text: `${key}:\n  $0`, snippet: true };
  }
  if (enums.length) return { text: `${key}: ${choice(enums)}`, snippet: true };
  if (types.has('boolean') && types.size === 1) return { text: `${key}: ${choice(nodes[0]?.default === false ? ['false', 'true'] : ['true', 'false'])}`, snippet: true };
  const example = scalarExample(nodes);
  if (example !== undefined) return { text: `${key}: \${1:${esc(example)}}`, snippet: true };
  // Free text: the field's name as the placeholder to type over.
  if (types.has('string') && types.size === 1) return { text: `${key}: \${1:${key}}`, snippet: true };
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

/** Threshold expressions: the metric, then the operator, then units for the number. Each part
 * is replaced whole, also when the cursor is in its middle (`after` is the rest of the line). */
function thresholdCompletions(prefix: string, prefixStart: number, after: string): CompletionEntry[] {
  const text = prefix.replace(/^["']/, '');
  const textStart = prefixStart + (prefix.length - text.length);
  const metricMatch = /^([A-Za-z][\w.]*)(\s+)?(\S*)?(\s+)?(\S*)?$/.exec(text);
  const entries: CompletionEntry[] = [];
  if (!metricMatch || (!metricMatch[2] && !/\s$/.test(text))) {
    // Typing the metric (nothing to offer in the middle of other text).
    if (!/^[\w.]*$/.test(text)) return entries;
    const word = text;
    const rest = word === text ? (/^[\w.]*/.exec(after)?.[0].length ?? 0) : 0;
    // In a written threshold, only metrics its operator and value suit (`ttft.p95 < 2s` → times).
    const tail = after.slice(rest).split(/[,}"'#]/)[0]!.trimEnd();
    const fits = (key: string) => tail.trim() === '' || parseThresholdExpression(`${key}${tail}`).ok;
    for (const metric of allMetrics()) {
      if (!fits(metric.key)) continue;
      entries.push({
        label: metric.key,
        kind: 'metric',
        insertText: metric.key,
        snippet: false,
        start: textStart,
        end: textStart + word.length + rest,
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
    const opRest = /^[<>=!]*/.exec(after)?.[0].length ?? 0;
    // The space after the operator is kept when one is already there.
    const spaced = /^[<>=!]*\s/.test(after);
    for (const candidate of THRESHOLD_OPERATORS) {
      entries.push({ label: candidate, kind: 'operator', insertText: spaced ? candidate : `${candidate} `, snippet: false, start: afterMetric, end: afterMetric + op.length + opRest, sortText: String(THRESHOLD_OPERATORS.indexOf(candidate)) });
    }
    return entries;
  }
  const value = metricMatch[5] ?? '';
  const valueRest = /^[\w.%$]*/.exec(after)?.[0] ?? '';
  const valueStart = afterMetric + op.length + metricMatch[4].length;
  const whole = value + valueRest;
  const number = /^\d+(?:\.\d+)?/.exec(whole)?.[0];
  if (unit && number !== undefined) {
    for (const suffix of METRIC_UNITS[unit]) {
      entries.push({ label: `${number}${suffix}`, kind: 'unit', insertText: `${number}${suffix}`, snippet: false, start: valueStart, end: valueStart + whole.length });
    }
  }
  if (unit === 'usd' && whole === '') entries.push({ label: '$', kind: 'unit', insertText: '\\$${1:5}', snippet: true, start: valueStart, end: valueStart });
  return entries;
}

/** Examples and unit variants of a scalar field, e.g. `30` → `30s`, `30ms`, `30m` for a duration. */
function scalarValueCompletions(nodes: readonly SchemaNode[], prefix: string, start: number, end: number): CompletionEntry[] {
  const entries: CompletionEntry[] = [];
  const seen = new Set<string>();
  // Strings are written so they read back as strings (quoted when YAML would read them as
  // something else); booleans and numbers as they are.
  const push = (value: unknown, kind: CompletionKind, detail?: string) => {
    const label = String(value);
    if (seen.has(label)) return;
    seen.add(label);
    entries.push({ label, kind, insertText: typeof value === 'string' ? yamlScalar(label) : label, snippet: false, start, end, detail, filterText: label });
  };
  for (const node of nodes) {
    for (const value of node.enum ?? []) push(value, 'enum');
    if (node.const !== undefined) push(node.const, 'enum');
    if (typesOf(node).includes('boolean')) {
      push(true, 'value');
      push(false, 'value');
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
    // A field with a longest duration (x-maxMs) is offered no unit that goes past it ("50h" for a
    // tool's latency would be an error the moment it is picked).
    const maxMs = Math.min(...nodes.map((n) => (n as { 'x-maxMs'?: unknown })['x-maxMs']).filter((m): m is number => typeof m === 'number'));
    for (const suffix of suffixes) {
      const label = `${number}${suffix}`;
      if (Number.isFinite(maxMs) && !rangeWithinMaxMs(label, maxMs)) continue;
      push(label, 'unit');
    }
  } else {
    const dflt = nodes.find((n) => n.default !== undefined && typeof n.default !== 'object')?.default;
    if (dflt !== undefined) push(dflt, 'value', 'default');
    for (const example of examples) push(example, 'value', 'example');
  }
  return entries;
}

/** Whether anything can be inserted at the cursor: not inside a comment, not in the indentation
 * before a line's content, not on a key that already has its colon (an insertion there would
 * leave the old value behind the new key). */
function offersCompletion(before: string, after: string): boolean {
  const unquoted = before.replace(/"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'/g, '""');
  if (/(^|\s)#/.test(unquoted)) return false;
  if (before.trim() === '' && after.trim() !== '') return false;
  if ((/^[\w$.-]*\s*:(\s|$)/.test(after) || /^\s+[\w$.-]+\s*:(\s|$)/.test(after)) && !/:\s*$/.test(before)) return false;
  return true;
}

/** Entries are inserted as they are (the extension sets keepWhitespace): lines after the first
 * are indented to the column where the insertion starts. */
function indentedAt(text: string, entry: CompletionEntry): CompletionEntry {
  if (!entry.insertText.includes('\n')) return entry;
  const column = entry.start - (text.lastIndexOf('\n', entry.start - 1) + 1);
  return { ...entry, insertText: entry.insertText.replace(/\n/g, `\n${' '.repeat(column)}`) };
}

/** Completion entries for `offset` in a scenario's text, each inserted as is (whitespace kept)
 * over [start, end). */
export function completeAt(text: string, offset: number, root: SchemaNode = scenarioSchema): CompletionEntry[] {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = text.indexOf('\n', offset);
  if (!offersCompletion(text.slice(lineStart, offset), text.slice(offset, lineEnd === -1 ? text.length : lineEnd))) return [];
  return entriesAt(text, offset, root).map((e) => indentedAt(text, e));
}

function entriesAt(text: string, offset: number, root: SchemaNode): CompletionEntry[] {
  const ctx = cursorContext(text, offset);
  const lineEnd = text.indexOf('\n', offset);
  const after = text.slice(offset, lineEnd === -1 ? text.length : lineEnd);
  const wordRest = /^[\w$.-]*/.exec(after)![0];
  const end = offset + wordRest.length;
  const entries: CompletionEntry[] = [];

  if (ctx.path[0] === 'thresholds' && typeof ctx.path[1] === 'number' && (ctx.path.length === 2 ? ctx.kind === 'key' || ctx.kind === 'value' : ctx.path[2] === 'expr' && ctx.kind === 'value')) {
    const expression = ctx.kind === 'value' || ctx.path.length === 3 || /\s/.test(ctx.prefix);
    if (expression || ctx.kind === 'key') entries.push(...thresholdCompletions(ctx.prefix, ctx.prefixStart, after));
    if (expression && (ctx.kind === 'value' || /\s/.test(ctx.prefix))) return entries;
  }

  if (ctx.kind === 'value') {
    // The whole value written after the cursor is replaced (to the comment, or in a flow
    // collection to the next separator), and a value typed right after the colon gets its space.
    const written = ctx.flow ? /^[^,}\]]*/.exec(after)![0] : after.replace(/\s+#.*$/, '');
    const valueEnd = Math.max(end, offset + written.trimEnd().length);
    const space = text[ctx.prefixStart - 1] === ':' ? ' ' : '';
    const nodes = schemasAtPath(ctx.path, root);
    const last = ctx.path[ctx.path.length - 1];
    const values: CompletionEntry[] = [];
    if (last === 'provider' && typeof ctx.path[ctx.path.length - 2] === 'number') {
      for (const id of providerIds(text)) values.push({ label: id, kind: 'reference', insertText: id, snippet: false, start: ctx.prefixStart, end: valueEnd, detail: 'provider id' });
    }
    values.push(...scalarValueCompletions(nodes, ctx.prefix.trim(), ctx.prefixStart, valueEnd).filter((v) => valueFits(ctx.path, v.label, text, offset)));
    for (const v of values) entries.push(space ? { ...v, insertText: `${space}${v.insertText}`, filterText: v.filterText ?? v.label } : v);
    return entries;
  }

  // A key goes where nothing but the word being typed stands before the end of the line (or the
  // next separator of a flow mapping): elsewhere it would run into what is written there.
  const tail = after.slice(wordRest.length);
  if (!(ctx.flow ? /^\s*([,}\]]|$)/.test(tail) : /^\s*(#.*)?$/.test(tail))) return entries;
  // In a flow mapping a key starts an entry: right after `{` or `,`; in a block, the word typed.
  if (ctx.flow ? !/[{,]\s*$/.test(text.slice(0, ctx.prefixStart)) : !/^[\w$.-]*$/.test(ctx.prefix)) return entries;

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
    entries.push(...propertyEntries(nodes, ctx, end, '- ', root).filter((e) => keyFits(mapPath, e.label, [], text, offset)));
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
  entries.push(...propertyEntries(nodes, ctx, end, '', root).filter((e) => keyFits(mapPath, e.label, ctx.siblings, text, offset)));
  return entries;
}

function propertyEntries(nodes: readonly SchemaNode[], ctx: CursorContext, end: number, lead: string, root: SchemaNode): CompletionEntry[] {
  const entries: CompletionEntry[] = [];
  const seen = new Set(ctx.siblings);
  const required = new Set(nodes.flatMap((n) => n.required ?? []));
  // The first key of a new list item is one it needs: any other would leave it invalid.
  const firstOfItem = (lead !== '' || typeof ctx.path[ctx.path.length - 1] === 'number') && ctx.siblings.length === 0 && required.size > 0;
  for (const node of nodes) {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (seen.has(key) || (firstOfItem && !required.has(key))) continue;
      seen.add(key);
      const resolved = alternatives(child, root);
      const insert = keyInsertText(key, resolved, ctx.flow, root, schemaPathKey([...ctx.path, key]));
      entries.push({
        label: key,
        kind: 'property',
        // Lines after the first sit under the key, past the dash of a new item.
        insertText: lead + insert.text.replace(/\n/g, `\n${' '.repeat(lead.length)}`),
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
