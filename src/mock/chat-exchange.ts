// One model request from body to last byte. It reads the body without a closure per request
// (state hangs off the request object), has its dialect's wire spell the answer, and is the
// engine's listener for its sequence's tokens.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { ChatRequest } from './chat-request';
import type { Sequence, SequenceListener } from './gpu-scheduler';
import type { AnswerBody } from './answer-body';
import type { OpenAIErrorType } from './openai-wire';
import type { AnswerView, MockFinishReason, MockRoute, MockWire } from './wire/mock-wire';

export const MAX_BODY_BYTES = 8 * 1024 * 1024;
const EXCHANGE = Symbol('mockExchange');

type TrackedRequest = IncomingMessage & { [EXCHANGE]?: ChatExchange };
type TrackedResponse = ServerResponse & { [EXCHANGE]?: ChatExchange };

/** What an exchange needs from the server's engine. */
export interface ExchangeHost {
  handleChat(ex: ChatExchange, body: string | null): void;
  /** An error answer in the exchange's dialect (or the server's default one without an exchange). */
  sendError(
    res: ServerResponse,
    status: number,
    message: string,
    type: OpenAIErrorType,
    param: string | null,
    code: string | null,
    ex: ChatExchange | null,
    extraHeaders?: string[],
  ): void;
  clientGone(ex: ChatExchange): void;
  /** The answer broke off with an error event (a mid-stream fault): its generation stops. */
  streamBroken(ex: ChatExchange): void;
  prefilled(ex: ChatExchange): void;
  instantGenerated(ex: ChatExchange): void;
  delivered(ex: ChatExchange): void;
  rateLimitHeaders(headers: string[], wire: MockWire): void;
  idFor(requestNumber: number): string;
  requestIdFor(requestNumber: number): string;
}

/** Starts reading a model request's body; the host's handleChat runs when it is complete. */
export function readChatBody(host: ExchangeHost, req: IncomingMessage, res: ServerResponse, requestNumber: number, wire: MockWire, route: MockRoute): void {
  const tracked = req as TrackedRequest;
  tracked[EXCHANGE] = new ChatExchange(host, res as TrackedResponse, requestNumber, wire, route);
  tracked.on('data', onBodyData);
  tracked.on('end', onBodyEnd);
}

function onBodyData(this: TrackedRequest, chunk: Buffer): void {
  this[EXCHANGE]!.addBodyChunk(chunk);
}

function onBodyEnd(this: TrackedRequest): void {
  const ex = this[EXCHANGE]!;
  this[EXCHANGE] = undefined;
  try {
    ex.engine.handleChat(ex, ex.bodyText());
  } catch (error) {
    // A bug in the mock must cost one request, not the server.
    const message = error instanceof Error ? error.message : String(error);
    ex.engine.sendError(ex.res, 500, `The mock failed: ${message}`, 'server_error', null, null, ex);
  }
}

function onResponseClose(this: TrackedResponse): void {
  const ex = this[EXCHANGE];
  this[EXCHANGE] = undefined;
  if (ex && !ex.done) ex.engine.clientGone(ex);
}

export class ChatExchange implements SequenceListener, AnswerView {
  private chunks: Buffer[] | null = null;
  private firstChunk: Buffer | null = null;
  private bodyBytes = 0;
  done = false;
  seq: Sequence | null = null;
  promptTokens = 0;
  cachedTokens = 0;
  outputTokens = 0;
  maxTokens = 0;
  blockHashes: number[] | null = null;
  /** Null: the filler answer. */
  body: AnswerBody | null = null;
  /** Headers the engine's later stages add (x-cache, x-degradation-level, x-agent-step). */
  extraHeaders: string[] | null = null;
  /** Response-cache key while this exchange computes an answer others may reuse. */
  cacheKey: string | null = null;
  /** A slow-stream fault: minimum ms between delivered tokens (0: as fast as generated). */
  tokenIntervalMs = 0;
  /** x-cache value when the response cache is on. */
  cacheStatus: 'HIT' | 'MISS' | null = null;
  /** x-degradation-level value when degradation is on; -1 when it is off. */
  degradationLevel = -1;
  /** A mid-stream error fault: the status whose error event ends the stream after half the
   * answer; 0 = none. */
  streamErrorStatus = 0;
  private stream = false;
  includeUsage = false;
  modelLiteral = '';
  created = 0;
  prefix = '';
  /** Tokens written to the stream so far. */
  private sent = 0;
  /** Tokens generated so far (paced delivery only). */
  private produced = 0;
  private generationDone = false;
  private pacedFrom = -1;
  private pacer: NodeJS.Timeout | null = null;
  private readonly receivedAt = performance.now();

