// JSON Lines request logs: one JSON object a line, fields picked by a column mapping (dotted
// paths into nested objects) or guessed from common names on the first record.
import {
  TimeReader,
  TraceError,
  checkRequiredColumns,
  guessColumns,
  readPrefixId,
  readRoute,
  readTokenCount,
  valueAtPath,
  type TraceColumns,
  type TraceReadOptions,
  type TraceRecord,
} from './trace-record';

/** Parses one line as a JSON object, or throws a TraceError naming the line. */
export function parseJsonObjectLine(text: string, line: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^Unexpected/, 'unexpected') : 'invalid JSON';
    throw new TraceError(line, `not valid JSON (${reason.length > 120 ? `${reason.slice(0, 117)}…` : reason})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TraceError(line, `expected a JSON object a line, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`);
  }
  return value as Record<string, unknown>;
}

/** Every dotted path of an object's leaves, for "the record has: …" hints and guessing. */
function fieldNames(record: Record<string, unknown>, prefix = '', depth = 0): string[] {
  const names: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && depth < 3) names.push(...fieldNames(value as Record<string, unknown>, path, depth + 1));
    else names.push(path);
  }
  return names;
}

/** What the readers of column-mapped logs (JSONL, CSV) share: the mapping, found on the first
 * record (or header), and the time reader. */
export abstract class MappedTraceReader {
  protected columns: TraceColumns | undefined;
  private readonly time: TimeReader;

  constructor(protected readonly options: TraceReadOptions) {
    this.time = new TimeReader(options.timeUnit);
  }

  /** The mapping in use, once the first record has been read. */
  get resolvedColumns(): TraceColumns | undefined {
    return this.columns;
  }

  get timeUnit(): string {
    return this.time.resolvedUnit;
  }

  /** The request on `line`, its fields read by name through `get`. */
  protected record(get: (name: string) => unknown, line: number): TraceRecord {
    return recordFromFields(get, this.columns!, this.time, line, this.options.keepPrompts === true);
  }
}

export class JsonlTraceReader extends MappedTraceReader {
  readLine(text: string, line: number): TraceRecord[] {
    if (text.trim() === '') return [];
    const record = parseJsonObjectLine(text, line);
    if (!this.columns) {
      const names = fieldNames(record);
      this.columns = guessColumns(this.options.columns ?? {}, (name) => valueAtPath(record, name) !== undefined);
      checkRequiredColumns(this.columns, line, names);
    }
    return [this.record((name) => valueAtPath(record, name), line)];
  }
}

/** Builds a record from named fields. */
function recordFromFields(get: (name: string) => unknown, columns: TraceColumns, time: TimeReader, line: number, keepPrompts: boolean): TraceRecord {
  const out: TraceRecord = {
    line,
    timeMs: time.read(get(columns.time!), line, columns.time!),
    promptTokens: readTokenCount(get(columns.promptTokens!), line, columns.promptTokens!),
    outputTokens: readTokenCount(get(columns.outputTokens!), line, columns.outputTokens!),
    route: columns.route !== undefined ? readRoute(get(columns.route)) : '',
  };
  if (columns.prefix !== undefined) {
    const id = readPrefixId(get(columns.prefix));
    if (id !== undefined) {
      out.prefixId = id;
      if (columns.prefixTokens === undefined) {
        throw new TraceError(line, `columns.prefix is mapped but columns.prefixTokens is not: map the field that says how many leading prompt tokens the prefix covers`);
      }
      out.prefixTokens = Math.min(readTokenCount(get(columns.prefixTokens), line, columns.prefixTokens), out.promptTokens);
    }
  }
  if (keepPrompts && columns.prompt !== undefined) {
    const prompt = get(columns.prompt);
    if (typeof prompt === 'string') out.prompt = prompt;
  }
  return out;
}
