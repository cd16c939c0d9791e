// Puts a trace's records in time order as they stream in. Logs written when a request ends,
// and OTLP exports written in batches, are a little out of order; a window of re-sorting
// covers that. A record older than the window, or a trace longer than MAX_TRACE_SPAN_MS, is an
// error naming its line, so memory stays bounded by the window, whatever the file's size.
import { TraceError, type TraceRecord } from './trace-record';

/** How far back in trace time a record may arrive and still be sorted into place. */
export const REORDER_WINDOW_MS = 60_000;
/** Longest trace accepted: a month. A timestamp beyond it is almost always a unit mix-up. */
export const MAX_TRACE_SPAN_MS = 31 * 24 * 3_600_000;

function spanText(ms: number): string {
  const s = ms / 1000;
  if (s >= 2 * 86_400 * 365) return `${Math.round(s / 86_400 / 365)} years`;
  if (s >= 2 * 86_400) return `${Math.round(s / 86_400)} days`;
  if (s >= 7200) return `${Math.round(s / 3600)} h`;
  if (s >= 120) return `${Math.round(s / 60)} min`;
  return `${Math.round(s * 10) / 10} s`;
}

export class TraceOrder {
  private buffer: TraceRecord[] = [];
  private head = 0;
  private latest = -Infinity;
  private latestLine = 0;
  private first: { timeMs: number; line: number } | undefined;

  constructor(private readonly windowMs = REORDER_WINDOW_MS) {}

  /** Accepts a record; returns those now certain to come before any later one. */
  push(record: TraceRecord): TraceRecord[] {
    if (record.timeMs < this.latest - this.windowMs) {
      throw new TraceError(
        record.line,
        `the timestamp is ${spanText(this.latest - record.timeMs)} before line ${this.latestLine}'s: the trace is out of time order by more than the ${spanText(this.windowMs)} the reader re-sorts — sort it by time first`,
      );
    }
    if (!this.first || record.timeMs < this.first.timeMs) {
      if (this.first && this.latest - record.timeMs > MAX_TRACE_SPAN_MS) this.tooLong(record, this.latest - record.timeMs);
      this.first ??= { timeMs: record.timeMs, line: record.line };
      if (record.timeMs < this.first.timeMs) this.first = { timeMs: record.timeMs, line: record.line };
    }
    if (record.timeMs - this.first.timeMs > MAX_TRACE_SPAN_MS) this.tooLong(record, record.timeMs - this.first.timeMs);
    if (record.timeMs > this.latest) {
      this.latest = record.timeMs;
      this.latestLine = record.line;
    }
    // Insertion from the end: records are nearly sorted, so this is a step or two.
    const buffer = this.buffer;
    let i = buffer.length;
    buffer.push(record);
    while (i > this.head && buffer[i - 1].timeMs > record.timeMs) {
      buffer[i] = buffer[i - 1];
      i--;
    }
    buffer[i] = record;
    const released: TraceRecord[] = [];
    const cutoff = this.latest - this.windowMs;
    while (this.head < buffer.length && buffer[this.head].timeMs <= cutoff) released.push(buffer[this.head++]);
    if (this.head > 4096 && this.head * 2 > buffer.length) {
      this.buffer = buffer.slice(this.head);
      this.head = 0;
    }
    return released;
  }

  /** The records still held, in order, at the end of the file. */
  flush(): TraceRecord[] {
    const rest = this.buffer.slice(this.head);
    this.buffer = [];
    this.head = 0;
    return rest;
  }

  private tooLong(record: TraceRecord, spanMs: number): never {
    throw new TraceError(
      record.line,
      `the timestamp is ${spanText(spanMs)} away from line ${this.first!.line}'s: a trace may span at most ${spanText(MAX_TRACE_SPAN_MS)} (a mix-up of seconds and milliseconds? set trace.timeUnit)`,
    );
  }
}