  constructor(
    readonly engine: ExchangeHost,
    readonly res: TrackedResponse,
    private readonly number: number,
    readonly wire: MockWire,
    readonly route: MockRoute,
  ) {}

  get baseId(): string {
    return this.engine.idFor(this.number);
  }

  get piecesSent(): number {
    return this.sent;
  }

  /** Whether the request asked for a stream: read from the body before the answer begins. */
  requestStreams = false;

  addBodyChunk(chunk: Buffer): void {
    this.bodyBytes += chunk.length;
    if (this.bodyBytes > MAX_BODY_BYTES) {
      this.chunks = null;
      this.firstChunk = null;
      return;
    }
    if (this.firstChunk === null && this.chunks === null) this.firstChunk = chunk;
    else {
      this.chunks ??= [this.firstChunk!];
      this.chunks.push(chunk);
    }
  }

  /** The body as text, or null when it was too large. */
  bodyText(): string | null {
    if (this.bodyBytes > MAX_BODY_BYTES) return null;
    if (this.chunks) return Buffer.concat(this.chunks).toString('utf8');
    return this.firstChunk ? this.firstChunk.toString('utf8') : '';
  }

  requestId(): string {
    return this.engine.requestIdFor(this.number);
  }

  get streaming(): boolean {
    return this.stream;
  }

  get model(): string {
    return this.modelLiteral;
  }

  addHeader(name: string, value: string): void {
    (this.extraHeaders ??= []).push(name, value);
  }

  /** `reportUsage` false: the profile sends no usage (where the dialect's format allows). */
  begin(request: ChatRequest, maxTokens: number, modelLiteral: string, outputTokens: number, reportUsage = true): void {
    this.stream = request.stream;
    this.includeUsage = request.includeUsage && reportUsage;
    this.promptTokens = request.promptTokens;
    this.maxTokens = maxTokens;
    this.outputTokens = outputTokens;
    this.modelLiteral = modelLiteral;
    this.created = Math.floor(Date.now() / 1000);
  }

  watchDisconnect(): void {
    this.res[EXCHANGE] = this;
    this.res.once('close', onResponseClose);
  }

  get finishReason(): MockFinishReason {
    if (this.body !== null) return this.body.kind === 'tool' ? 'tool_calls' : 'stop';
    return this.outputTokens >= this.maxTokens ? 'length' : 'stop';
  }

  private headers(contentType: string, serverTiming: string): string[] {
    const headers = ['content-type', contentType, 'x-request-id', this.requestId(), 'server-timing', serverTiming];
    if (this.stream) headers.push('cache-control', 'no-cache');
    this.pushStageHeaders(headers);
    this.engine.rateLimitHeaders(headers, this.wire);
    return headers;
  }

  /** The headers the pipeline's optional stages decided on. */
  pushStageHeaders(headers: string[]): void {
    if (this.cacheStatus !== null) headers.push('x-cache', this.cacheStatus);
    if (this.degradationLevel >= 0) headers.push('x-degradation-level', String(this.degradationLevel));
    if (this.extraHeaders !== null) headers.push(...this.extraHeaders);
  }

  /** Answers without the simulated GPU; `generated` is false for replays from the response cache. */
  answerInstantly(generated = true): void {
    if (generated) this.engine.instantGenerated(this);
    if (this.tokenIntervalMs > 0) {
      this.produced = this.outputTokens;
      this.generationDone = true;
      this.pump();
      return;
    }
    this.finish(INSTANT_TIMING);
  }

  /** Sends everything not yet sent and ends the response. */
  private finish(timing: string): void {
    if (this.stream && this.breakMidStream()) return;
    this.done = true;
    this.engine.delivered(this);
    if (!this.stream) {
      const body = this.wire.json(this);
      const headers = this.headers('application/json', timing);
      headers.push('content-length', String(Buffer.byteLength(body)));
      this.res.writeHead(200, headers);
      this.res.end(body);
      return;
    }
    let text = this.res.headersSent ? '' : this.openStream(timing);
    while (this.sent < this.outputTokens) text += this.wire.streamPiece(this, this.sent++);
    text += this.wire.streamTail(this);
    this.res.end(text);
  }

