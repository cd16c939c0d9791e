// Hover text for a scenario file, computed from the JSON schema and the YAML text: what the
// field under the cursor means, its type, default and an example; on a threshold, what its
// metric measures. Editors only adapt the result, so a new schema field needs no editor code.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { findMetric, LATENCY_METRICS, LATENCY_STATS, type MetricUnit } from '../../vocabulary/metric-catalog';
import { scenarioSchema, type SchemaNode } from './scenario-schema';

export type SchemaPathSegment = string | number;

export interface SchemaHover {
  /** Markdown shown in the hover. */
  markdown: string;
  /** [start, end) offsets of the word the hover is about. */
  start: number;
  end: number;
}

/** Follows local `#/definitions/...` references; keywords beside a `$ref` win over the target's. */
export function resolveRef(node: SchemaNode, root: SchemaNode = scenarioSchema): SchemaNode {
  let current = node;
  for (let hops = 0; current.$ref && hops < 16; hops++) {
    const match = /^#\/(definitions|\$defs)\/(.+)$/.exec(current.$ref);
    const table = match ? (root[match[1] as 'definitions'] as Record<string, SchemaNode> | undefined) : undefined;
    const target = match && table ? table[match[2]] : undefined;
    if (!target) break;
    const { $ref: _ref, ...siblings } = current;
    current = { ...target, ...siblings };
  }
  return current;
}

/** Every concrete schema a value may match: `$ref`s followed, `oneOf`/`anyOf`/`allOf` flattened. */
export function alternatives(node: SchemaNode, root: SchemaNode = scenarioSchema): SchemaNode[] {
  const out: SchemaNode[] = [];
  const visit = (n: SchemaNode, depth: number) => {
    const resolved = resolveRef(n, root);
    const branches = [...((resolved.oneOf as SchemaNode[]) ?? []), ...((resolved.anyOf as SchemaNode[]) ?? []), ...((resolved.allOf as SchemaNode[]) ?? [])];
    if (branches.length === 0 || depth > 8) {
      out.push(resolved);
      return;
    }
    const { oneOf: _o, anyOf: _a, allOf: _l, ...own } = resolved;
    if (Object.keys(own).some((k) => k !== 'description' && k !== 'markdownDescription')) out.push(own);
    for (const branch of branches) visit({ description: resolved.description, markdownDescription: resolved.markdownDescription, ...branch }, depth + 1);
  };
  visit(node, 0);
  return out;
}

/** Candidate schemas for the value at a path of keys and array indices (any number = any item). */
export function schemasAtPath(path: readonly SchemaPathSegment[], root: SchemaNode = scenarioSchema): SchemaNode[] {
  let current = alternatives(root, root);
  for (const segment of path) {
    const next: SchemaNode[] = [];
    for (const node of current) {
      if (typeof segment === 'number') {
        if (node.items && typeof node.items === 'object') next.push(...alternatives(node.items, root));
      } else if (node.properties?.[segment]) {
        next.push(...alternatives(node.properties[segment], root));
      } else if (node.additionalProperties && typeof node.additionalProperties === 'object') {
        next.push(...alternatives(node.additionalProperties, root));
      }
    }
    if (next.length === 0) return [];
    current = next;
  }
  return current;
}

export function typesOf(node: SchemaNode): string[] {
  if (node.enum) return ['enum'];
  if (Array.isArray(node.type)) return node.type;
  if (typeof node.type === 'string') return [node.type];
  if (node.properties) return ['object'];
  if (node.items) return ['array'];
  return [];
}

export function descriptionOf(node: SchemaNode): string | undefined {
  return (node.markdownDescription as string | undefined) ?? node.description;
}

function inlineValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `[${value.map(inlineValue).join(', ')}]`;
  return `{ ${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}: ${inlineValue(v)}`).join(', ')} }`;
}

const code = (text: string) => '`' + text.replace(/`/g, "'") + '`';

/** Markdown describing a field: description, type, allowed values, default, examples. */
export function describeField(name: string | undefined, nodes: readonly SchemaNode[]): string {
  const lines: string[] = [];
  const first = nodes[0] ?? {};
  const types = [...new Set(nodes.flatMap(typesOf))].filter((t) => t !== 'enum');
  const expected = nodes.map((n) => n['x-expected']).find((x): x is string => typeof x === 'string');
  const head = name !== undefined ? `**${name}**` : '';
  const typeText = expected ?? (types.length ? types.join(' | ') : '');
  if (head || typeText) lines.push([head, typeText ? `_${typeText}_` : ''].filter(Boolean).join(' — '));
  const description = nodes.map(descriptionOf).find(Boolean);
  if (description) lines.push(description);
  const enums = [...new Set(nodes.flatMap((n) => n.enum ?? []))];
  if (enums.length) lines.push(`Allowed: ${enums.map((v) => code(inlineValue(v))).join(' · ')}`);
  const required = nodes.flatMap((n) => n.required ?? []);
  if (required.length && types.includes('object')) lines.push(`Required: ${[...new Set(required)].map(code).join(', ')}`);
  if (first.default !== undefined) lines.push(`Default: ${code(inlineValue(first.default))}`);
  const examples = nodes.flatMap((n) => n.examples ?? []);
  if (examples.length) lines.push(`Example${examples.length > 1 ? 's' : ''}: ${examples.slice(0, 4).map((e) => code(inlineValue(e))).join(' · ')}`);
  return lines.join('\n\n');
}

