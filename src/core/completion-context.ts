// What the rest of the scenario says about what completion may offer at the cursor, so it never
// offers a field or value that validation would then reject: a provider's fields by its type,
// a provider's type by the fields it already has, stage and load fields by the load model, a
// mix entry's prompt or promptTokens but not both. Read from the text with indentation rules
// (the file is usually mid-edit, so not parsed). Pure.
import type { SchemaPathSegment } from './schema-hover';
import { providerFieldOwner } from './provider-fields';
import { faultKindFits, faultTakesField } from './resolve-faults';

type ProviderType = 'openai' | 'mock' | 'http';
const PROVIDER_TYPES: readonly ProviderType[] = ['openai', 'mock', 'http'];

/** Fields a provider type takes beyond those validation ties to one type: the mock ignores
 * request headers, and an http target's stream settings need `response: sse`. */
const NOT_FOR: Partial<Record<string, readonly ProviderType[]>> = { headers: ['mock'] };
const SSE_ONLY = new Set(['contentPointer', 'doneData']);

/** Lines of `text` with their start offsets. */
function linesOf(text: string): Array<{ start: number; text: string }> {
  const out: Array<{ start: number; text: string }> = [];
  let start = 0;
  for (const line of text.split('\n')) {
    out.push({ start, text: line });
    start += line.length + 1;
  }
  return out;
}