  private openStream(timing: string): string {
    this.res.writeHead(200, this.headers('text/event-stream', timing));
    return this.wire.streamHead(this);
  }

  /** Where a mid-stream error fault breaks the answer off: after half its tokens, at least one. */
  private get breakAt(): number {
    return this.streamErrorStatus > 0 ? Math.max(1, Math.floor(this.outputTokens / 2)) : Infinity;
  }

  /** Writes the pieces up to the break and the dialect's error event, then ends the answer;
   * false when this answer has no mid-stream error. */
  private breakMidStream(): boolean {
    if (this.streamErrorStatus === 0) return false;
    let text = this.res.headersSent ? '' : this.openStream(INSTANT_TIMING);
    const end = Math.min(this.breakAt, this.outputTokens);
    while (this.sent < end) text += this.wire.streamPiece(this, this.sent++);
    text += this.wire.streamError(this, this.streamErrorStatus, MID_STREAM_MESSAGES[this.streamErrorStatus] ?? `The server failed while generating (status ${this.streamErrorStatus}).`);
    this.done = true;
    this.engine.streamBroken(this);
    this.res.end(text);
    return true;
  }

  /** Streams tokens [sent, upTo); the last token always waits for the closing events. */
  private writeUpTo(upTo: number, timing: string): void {
    if (upTo >= this.breakAt) {
      this.breakMidStream();
      return;
    }
    const end = Math.min(upTo, this.outputTokens - 1);
    if (end <= this.sent) return;
    let text = this.res.headersSent ? '' : this.openStream(timing);
    while (this.sent < end) text += this.wire.streamPiece(this, this.sent++);
    this.res.write(text);
  }

  private timing(): string {
    return this.seq === null ? INSTANT_TIMING : this.serverTiming();
  }

  private serverTiming(): string {
    const seq = this.seq!;
    const queueMs = seq.admittedAt - this.receivedAt;
    const prefillMs = seq.prefilledAt - seq.admittedAt;
    return `queue;dur=${queueMs.toFixed(1)}, prefill;dur=${prefillMs.toFixed(1)}`;
  }

  /** Paced delivery: token i goes out no sooner than i intervals after the first. */
  private pump(): void {
    if (this.pacer !== null || this.done || this.res.destroyed) return;
    const now = performance.now();
    if (this.pacedFrom < 0) this.pacedFrom = now;
    const due = 1 + Math.floor((now - this.pacedFrom) / this.tokenIntervalMs);
    const allowed = Math.min(this.produced, due);
    if (this.generationDone && allowed >= this.outputTokens) {
      this.finish(this.timing());
      return;
    }
    if (this.stream) this.writeUpTo(allowed, this.timing());
    if (allowed < this.produced || this.generationDone) {
      const wait = Math.max(1, this.pacedFrom + allowed * this.tokenIntervalMs - now);
      // Unref'd: a paced answer must not keep a closed server's process alive.
      this.pacer = setTimeout(onPace, wait, this);
      this.pacer.unref();
    }
  }

  /** The pacer timer fired. */
  paceDue(): void {
    this.pacer = null;
    this.pump();
  }

  onPrefilled(_seq: Sequence): void {
    this.engine.prefilled(this);
  }

  onToken(seq: Sequence): void {
    if (this.done || this.res.destroyed) return;
    if (this.tokenIntervalMs > 0) {
      this.produced = seq.generated;
      if (this.stream) this.pump();
      else if (this.pacedFrom < 0) this.pacedFrom = performance.now();
      return;
    }
    if (this.stream) this.writeUpTo(seq.generated, this.serverTiming());
  }

  onComplete(seq: Sequence): void {
    if (this.done || this.res.destroyed) return;
    if (this.tokenIntervalMs > 0) {
      this.produced = seq.generated;
      this.generationDone = true;
      this.pump();
      return;
    }
    this.finish(this.serverTiming());
  }
}

const INSTANT_TIMING = 'queue;dur=0, prefill;dur=0';

/** What a mid-stream error says, by status (the wire picks its dialect's error type). */
const MID_STREAM_MESSAGES: Record<number, string> = {
  429: 'Rate limit reached while generating. Please retry later.',
  500: 'The server had an error while generating the answer.',
  503: 'The service became unavailable while generating the answer.',
  529: 'Overloaded',
};

function onPace(ex: ChatExchange): void {
  ex.paceDue();
}
