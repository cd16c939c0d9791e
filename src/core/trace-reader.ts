// One reader per trace format behind one interface, and the format a file name suggests.
import { CsvTraceReader } from './trace-csv';
import { JsonlTraceReader } from './trace-jsonl';
import { MooncakeTraceReader } from './trace-mooncake';
import { OtlpTraceReader } from './trace-otlp';
import type { TraceColumns, TraceFormat, TraceReadOptions, TraceRecord } from './trace-record';

export interface TraceLineReader {
  /** Records of one line (none for a header or an empty line; many for an OTLP batch). */
  readLine(text: string, line: number): TraceRecord[];
  /** The column mapping in use, once known (formats with fixed fields have none). */
  readonly resolvedColumns?: TraceColumns | undefined;
  readonly timeUnit?: string;
  /** OTLP: spans left out because they carry no GenAI usage. */
  readonly skippedSpans?: number;
}

export function createTraceReader(options: TraceReadOptions): TraceLineReader {
  switch (options.format) {
    case 'csv':
      return new CsvTraceReader(options);
    case 'otlp':
      return new OtlpTraceReader(options);
    case 'mooncake':
      return new MooncakeTraceReader(options);
    case 'jsonl':
      return new JsonlTraceReader(options);
  }
}

/** The format a file name or the start of its text suggests; undefined when neither tells. */
export function guessTraceFormat(fileName: string, head?: string): TraceFormat | undefined {
  if (/\.csv$/i.test(fileName)) return 'csv';
  const start = head?.trimStart() ?? '';
  if (start.startsWith('{')) {
    if (/"resourceSpans"\s*:/.test(start)) return 'otlp';
    if (/"input_length"\s*:/.test(start) && /"timestamp"\s*:/.test(start)) return 'mooncake';
    return 'jsonl';
  }
  if (/\.(jsonl|ndjson)$/i.test(fileName)) return 'jsonl';
  if (/\.json$/i.test(fileName) && start.startsWith('{')) return 'otlp';
  return undefined;
}
