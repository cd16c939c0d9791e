// One request of a production trace, as every trace reader yields it: when it arrived, how big
// its prompt and answer were, which route or model it went to, and what prefix it shared with
// other requests. Prompt text is kept only when the user maps a prompt column and asks for it.
// Pure: readers take lines of text; src/runner/trace-file.ts streams the file.

export type TraceFormat = 'jsonl' | 'csv' | 'otlp' | 'mooncake';

export const TRACE_FORMATS: readonly TraceFormat[] = ['jsonl', 'csv', 'otlp', 'mooncake'];

/** How a timestamp column is read: seconds, milliseconds, micro- or nanoseconds since an
 * epoch (or since the trace's start), an ISO 8601 string, or guessed from the first value. */
export type TimeUnit = 'auto' | 's' | 'ms' | 'us' | 'ns' | 'iso';

/** Which field of a record holds what. For JSONL, a dotted path ("usage.prompt_tokens"); for
 * CSV, a header name; for OTLP, a span attribute key. */
export interface TraceColumns {
  time?: string;
  promptTokens?: string;
  outputTokens?: string;
  route?: string;
  /** Identity of a shared prompt prefix (a system prompt's hash, a conversation id). */
  prefix?: string;
  /** How many leading prompt tokens the prefix covers. */
  prefixTokens?: string;
  /** Prompt text: read only when `keepPrompts` is set. */
  prompt?: string;
}

export const TRACE_COLUMN_KEYS: ReadonlyArray<keyof TraceColumns> = ['time', 'promptTokens', 'outputTokens', 'route', 'prefix', 'prefixTokens', 'prompt'];

export interface TraceReadOptions {
  format: TraceFormat;
  columns?: TraceColumns;
  timeUnit?: TimeUnit;
  /** Tokens per Mooncake hash id block (512 in the published traces). */
  blockTokens?: number;
  /** Copy prompt text from the `prompt` column (never done unless asked). */
  keepPrompts?: boolean;
}

export interface TraceRecord {
  /** 1-based line of the file the record came from. */
  line: number;
  /** Milliseconds, on the trace's own clock (an epoch or the trace's start). */
  timeMs: number;
  promptTokens: number;
  outputTokens: number;
  /** Route or model; '' when the trace has none. */
  route: string;
  /** Mooncake: one id per block of `blockTokens` prompt tokens; equal leading ids mean an
   * equal prefix. */
  blocks?: number[];
  /** Request logs and spans: a prefix identity shared by requests, and its length. */
  prefixId?: string;
  prefixTokens?: number;
  prompt?: string;
}

/** A problem with one line of a trace; the file layer adds the file name. */
export class TraceError extends Error {
  constructor(
    readonly line: number,
    readonly detail: string,
  ) {
    super(`line ${line}: ${detail}`);
  }
}

/** The schema's cap on prompt sizes, also the cap on a trace's recorded sizes. */
export const MAX_TRACE_TOKENS = 2_000_000;

/** Longest line a trace may have: far above any request record, and a bound on memory when a
 * file has no line breaks at all. */
export const MAX_TRACE_LINE_BYTES = 16 * 1024 * 1024;

/** A value at a dotted path of a parsed JSON object ("usage.prompt_tokens"); an exact key
 * containing dots wins over the path. */
export function valueAtPath(record: Record<string, unknown>, path: string): unknown {
  if (Object.prototype.hasOwnProperty.call(record, path)) return record[path];
  let current: unknown = record;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function describe(value: unknown): string {
  const text = typeof value === 'string' ? `'${value}'` : JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** A token count: a whole number from 0 to MAX_TRACE_TOKENS, as a number or a numeric string. */
export function readTokenCount(value: unknown, line: number, field: string): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value.trim()) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw new TraceError(line, `${field} is ${value === undefined ? 'missing' : describe(value)}: expected a token count (a whole number ≥ 0)`);
  }
  if (n < 0) throw new TraceError(line, `${field} is ${n}: a token count cannot be negative`);
  if (!Number.isInteger(n)) throw new TraceError(line, `${field} is ${n}: a token count is a whole number`);
  if (n > MAX_TRACE_TOKENS) throw new TraceError(line, `${field} is ${n}: above ${MAX_TRACE_TOKENS.toLocaleString('en-US')} tokens, the largest context window offered`);
  return n;
}

const UNIT_MS: Record<Exclude<TimeUnit, 'auto' | 'iso'>, number> = { s: 1000, ms: 1, us: 1e-3, ns: 1e-6 };

/** The unit a bare number most likely has, from its size: epoch nanoseconds, microseconds,
 * milliseconds or seconds; small numbers (offsets from the start) are seconds. */
export function guessTimeUnit(value: number): Exclude<TimeUnit, 'auto' | 'iso'> {
  const abs = Math.abs(value);
  if (abs >= 1e17) return 'ns';
  if (abs >= 1e14) return 'us';
  if (abs >= 1e11) return 'ms';
  return 's';
}

/** Reads timestamps of one column; a guessed unit is fixed by the first value, so a trace
 * cannot change units halfway through. */
