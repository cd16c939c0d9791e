// Streams a trace file (or any stream of its bytes) line by line through the format's reader
// and the re-sorting window, handing each request on in time order. Lines are cut by hand, not
// with readline, so a file without line breaks fails at MAX_TRACE_LINE_BYTES instead of being
// buffered whole: memory stays bounded whatever the input.
import { createReadStream, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { createTraceReader, guessTraceFormat, type TraceLineReader } from '../core/trace-reader';
import { MAX_TRACE_LINE_BYTES, TraceError, type TraceColumns, type TraceFormat, type TraceReadOptions, type TraceRecord } from '../core/trace-record';
import { OtlpTraceReader } from '../core/trace-otlp';
import { TraceOrder } from '../core/trace-order';

/** A trace that cannot be read, with the file and line in its message. */
export class TraceFileError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

export interface TraceFileInfo {
  format: TraceFormat;
  columns?: TraceColumns;
  timeUnit?: string;
  records: number;
  lines: number;
  skippedSpans: number;
}

export interface TraceInput {
  /** Name for messages (the path as the user wrote it). */
  name: string;
  /** The bytes: a file path, or a stream (tests generate large inputs on the fly). */
  path?: string;
  stream?: AsyncIterable<Buffer | string>;
}

/** A pretty-printed OTLP document is parsed whole; past this size it must be JSON lines. */
const MAX_OTLP_DOCUMENT_BYTES = 256 * 1024 * 1024;

function open(input: TraceInput): AsyncIterable<Buffer | string> {
  if (input.stream) return input.stream;
  const path = input.path ?? input.name;
  try {
    if (statSync(path).isDirectory()) throw new TraceFileError(`${input.name}: is a folder, not a trace file`);
  } catch (error) {
    if (error instanceof TraceFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new TraceFileError(`${input.name}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot read it (${code ?? (error as Error).message})`}`);
  }
  return createReadStream(path, { highWaterMark: 1 << 20 });
}

/** Lines of a byte stream, numbered from 1, each at most MAX_TRACE_LINE_BYTES. */
async function* linesOf(source: AsyncIterable<Buffer | string>, name: string): AsyncGenerator<{ text: string; line: number }> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let line = 0;
  for await (const chunk of source) {
    const text = pending + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl >= 0; nl = text.indexOf('\n', start)) {
      line++;
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      yield { text: text.slice(start, end), line };
      start = nl + 1;
    }
    pending = text.slice(start);
    if (pending.length > MAX_TRACE_LINE_BYTES) {
      throw new TraceFileError(`${name}:${line + 1}: line ${line + 1} is longer than ${MAX_TRACE_LINE_BYTES / 1024 / 1024} MiB: not a trace of one request a line (is this the right file, or a single JSON document?)`, line + 1);
    }
  }
  pending += decoder.end();
  if (pending.length > 0) yield { text: pending.replace(/\r$/, ''), line: line + 1 };
}

/**
 * Reads a trace, calling `onRecord` for every request in time order. `limit` bounds how many
 * requests are accepted (a replay holds them in memory); the record past it is an error naming
 * its line. Throws TraceFileError with `file:line:` for any bad line.
 */
export async function readTrace(input: TraceInput, options: Omit<TraceReadOptions, 'format'> & { format?: TraceFormat }, onRecord: (record: TraceRecord) => void, limit?: { max: number; hint: string }): Promise<TraceFileInfo> {
  const source = open(input);
  let reader: TraceLineReader | undefined;
  let format = options.format;
  const order = new TraceOrder();
  let records = 0;
  let lines = 0;
  let document: string[] | null = null;
  let documentBytes = 0;
  const emit = (list: TraceRecord[]) => {
    for (const r of list) {
      if (limit && records >= limit.max) {
        throw new TraceError(r.line, `the trace holds more than ${limit.max.toLocaleString('en-US')} requests, ${limit.hint}`);
      }
      records++;
      onRecord(r);
    }
  };
  try {
    for await (const { text, line } of linesOf(source, input.name)) {
      lines = line;
      if (!reader) {
        if (text.trim() === '') continue;
        format ??= guessTraceFormat(input.name, text);
        if (!format) {
          throw new TraceError(line, `cannot tell the trace format from the file name or its first line: give it (trace.format, or --format) as one of jsonl, csv, otlp, mooncake`);
        }
        reader = createTraceReader({ ...options, format });
        // An OTLP export pretty-printed as one document: its first line is an opening brace.
        if (format === 'otlp' && /^\s*\{\s*$/.test(text)) document = [];
      }
      if (document) {
        documentBytes += text.length + 1;
        if (documentBytes > MAX_OTLP_DOCUMENT_BYTES) {
          throw new TraceError(line, `a pretty-printed OTLP document larger than ${MAX_OTLP_DOCUMENT_BYTES / 1024 / 1024} MiB: export JSON lines instead (one ExportTraceServiceRequest a line, as the Collector's file exporter writes)`);
        }
        document.push(text);
        continue;
      }
      for (const r of reader.readLine(text, line)) emit(order.push(r));
    }
    if (document && reader) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(document.join('\n'));
      } catch (error) {
        throw new TraceError(1, `not valid JSON (${error instanceof Error ? error.message : 'invalid'})`);
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new TraceError(1, 'expected an OTLP JSON object');
      for (const r of (reader as OtlpTraceReader).readDocument(parsed as Record<string, unknown>, 1)) emit(order.push(r));
    }
    emit(order.flush());
  } catch (error) {
    if (error instanceof TraceError) throw new TraceFileError(`${input.name}:${error.line}: ${error.detail}`, error.line);
    if (error instanceof TraceFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new TraceFileError(`${input.name}: cannot read it (${code ?? (error instanceof Error ? error.message : String(error))})`);
  } finally {
    const closable = source as { destroy?: () => void };
    closable.destroy?.();
  }
  if (records === 0) {
    throw new TraceFileError(`${input.name}: no requests in the trace${reader?.skippedSpans ? ` (${reader.skippedSpans} spans, none with GenAI token usage: gen_ai.usage.input_tokens / output_tokens)` : lines === 0 ? ' (the file is empty)' : ''}`);
  }
  return { format: format!, columns: reader?.resolvedColumns, timeUnit: reader?.timeUnit, records, lines, skippedSpans: reader?.skippedSpans ?? 0 };
}
