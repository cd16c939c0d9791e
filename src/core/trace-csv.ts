// CSV request logs: a header row names the columns, each later row is one request. Fields may
// be quoted ("" escapes a quote); a quoted field cannot span lines, since a trace is read a line
// at a time.
import { TraceError, checkRequiredColumns, guessColumns, type TraceRecord } from './trace-record';
import { MappedTraceReader } from './trace-jsonl';
import { scanCsvRow } from './csv';

/** Splits one line of a CSV trace into fields. */
export function splitCsvLine(text: string, line: number): string[] {
  const row = scanCsvRow(text, 0);
  if (row.unclosedQuote) throw new TraceError(line, `a quoted field is not closed on this line (fields of a trace cannot span lines)`);
  return row.fields;
}

export class CsvTraceReader extends MappedTraceReader {
  private header: string[] | undefined;
  private readonly index = new Map<string, number>();

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
    return [this.record(get, line)];
  }
}
