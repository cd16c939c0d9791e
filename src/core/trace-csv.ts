// CSV request logs: a header row names the columns, each later row is one request. Fields may
// be quoted ("" escapes a quote); a quoted field cannot span lines, since a trace is read a line
// at a time.
import { TimeReader, TraceError, checkRequiredColumns, guessColumns, type TraceColumns, type TraceReadOptions, type TraceRecord } from './trace-record';
import { recordFromFields } from './trace-jsonl';

/** Splits one CSV line into fields (RFC 4180 quoting, one line). */
export function splitCsvLine(text: string, line: number): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  if (quoted) throw new TraceError(line, `a quoted field is not closed on this line (fields of a trace cannot span lines)`);
  fields.push(field);
  return fields;
}

export class CsvTraceReader {
  private header: string[] | undefined;
  private index = new Map<string, number>();
  private columns: TraceColumns | undefined;
  private readonly time: TimeReader;

  constructor(private readonly options: TraceReadOptions) {
    this.time = new TimeReader(options.timeUnit);
  }

  get resolvedColumns(): TraceColumns | undefined {
    return this.columns;
  }

  get timeUnit(): string {
    return this.time.resolvedUnit;
  }

  readLine(raw: string, line: number): TraceRecord[] {
    const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim() === '') return [];
    const cells = splitCsvLine(text, line);
    if (!this.header) {
      this.header = cells.map((c) => c.trim());
      this.header.forEach((name, i) => {
        if (!this.index.has(name)) this.index.set(name, i);
      });
      this.columns = guessColumns(this.options.columns ?? {}, (name) => this.index.has(name));
      checkRequiredColumns(this.columns, line, this.header);
      for (const [key, name] of Object.entries(this.columns)) {
        if (name !== undefined && !this.index.has(name)) {
          throw new TraceError(line, `columns.${key} is '${name}', which the header does not have (it has: ${this.header.join(', ')})`);
        }
      }
      return [];
    }
    if (cells.length !== this.header.length) {
      throw new TraceError(line, `${cells.length} fields, but the header has ${this.header.length}`);
    }
    const get = (name: string): unknown => {
      const i = this.index.get(name);
      return i === undefined ? undefined : cells[i];
    };
    return [recordFromFields(get, this.columns!, this.time, line, this.options.keepPrompts === true)];
  }
}
