// Incremental Server-Sent Events parser (WHATWG EventSource rules). Results do not depend on
// how the byte stream is split: UTF-8 sequences split across chunks are held by a streaming
// TextDecoder, and a CR at the end of one chunk followed by LF at the start of the next is one
// line break. A byte order mark that opens the stream is skipped, as EventSource does. A line,
// or an event's data, longer than the limit stops the parser (a server that never sends a line
// break must not grow a string without end).
import { LIMITS } from '../core/limits';

export interface SseEvent {
  event: string;
  data: string;
  id: string;
}

export class SseParser {
  /** Made only when a chunk splits a UTF-8 sequence (rare), not once per stream. */
  private decoder: TextDecoder | null = null;
  private decoderMayHold = false;
  private partial = '';
  private lastWasCR = false;
  private data = '';
  private hasData = false;
  private eventType = '';
  private lastId = '';
  private atStart = true;
  /** Set once a line or an event's data went past the limit: the rest of the stream is ignored. */
  overflowed = false;

  constructor(
    private readonly onEvent: (event: SseEvent) => void,
    private readonly onOverflow: (what: 'line' | 'event') => void = () => undefined,
    private readonly maxChars: number = LIMITS.sseLineBytes,
  ) {}

  push(chunk: Uint8Array | string): void {
    if (this.overflowed) return;
    if (typeof chunk === 'string') {
      this.feed(chunk);
      return;
    }
    const n = chunk.length;
    if (n === 0) return;
    const endsAscii = chunk[n - 1] < 0x80;
    // Fast path: nothing held back by the decoder and the chunk ends on an ASCII byte, so it
    // holds only whole UTF-8 sequences and a plain (non-streaming) decode is exact.
    if (!this.decoderMayHold && endsAscii) {
      this.feed(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, n).toString('utf8'));
      return;
    }
    this.decoder ??= new TextDecoder('utf-8');
    this.feed(this.decoder.decode(chunk, { stream: true }));
    // An ASCII byte ends any sequence, so after one the decoder holds nothing.
    this.decoderMayHold = !endsAscii;
  }

  /** Flushes the decoder and a final unterminated line. A last event that lacks its closing blank
   * line is still delivered: servers that end the body right after the data line mean it. */
  end(): void {
    if (this.overflowed) return;
    if (this.decoderMayHold && this.decoder) this.feed(this.decoder.decode());
    this.decoderMayHold = false;
    if (this.partial.length > 0) {
      this.line(this.partial);
      this.partial = '';
    }
    this.dispatch();
  }

  private feed(text: string): void {
    if (this.atStart && text.length > 0) {
      this.atStart = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (!this.lastWasCR && text.indexOf('\r') < 0) {
      this.feedLf(text);
      return;
    }
    let start = 0;
    const n = text.length;
    if (this.lastWasCR && n > 0) {
      if (text.charCodeAt(0) === 10) start = 1;
      this.lastWasCR = false;
    }
    for (let i = start; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      let line: string;
      if (this.partial.length > 0) {
        line = this.partial + text.slice(start, i);
        this.partial = '';
      } else {
        line = text.slice(start, i);
      }
      this.line(line);
      if (c === 13) {
        if (i + 1 < n) {
          if (text.charCodeAt(i + 1) === 10) i++;
        } else {
          this.lastWasCR = true;
        }
      }
      start = i + 1;
    }
    if (start < n) this.hold(text.slice(start));
  }

  /** Keeps the start of a line that has no line break yet, within the limit. */
  private hold(rest: string): void {
    if (this.overflowed) return;
    if (this.partial.length + rest.length > this.maxChars) {
      this.overflow('line');
      return;
    }
    this.partial += rest;
  }

  private overflow(what: 'line' | 'event'): void {
    this.overflowed = true;
    this.partial = '';
    this.data = '';
    this.hasData = false;
    this.onOverflow(what);
  }

  /** The usual case, LF line ends only: jump from break to break with indexOf. */
  private feedLf(text: string): void {
    let start = 0;
    for (;;) {
      const i = text.indexOf('\n', start);
      if (i < 0) break;
      if (this.partial.length > 0) {
        const line = this.partial + text.slice(start, i);
        this.partial = '';
        this.line(line);
      } else this.line(text.slice(start, i));
      start = i + 1;
    }
    if (start < text.length) this.hold(text.slice(start));
  }

  private line(line: string): void {
    if (this.overflowed) return;
    if (line.length > this.maxChars) {
      this.overflow('line');
      return;
    }
    if (line.length === 0) {
      this.dispatch();
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ':' comment
    const colon = line.indexOf(':');
    // The hot case, `data: ...`, is recognised without slicing out the field name.
    if (colon === 4 && line.startsWith('data')) {
      const value = line.slice(line.charCodeAt(5) === 32 ? 6 : 5);
      if (this.hasData) this.appendData(value);
      else {
        this.data = value;
        this.hasData = true;
      }
      return;
    }
    let field: string;
    let value: string;
    if (colon < 0) {
      field = line;
      value = '';
    } else {
      field = line.slice(0, colon);
      const from = line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1;
      value = line.slice(from);
    }
    switch (field) {
      case 'data':
        if (this.hasData) this.appendData(value);
        else {
          this.data = value;
          this.hasData = true;
        }
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (value.indexOf('\u0000') < 0) this.lastId = value;
        break;
      default:
        break;
    }
  }

  /** A further `data:` line of the same event: the event's data is bounded like a line. */
  private appendData(value: string): void {
    if (this.data.length + value.length + 1 > this.maxChars) {
      this.overflow('event');
      return;
    }
    this.data += '\n' + value;
  }

  private dispatch(): void {
    if (!this.hasData) {
      this.eventType = '';
      return;
    }
    const event: SseEvent = { event: this.eventType || 'message', data: this.data, id: this.lastId };
    this.data = '';
    this.hasData = false;
    this.eventType = '';
    this.onEvent(event);
  }
}
