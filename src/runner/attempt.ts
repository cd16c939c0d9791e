// One HTTP attempt of a model call, driven through undici's low-level dispatch so every
// timestamp is taken in the handler callbacks: send (request written to a socket), response
// headers, each content token of the stream, end. What the bytes mean is the dialect's business
// (dialects/*.ts): it reports tokens, usage, the answer's end and errors back here.
//
// TTFT counts from send to the first token the dialect recognises — the first piece of text,
// reasoning or tool call, the moment the user sees the model respond.
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import type { Outcome } from '../protocol/run-events';
import { formatLimitBytes, LIMITS } from '../core/limits';
import { scanChatUsage } from './chat-usage-scan';
import { isObject, parseJson, snippet, type AnswerSink, type Dialect } from './dialects/dialect';
import { rawHeadersRecord, rawHeaderValue } from './raw-headers';
import { SseParser, type SseEvent } from './sse-parser';
import { describeError, errorCodeOf, outcomeForError, outcomeForStatus, retryAfterMs } from './outcome-classifier';

export interface AttemptTarget {
  dispatcher: Dispatcher;
  origin: string;
  path: string;
  /** Where requests that do not stream go, when that differs (Gemini's :generateContent). */
  jsonPath?: string;
  headers: Record<string, string>;
  /** HTTP method; POST when absent (model calls). */
  method?: string;
  /** How requests and answers are spelled; null for `type: http` targets (a reader instead). */
  dialect: Dialect | null;
}

/** How a non-OpenAI (`type: http`) response is read: which SSE events are content tokens and
 * which one ends the stream. JSON bodies are kept whole and read by the caller. */
export interface ResponseReader {
  sseEvent(data: string): 'token' | 'done' | 'none';
  /** Whether an answer that is not streamed must be a JSON document. */
  readonly jsonBody?: boolean;
}

export interface AttemptHooks {
  /** A gap between two content tokens, in ms. */
  itl(ms: number): void;
  /** The request left the pool's queue and was written to a socket. */
  started(attempt: Attempt): void;
  /** The first content token arrived (TTFT is recorded in the second it happens). */
  firstToken(attempt: Attempt): void;
  finished(attempt: Attempt): void;
}

class AttemptAbort extends Error {
  constructor(readonly outcome: Outcome, message: string) {
    super(message);
  }
}

/** An abort is the runner's own decision, not a fault to debug, so its reason carries no stack:
 * capturing one cost about 6 µs of CPU, and a stop aborts every attempt in flight at once
 * (100,000 closed users spent 0.6 s of the stop building stacks nobody reads). */