const indentOf = (line: string) => /^ */.exec(line)![0].length;
const blank = (line: string) => /^\s*(#.*)?$/.test(line);

/** The text of the sequence item the offset is in: from its dash to the next line as shallow
 * as the dash (the whole line for a flow item `- { … }`). */
export function enclosingItemText(text: string, offset: number): string {
  const lines = linesOf(text);
  let at = lines.findIndex((l, i) => offset >= l.start && (i === lines.length - 1 || offset < lines[i + 1]!.start));
  if (at < 0) at = lines.length - 1;
  const cursorColumn = offset - lines[at]!.start;
  for (let i = at; i >= 0; i--) {
    const line = lines[i]!.text;
    if (blank(line)) continue;
    const dash = /^(\s*)- /.exec(line) ?? /^(\s*)-$/.exec(line);
    const column = dash ? dash[1]!.length : indentOf(line);
    if (dash && (i < at || column < cursorColumn)) {
      let end = i + 1;
      while (end < lines.length && (blank(lines[end]!.text) || indentOf(lines[end]!.text) > column)) end++;
      return lines.slice(i, end).map((l) => l.text).join('\n');
    }
    if (!dash && i < at && column < Math.min(cursorColumn, indentOf(lines[at]!.text) || cursorColumn)) break;
  }
  return lines[at]!.text;
}

/** The text of a top-level block (`load:` and its indented lines, or its flow mapping). */
function topLevelBlock(text: string, key: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^${key}\\s*:`).test(l));
  if (start < 0) return '';
  let end = start + 1;
  while (end < lines.length && (blank(lines[end]!) || /^\s/.test(lines[end]!))) end++;
  return lines.slice(start, end).join('\n');
}

/** A scalar written as `key: value` anywhere in `region` (block or flow). */
function scalarIn(region: string, key: string): string | undefined {
  return new RegExp(`(?:^|[\\s{,])${key}\\s*:\\s*["']?([\\w/.-]+)`, 'm').exec(region)?.[1];
}

/** Keys written in `region` at any depth (enough to tell which fields a provider has). */
function keysIn(region: string): Set<string> {
  return new Set([...region.matchAll(/(?:^|[\s{,-])([A-Za-z_][\w]*)\s*:(?=\s|$)/gm)].map((m) => m[1]!));
}

function loadModel(text: string): 'open' | 'closed' | undefined {
  const model = scalarIn(topLevelBlock(text, 'load').replace(/^load\s*:/, ''), 'model');
  return model === 'open' || model === 'closed' ? model : undefined;
}

const isProvider = (path: readonly SchemaPathSegment[]) => path.length === 2 && path[0] === 'providers' && typeof path[1] === 'number';
/** A fault of a mock provider (providers[n].faults[m]) or of a gateway upstream (gateway.upstreams[n].faults[m]). */
const isFault = (path: readonly SchemaPathSegment[]) =>
  typeof path[path.length - 1] === 'number' && path[path.length - 2] === 'faults' && ((path.length === 4 && path[0] === 'providers') || (path.length === 5 && path[0] === 'gateway' && path[1] === 'upstreams'));
const isUpstream = (path: readonly SchemaPathSegment[]) => path.length === 3 && path[0] === 'gateway' && path[1] === 'upstreams' && typeof path[2] === 'number';
const isStage = (path: readonly SchemaPathSegment[]) => path.length === 3 && path[0] === 'load' && path[1] === 'stages' && typeof path[2] === 'number';

/** Whether a key may be offered in the mapping at `path`, given the rest of the text. */
export function keyFits(path: readonly SchemaPathSegment[], key: string, siblings: readonly string[], text: string, offset: number): boolean {
  if (isProvider(path)) {
    const item = enclosingItemText(text, offset);
    const type = scalarIn(item, 'type') as ProviderType | undefined;
    if (!type || !PROVIDER_TYPES.includes(type)) return true;
    const owner = providerFieldOwner(key);
    if (owner && owner !== type) return false;
    if (NOT_FOR[key]?.includes(type)) return false;
    if (SSE_ONLY.has(key) && scalarIn(item, 'response') !== 'sse') return false;
    return true;
  }
  if (isUpstream(path)) {
    // A proxy in front of a URL or of an embedded mock, not both.
    const fields = keysIn(enclosingItemText(text, offset));
    if (key === 'url' && fields.has('mock')) return false;
    if (key === 'mock' && fields.has('url')) return false;
    return true;
  }
  if (isFault(path)) {
    const kind = scalarIn(enclosingItemText(text, offset), 'kind');
    return kind === undefined || faultTakesField(kind, key);
  }
  if (isStage(path)) {
    const model = loadModel(text) ?? 'open';
    if (model === 'open' && key === 'users') return false;
    if (model === 'closed' && key === 'rate') return false;
    return true;
  }
  if (path.length === 1 && path[0] === 'load') {
    const model = loadModel(text) ?? 'open';
    if (key === 'thinkTime' && model !== 'closed') return false;
    return true;
  }
  if (path.length === 3 && path[0] === 'workload' && path[1] === 'mix' && typeof path[2] === 'number') {
    // A prompt's size is measured from its text: one or the other.
    if (key === 'prompt' && siblings.includes('promptTokens')) return false;
    if (key === 'promptTokens' && siblings.includes('prompt')) return false;
  }
  return true;
}

/** Whether a value may be offered for the field at `path` (a key of a mapping). */
export function valueFits(path: readonly SchemaPathSegment[], value: string, text: string, offset: number): boolean {
  const field = path[path.length - 1];
  if (field === 'type' && isProvider(path.slice(0, -1)) && PROVIDER_TYPES.includes(value as ProviderType)) {
    // A type the provider's other fields do not belong to, or whose required fields it lacks,
    // would turn them into errors.
    const fields = keysIn(enclosingItemText(text, offset));
    for (const f of fields) {
      const owner = providerFieldOwner(f);
      if (owner && owner !== value) return false;
      if (NOT_FOR[f]?.includes(value as ProviderType)) return false;
    }
    const required: Record<ProviderType, readonly string[]> = { openai: ['baseUrl', 'model'], http: ['url'], mock: [] };
    return required[value as ProviderType].every((r) => fields.has(r));
  }
  if (path.length === 2 && path[0] === 'load' && field === 'model') {
    const load = topLevelBlock(text, 'load');
    if (value === 'open' && /(?:^|[\s{,])(users|thinkTime)\s*:/m.test(load)) return false;
    if (value === 'closed' && /(?:^|[\s{,])rate\s*:/m.test(load)) return false;
    if (value === 'breaking-point' && !/(?:^|[\s{,])search\s*:/m.test(load)) return false;
    if (value !== 'breaking-point' && /(?:^|[\s{,])search\s*:/m.test(load) && !/(?:^|[\s{,])stages\s*:/m.test(load)) return false;
    // A replay takes its arrivals from a trace (required), not from stages or a search; the trace
    // means nothing to the other models.
    const hasTrace = /(?:^|[\s{,])trace\s*:/m.test(load);
    if (value === 'replay' && (!hasTrace || /(?:^|[\s{,])(stages|search)\s*:/m.test(load))) return false;
    if (value !== 'replay' && hasTrace) return false;
  }
  if (path[0] === 'load' && path[1] === 'stages' && typeof path[2] === 'number' && ['rate', 'rampTo', 'users', 'peak'].includes(String(field))) {
    // The first stage sets the baseline: a multiple of it, or nothing, cannot.
    if (path[2] === 0 && (/x$/.test(value) || /^0*(\.0*)?(\/|$)/.test(value))) return false;
    // Rates are for the open model, numbers of users for the closed one.
    const closed = loadModel(text) === 'closed';
    if (closed && /\//.test(value)) return false;
    if (!closed && /^[\d.]+$/.test(value)) return false;
  }
  // A warm-up runs before the baseline exists: absolute rates only.
  if (path[0] === 'cache' && path[1] === 'warmup' && field === 'rate' && /x$/.test(value)) return false;
  // A fault kind takes the fault's other fields and needs its own.
  if (field === 'kind' && isFault(path.slice(0, -1)) && !faultKindFits(value, keysIn(enclosingItemText(text, offset)))) return false;
  // A value a flow list already holds (`on: [429, 5xx]`) is not offered again.
  if (typeof path[path.length - 1] === 'number') {
    const line = text.slice(text.lastIndexOf('\n', offset - 1) + 1, offset);
    const open = line.lastIndexOf('[');
    if (open >= 0) {
      const restOfLine = text.slice(offset, (text.indexOf('\n', offset) + 1 || text.length + 1) - 1);
      const list = `${line.slice(open + 1)}${restOfLine.slice(0, restOfLine.indexOf(']') < 0 ? undefined : restOfLine.indexOf(']'))}`;
      const items = list.split(',').map((i) => i.trim().replace(/^["']|["']$/g, ''));
      const current = `${line.slice(open + 1).split(',').pop()!.trim()}${/^[^,\]]*/.exec(restOfLine)![0].trim()}`;
      if (items.filter((i) => i === value).length > (current === value ? 1 : 0)) return false;
    }
  }
  // A breaking-point search steps up: its end is above its start.
  if (path.length === 3 && path[0] === 'load' && path[1] === 'search' && (field === 'from' || field === 'to')) {
    const other = Number.parseFloat(scalarIn(topLevelBlock(text, 'load'), field === 'from' ? 'to' : 'from') ?? '');
    const mine = Number.parseFloat(value);
    if (Number.isFinite(other) && Number.isFinite(mine) && (field === 'to' ? mine <= other : mine >= other)) return false;
  }
  // Names and ids are unique in their list: not one another item already has.
  const unique = (field === 'name' && ((path[0] === 'workload' && path[1] === 'mix') || (path[0] === 'load' && path[1] === 'stages') || (path[0] === 'gateway' && path[1] === 'upstreams'))) || (field === 'id' && path[0] === 'providers');
  if (unique && path.length === 4 - (path[0] === 'providers' ? 1 : 0)) {
    const list = topLevelBlock(text, String(path[0]));
    const own = scalarIn(enclosingItemText(text, offset), String(field));
    const used = [...list.matchAll(new RegExp(`(?:^|[\\s{,-])${String(field)}\\s*:\\s*["']?([\\w.-]+)`, 'gm'))].map((m) => m[1]);
    if (used.filter((u) => u === value).length > (own === value ? 1 : 0)) return false;
  }
  return true;
}