export class TimeReader {
  private unit: TimeUnit;
  private readonly given: boolean;

  constructor(unit: TimeUnit = 'auto') {
    this.unit = unit;
    this.given = unit !== 'auto';
  }

  get resolvedUnit(): TimeUnit {
    return this.unit;
  }

  read(value: unknown, line: number, field: string): number {
    if (typeof value === 'string') {
      const trimmed = value.trim();
      if (/^-?\d+(\.\d+)?$/.test(trimmed) && this.unit !== 'iso') return this.fromNumber(Number(trimmed), line, field, value);
      if (this.unit !== 'auto' && this.unit !== 'iso') {
        const why = this.given ? `expected a number of ${this.unit} (trace.timeUnit)` : `not a timestamp (earlier lines gave numbers, read as ${this.unit})`;
        throw new TraceError(line, `${field} is ${describe(value)}: ${why}`);
      }
      const ms = Date.parse(trimmed);
      if (trimmed === '' || !Number.isFinite(ms)) {
        throw new TraceError(line, `${field} is ${describe(value)}: not a timestamp (expected an ISO 8601 date-time such as 2025-03-01T12:00:00Z, or a number)`);
      }
      if (this.unit === 'auto') this.unit = 'iso';
      return ms;
    }
    if (typeof value === 'number') return this.fromNumber(value, line, field, value);
    throw new TraceError(line, `${field} is ${value === undefined ? 'missing' : describe(value)}: expected a timestamp`);
  }

  private fromNumber(n: number, line: number, field: string, raw: unknown): number {
    if (!Number.isFinite(n)) throw new TraceError(line, `${field} is ${describe(raw)}: not a timestamp`);
    if (n < 0) throw new TraceError(line, `${field} is ${describe(raw)}: a timestamp cannot be negative`);
    if (this.unit === 'iso') throw new TraceError(line, `${field} is ${describe(raw)}: earlier lines gave ISO date-times, this one a number`);
    if (this.unit === 'auto') this.unit = guessTimeUnit(n);
    return n * UNIT_MS[this.unit as keyof typeof UNIT_MS];
  }
}

/** A route or model name as a mix entry can be named: trimmed, '' when absent. */
export function readRoute(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

/** A prefix identity: any string or number; absent values mean "no shared prefix". */
export function readPrefixId(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** The field names a trace's records use, picked from common spellings when not given. */
export const COLUMN_GUESSES: Required<Record<'time' | 'promptTokens' | 'outputTokens' | 'route', string[]>> = {
  time: ['timestamp', 'time', 'ts', 'start_time', 'startTime', 'created_at', 'created', 'arrival_time', 'request_time'],
  promptTokens: ['prompt_tokens', 'input_tokens', 'input_length', 'promptTokens', 'inputTokens', 'usage.prompt_tokens', 'usage.input_tokens', 'request_tokens', 'Request tokens'],
  outputTokens: ['completion_tokens', 'output_tokens', 'output_length', 'completionTokens', 'outputTokens', 'usage.completion_tokens', 'usage.output_tokens', 'response_tokens', 'Response tokens'],
  route: ['route', 'endpoint', 'path', 'model', 'Model', 'feature', 'operation'],
};

/** Fills the unmapped time, size and route columns from the names a first record or header has. */
export function guessColumns(given: TraceColumns, available: (name: string) => boolean): TraceColumns {
  const out: TraceColumns = { ...given };
  for (const key of ['time', 'promptTokens', 'outputTokens', 'route'] as const) {
    if (out[key] !== undefined) continue;
    const found = COLUMN_GUESSES[key].find(available);
    if (found !== undefined) out[key] = found;
  }
  return out;
}

/** The error for a mapping that names no time or size column. */
export function checkRequiredColumns(columns: TraceColumns, line: number, seen: string[]): void {
  for (const key of ['time', 'promptTokens', 'outputTokens'] as const) {
    if (columns[key] !== undefined) continue;
    const fields = seen.length ? ` (the record has: ${seen.slice(0, 12).join(', ')}${seen.length > 12 ? ', …' : ''})` : '';
    throw new TraceError(line, `no ${key} column found${fields}: map it, e.g. columns: { ${key}: ${COLUMN_GUESSES[key][0]} } (or --columns ${key}=NAME)`);
  }
}

/** "time=ts,promptTokens=usage.in" -> columns; a message naming the bad part otherwise. */
export function parseColumnMapping(text: string): { ok: true; columns: TraceColumns } | { ok: false; message: string } {
  const columns: TraceColumns = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = part.indexOf('=');
    const key = at > 0 ? part.slice(0, at).trim() : '';
    const value = at > 0 ? part.slice(at + 1).trim() : '';
    if (!TRACE_COLUMN_KEYS.includes(key as keyof TraceColumns)) {
      return { ok: false, message: `'${part}': expected KEY=FIELD with KEY one of ${TRACE_COLUMN_KEYS.join(', ')}` };
    }
    if (value === '') return { ok: false, message: `'${part}': the field name is empty` };
    columns[key as keyof TraceColumns] = value;
  }
  return { ok: true, columns };
}