function abortReason(outcome: Outcome, message: string): AttemptAbort {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new AttemptAbort(outcome, message);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

const MAX_ERROR_BODY = 4096;
const MAX_BODY = LIMITS.responseBodyBytes;

export class Attempt implements Dispatcher.DispatchHandler, AnswerSink {
  outcome: Outcome = 'ok';
  status = 0;
  detail = '';
  /** performance.now() timestamps in ms; 0 = not reached. */
  sendAt = 0;
  firstTokenAt = 0;
  lastTokenAt = 0;
  endAt = 0;
  tokens = 0;
  usagePrompt = -1;
  usageCompletion = -1;
  usageCached = 0;
  retryAfter = -1;
  done = false;
  /** The request this attempt belongs to (set by the engine). */
  owner: unknown = null;
  /** Response headers as undici's core gives them (name, value, name, value…); null before
   * they arrive. Read with header() or responseHeaders. */
  private rawHeaders: Buffer[] | null = null;
  private headerRecord: Record<string, string | string[]> | null = null;
  /** Keep the response for later reading (agent loops, http targets, model names, counting the
   * answer's text): the JSON body in `bodyText`, each SSE data payload in `events`. */
  collect = false;
  /** Output tokens counted from the answer's text by the provider's tokenizer, when the server
   * reported no usage; -1 = not counted. */
  countedTokens = -1;
  bodyText = '';
  events: string[] | null = null;
  /** Set for `type: http` targets. */
  reader: ResponseReader | null = null;
  /** Which provider (plan index) it went to and whether it was a half-open probe (failover). */
  providerIndex = 0;
  probe = false;
  /** Request headers of this attempt alone (a gateway request id), replacing the target's. */
  headers: Record<string, string> | null = null;
  /** The gateway upstream that served it, from `extract.upstream` (null: not said). */
  servedBy: string | null = null;
  /** Cost read from the response by an http target's `extract.costUsd`; -1 = priced from tokens. */
  extractedCost = -1;
  /** Absolute deadlines (performance.now() ms) enforced by the engine's sweeper. */
  ttftDeadline = Infinity;
  totalDeadline = Infinity;
  cancelAt = Infinity;
  /** Place in the engine's list of attempts in flight (SlotList). */
  slot = -1;
  /** Its state in the provider's connection gate (connection-gate.ts) and when it began to wait
   * there (performance.now() ms). */
  gateState = 0;
  queuedAt = 0;
  /** The code of the error a `network` outcome came from (EMFILE, ECONNRESET, …), '' if none. */
  errorCode = '';

  private abortSocket: ((reason: Error) => void) | null = null;
  private pendingAbort: AttemptAbort | null = null;
  private parser: SseParser | null = null;
  /** Response body: the first chunk alone (the usual case), more chunks in `rest`. */
  private first: Buffer | null = null;
  private rest: Buffer[] | null = null;
  private bodyBytes = 0;
  private sse = false;
  /** The dialect's end of the answer was seen. */
  private sawEnd = false;
  /** Some data event arrived (to tell "no content" from "no events at all"). */
  private sawEvent = false;
  /** The last chunk a dialect took without parsing it (see AnswerSink.skipped). */
  private unparsedChunk: string | null = null;
  private eventBytes = 0;

  constructor(
    private readonly target: AttemptTarget,
    private readonly requestBody: string,
    readonly stream: boolean,
    private readonly hooks: AttemptHooks,
    private readonly ttftMs: number,
    private readonly totalMs: number,
    readonly cancelAfterMs: number,
  ) {}

  start(): void {
    // Until the request is written to a socket, the total timeout runs from the moment it was
    // first queued (Stampede's connection gate, then undici's pool), so nothing waits forever.
    if (this.totalDeadline === Infinity) this.totalDeadline = performance.now() + this.totalMs;
    try {
      this.target.dispatcher.dispatch(
        { origin: this.target.origin, path: this.stream ? this.target.path : (this.target.jsonPath ?? this.target.path), method: this.target.method ?? 'POST', headers: this.headers ?? this.target.headers, body: this.requestBody === '' ? null : this.requestBody },
        this,
      );
    } catch (error) {
      this.errorCode = errorCodeOf(error as Error);
      this.finish(outcomeForError(error as Error), describeError(error as Error));
    }
  }

  /** Ends the attempt now with the given outcome and closes its socket (timeouts, cancellation, stop). */
  abort(outcome: Outcome, message: string): void {
    if (this.done) return;
    const reason = abortReason(outcome, message);
    this.finish(outcome, message);
    if (this.abortSocket) this.abortSocket(reason);
    else this.pendingAbort = reason;
  }

  /** The earliest deadline still ahead of it (cancellation, TTFT until the first token, total). */
  nextDeadline(): number {
    return Math.min(this.cancelAt, this.totalDeadline, this.firstTokenAt === 0 ? this.ttftDeadline : Infinity);
  }

  /** Whether response headers arrived (any status). */
  get hasHeaders(): boolean {
    return this.rawHeaders !== null;
  }

  /** One response header by its lower-cased name, decoded on demand. */
  header(lowerName: string): string | undefined {
    return this.rawHeaders === null ? undefined : rawHeaderValue(this.rawHeaders, lowerName);
  }

  /** Content tokens that arrived as stream events; 0 for a JSON answer, whose count is estimated
   * from its text when it ends. */
  get streamedTokens(): number {
    return this.sse ? this.tokens : 0;
  }

  /** Output tokens: the server's usage (or an http target's extraction rule) when given, else
   * the text counted by a tokenizer, else the content tokens seen. */
  get outputTokens(): number {
    return this.usageCompletion >= 0 ? this.usageCompletion : this.countedTokens >= 0 ? this.countedTokens : this.tokens;
  }

  /** Why a body could not be read when the server compressed it unasked (the request sends no
   * accept-encoding, and decompressing every answer would cost the client CPU it measures). */
  private compressedNote(): string {
    const encoding = this.header('content-encoding')?.trim().toLowerCase();
    if (!encoding || encoding === 'identity') return '';
    return `: it is compressed (content-encoding: ${encoding}) but Stampede does not decompress answers (it asks for none unless the provider's headers set accept-encoding)`;
  }

  /** All response headers (names lower-cased), built on first use; null before they arrive. */
  get responseHeaders(): Record<string, string | string[]> | null {
    if (this.rawHeaders === null) return null;
    return (this.headerRecord ??= rawHeadersRecord(this.rawHeaders));
  }

  // The handler protocol undici 7's core calls (onConnect … onComplete). Its newer protocol
  // (onRequestStart … onResponseEnd) is adapted to this one on every request: an adapter and a
  // controller object, and every header decoded into an object, which cost about 15% more
  // client CPU per request in bench/runner-cpu.mjs. Revisit when moving to undici 8.

  onConnect(abort: (reason: Error) => void): void {
    this.abortSocket = abort;
    if (this.pendingAbort) {
      abort(this.pendingAbort);
      return;
    }
    if (this.sendAt !== 0) return; // a pipelined retry inside undici: keep the first send time
    const now = performance.now();
    this.sendAt = now;
    this.totalDeadline = now + this.totalMs;
    if (this.stream) this.ttftDeadline = now + this.ttftMs;
    if (this.cancelAfterMs >= 0) this.cancelAt = now + this.cancelAfterMs;
    this.hooks.started(this);
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    if (this.done) return true;
    this.status = statusCode;
    this.rawHeaders = rawHeaders;
    this.headerRecord = null;
    if (statusCode < 200 || statusCode >= 300) {
      this.retryAfter = retryAfterMs(this.responseHeaders!, Date.now());
      return true;
    }
    const type = this.stream ? rawHeaderValue(rawHeaders, 'content-type') : undefined;
    if (type !== undefined && type.includes('text/event-stream')) {
      this.sse = true;
      this.parser = new SseParser(
        (event) => this.onSse(event),
        (what) => {
          this.endAt = performance.now();
          this.abort('server_error', `malformed SSE: ${what === 'line' ? 'a line' : "an event's data"} longer than ${formatLimitBytes(LIMITS.sseLineBytes)} (the stream was cut off there)`);
        },
      );
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.done) return true;
    if (this.sse) {
      this.parser!.push(chunk);
      return true;
    }
    if (this.bodyBytes >= MAX_ERROR_BODY && (this.status < 200 || this.status >= 300)) return true;
    if (this.bodyBytes + chunk.length > MAX_BODY) {
      this.endAt = performance.now();
      this.abort('server_error', `HTTP ${this.status} with an answer larger than ${formatLimitBytes(MAX_BODY)} (the download was stopped there)`);
      return true;
    }
    if (this.first === null) this.first = chunk;
    else (this.rest ??= []).push(chunk);
    this.bodyBytes += chunk.length;
    return true;
  }

  onComplete(): void {
    if (this.done) return;
    this.endAt = performance.now();
    if (this.sse) {
      this.parser!.end();
      if (this.done) return;
      // A team's own endpoint may simply close the stream; a dialect's stream has an end of its
      // own. Either way a stream that carried no content is not an answer.
      if (this.tokens === 0) this.finish('server_error', this.noContentReason());
      else if (this.reader || this.sawEnd) this.finish('ok', '');
      else this.finish('server_error', `malformed SSE: the stream ended before ${this.reader ? 'its done event' : END_MARKERS[this.target.dialect!.id]}`);
      return;
    }
    const body = this.first === null ? null : this.rest === null ? this.first : Buffer.concat([this.first, ...this.rest]);
    this.first = null;
    this.rest = null;
    if (this.status < 200 || this.status >= 300) {
      const text = decodeBody(body);
      const location = this.status >= 300 && this.status < 400 ? this.header('location') : undefined;
      // undici's dispatch does not follow redirects, and a load test should not either: each
      // hop would be a request the scenario did not describe.
      const redirect = location ? ` redirect to ${location} (not followed: point the provider's URL at the final address)` : '';
      const dialect = this.target.dialect;
      if (dialect && this.retryAfter < 0 && this.status === 429) this.retryAfter = dialect.retryAfterFromBody(text);
      this.finish(dialect ? dialect.errorOutcome(this.status, text) : outcomeForStatus(this.status), `HTTP ${this.status}${redirect}${redirect ? '' : errorSnippet(text)}`);
      return;
    }
    if (this.collect) this.bodyText = decodeBody(body);
    if (this.reader) {
      const problem = this.targetBodyProblem(body);
      if (problem) {
        this.finish('server_error', problem);
        return;
      }
      this.firstTokenAt = this.endAt;
      this.lastTokenAt = this.endAt;
      this.finish('ok', '');
      return;
    }
    // The usual compact chat body with usage is read from its bytes; anything else is parsed.
    const usage = body === null || this.target.dialect?.id !== 'openai' ? null : scanChatUsage(body);
    if (usage !== null && usage.completion > 0) {
      this.usagePrompt = usage.prompt;
      this.usageCompletion = usage.completion;
      if (usage.cached >= 0) this.usageCached = usage.cached;
      this.firstTokenAt = this.endAt;
      this.lastTokenAt = this.endAt;
      this.finish('ok', '');
      return;
    }
    this.finishJsonBody(this.collect ? this.bodyText : decodeBody(body));
  }

  onError(error: Error): void {
    if (this.done) return;
    if (error instanceof AttemptAbort) this.finish(error.outcome, error.message);
    else {
      this.errorCode = errorCodeOf(error);
      this.finish(outcomeForError(error), describeError(error));
    }
  }

  private finishJsonBody(text: string): void {
    const value = parseJson(text);
    if (value === undefined) {
      const compressed = this.compressedNote();
      this.finish('server_error', `HTTP ${this.status} with a body that is not JSON${compressed || snippet(text)}`);
      return;
    }
    if (!isObject(value)) {
      this.finish('server_error', `HTTP ${this.status} with a body that is not a JSON object`);
      return;
    }
    this.target.dialect!.jsonAnswer(this, value);
    if (this.done) return;
    this.firstTokenAt = this.endAt;
    this.lastTokenAt = this.endAt;
    if (this.sawEnd) this.finish('ok', '');
    else this.finish('server_error', `HTTP ${this.status} with a JSON body that is not a complete answer${snippet(text)}`);
  }

  // ---- AnswerSink: what the dialect reads from the answer -------------------------------------

  token(now: number): void {
    if (this.firstTokenAt === 0) {
      this.firstTokenAt = now;
      this.hooks.firstToken(this);
    } else this.hooks.itl(now - this.lastTokenAt);
    this.lastTokenAt = now;
    this.tokens++;
  }

  usage(prompt: number, completion: number, cached: number): void {
    if (prompt >= 0) this.usagePrompt = prompt;
    if (completion >= 0) this.usageCompletion = completion;
    if (cached >= 0) this.usageCached = cached;
  }

  ended(): void {
    this.sawEnd = true;
  }

  skipped(data: string): void {
    this.unparsedChunk = data;
  }

  failed(outcome: Outcome, detail: string): void {
    if (this.done) return;
    this.endAt = performance.now();
    // Mid-stream the socket is closed (the answer is over); a JSON body has already ended.
    if (this.sse) this.abort(outcome, detail);
    else this.finish(outcome, `HTTP ${this.status} with ${detail}`);
  }

  jsonAnswerChars(chars: number): void {
    // Without usage, a rough count of the answer (one token per 4 characters); the request path
    // replaces it with the tokenizer's count where the provider has a tokenizer.
    this.tokens = Math.ceil(chars / 4);
  }

  private onSse(event: SseEvent): void {
    if (this.done) return;
    const data = event.data;
    this.sawEvent = true;
    if (this.collect && data !== '[DONE]') {
      this.eventBytes += data.length;
      if (this.eventBytes > MAX_BODY) {
        this.endAt = performance.now();
        this.abort('server_error', `the streamed answer is larger than ${formatLimitBytes(MAX_BODY)} (the stream was cut off there)`);
        return;
      }
      (this.events ??= []).push(data);
    }
    if (this.reader) {
      const kind = this.reader.sseEvent(data);
      if (kind === 'done') this.sawEnd = true;
      else if (kind === 'token') this.token(performance.now());
      return;
    }
    this.target.dialect!.streamEvent(this, event.event, data);
  }

  /** Why a stream without any content token is no answer: its events carried none, or there
   * were no events at all. */
  private noContentReason(): string {
    if (this.unparsedChunk !== null && parseJson(this.unparsedChunk) === undefined) return `malformed SSE: data is not valid JSON${snippet(this.unparsedChunk)}`;
    if (this.sawEnd || this.sawEvent) return `no content: the stream ended without any event carrying ${this.reader ? 'content' : 'content, reasoning or tool calls'}`;
    return `malformed SSE: the stream ended without any data event${this.compressedNote()}`;
  }

  /** What is wrong with an http target's answer that is not streamed, or '' (ok): it must not
   * be empty, and must be JSON when the target's response is JSON. */
  private targetBodyProblem(body: Buffer | null): string {
    if (body === null || body.length === 0) return `HTTP ${this.status} with no content: the body is empty`;
    if (!this.reader?.jsonBody) return '';
    const text = this.collect ? this.bodyText : decodeBody(body);
    try {
      JSON.parse(text);
      return '';
    } catch {
      return `HTTP ${this.status} with a body that is not JSON (response: json)${this.compressedNote() || snippet(text)}`;
    }
  }

  private finish(outcome: Outcome, detail: string): void {
    if (this.done) return;
    this.done = true;
    this.outcome = outcome;
    this.detail = detail;
    if (this.endAt === 0) this.endAt = performance.now();
    this.parser = null;
    this.first = null;
    this.rest = null;
    this.hooks.finished(this);
  }
}

function decodeBody(body: Buffer | null): string {
  return body === null ? '' : body.toString('utf8');
}

/** What each dialect's complete stream ends with, for the message about one cut short. */
const END_MARKERS: Record<Dialect['id'], string> = {
  openai: '[DONE]',
  'openai-responses': 'response.completed',
  anthropic: 'message_stop',
  gemini: 'a chunk with a finishReason',
};

function errorSnippet(text: string): string {
  try {
    const v = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    const m = typeof v.error === 'string' ? v.error : v.error?.message ?? v.message;
    if (typeof m === 'string') return snippet(m);
  } catch {
    // not JSON: show the raw text
  }
  return snippet(text);
}