const UNIT_HINTS: Record<MetricUnit, string> = {
  ms: 'milliseconds — write `1.5s`, `800ms` or a bare number of ms',
  fraction: 'a share — write `1%` or `0.01`',
  usd: 'USD — write `$5` or `5`',
  count: 'a count',
  ratio: 'a ratio',
  per_second: 'per second',
  tokens_per_second: 'tokens per second',
};

/** Markdown for a metric named in a threshold expression, or undefined if it is not a metric. */
export function describeMetric(key: string): string | undefined {
  const metric = findMetric(key);
  if (metric) return `**${metric.key}** — ${UNIT_HINTS[metric.unit]}\n\n${metric.description}`;
  const latency = LATENCY_METRICS.find((m) => m.name === key);
  if (latency) return `**${latency.name}** — milliseconds\n\n${latency.description}\n\nPick a statistic: ${LATENCY_STATS.map((s) => code(`${key}.${s}`)).join(' · ')}`;
  return undefined;
}

interface NodeAtOffset {
  path: SchemaPathSegment[];
  /** What the cursor is on: a mapping key, or a scalar value. */
  target: 'key' | 'value';
  start: number;
  end: number;
  /** The scalar's source text and where it starts, for sub-word hovers (threshold metrics). */
  source?: string;
  sourceStart?: number;
}

const within = (offset: number, range: readonly number[] | null | undefined) => !!range && offset >= range[0] && offset <= range[1];

function findNode(node: Node | null | undefined, offset: number, path: SchemaPathSegment[], text: string): NodeAtOffset | undefined {
  if (!node) return undefined;
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = pair.key as Node | null;
      const keyName = isScalar(key) ? String(key.value) : undefined;
      if (keyName === undefined) continue;
      if (within(offset, key?.range)) return { path: [...path, keyName], target: 'key', start: key!.range![0], end: key!.range![1] };
      const value = pair.value as Node | null;
      if (within(offset, value?.range)) return findNode(value, offset, [...path, keyName], text);
    }
    return undefined;
  }
  if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const item = node.items[i] as Node | null;
      if (within(offset, item?.range)) return findNode(item, offset, [...path, i], text);
    }
    return undefined;
  }
  if (isScalar(node) && node.range) {
    const [start, end] = node.range;
    return { path, target: 'value', start, end, source: text.slice(start, end), sourceStart: start };
  }
  return undefined;
}

/** Finds the key or scalar under `offset` and its path from the document root. */
export function nodeAtOffset(text: string, offset: number): NodeAtOffset | undefined {
  const doc = parseDocument(text, { lineCounter: new LineCounter(), uniqueKeys: false, strict: false });
  return findNode(doc.contents as Node | null, offset, [], text);
}

const isThresholdPath = (path: readonly SchemaPathSegment[]) =>
  path[0] === 'thresholds' && typeof path[1] === 'number' && (path.length === 2 || (path.length === 3 && path[2] === 'expr'));

/** The hover for `offset` in a scenario's text, or undefined when there is nothing to say. */
export function hoverAt(text: string, offset: number, root: SchemaNode = scenarioSchema): SchemaHover | undefined {
  let found: NodeAtOffset | undefined;
  try {
    found = nodeAtOffset(text, offset);
  } catch {
    return undefined;
  }
  if (!found) return undefined;

  if (found.target === 'value' && isThresholdPath(found.path) && found.source !== undefined && found.sourceStart !== undefined) {
    // The metric is the first word of the expression; quoted scalars start one character later.
    const match = /[A-Za-z][A-Za-z0-9_.]*/.exec(found.source);
    if (match) {
      const start = found.sourceStart + match.index;
      const metric = describeMetric(match[0]);
      if (metric) return { markdown: metric, start, end: start + match[0].length };
    }
  }

  const nodes = schemasAtPath(found.path, root);
  if (nodes.length === 0) return undefined;
  const last = found.path[found.path.length - 1];
  const name = typeof last === 'string' ? last : undefined;
  let markdown = describeField(name, nodes);
  if (found.target === 'value' && found.source !== undefined) {
    const value = found.source.replace(/^["']|["']$/g, '');
    const enumDescription = enumValueDescription(nodes, value);
    if (enumDescription) markdown = `${code(value)} — ${enumDescription}\n\n---\n\n${markdown}`;
  }
  return markdown ? { markdown, start: found.start, end: found.end } : undefined;
}

/** The schema's own words on one enum value: `enumDescriptions`, or the "`value`: text" part of the description. */
function enumValueDescription(nodes: readonly SchemaNode[], value: string): string | undefined {
  for (const node of nodes) {
    if (!node.enum) continue;
    const index = node.enum.findIndex((v) => String(v) === value);
    if (index === -1) continue;
    const listed = (node.markdownEnumDescriptions ?? node.enumDescriptions) as string[] | undefined;
    if (listed?.[index]) return listed[index];
    const description = descriptionOf(node) ?? '';
    const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const part = new RegExp('`' + escaped + '`\\s*:\\s*([^;`]+?)(?:[;.](?=\\s*`|\\s*$)|$)').exec(description);
    if (part) return part[1].trim();
  }
  return undefined;
}
