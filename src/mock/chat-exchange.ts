// One chat request from body to last byte. It reads the body without a closure per request
// (state hangs off the request object), writes the OpenAI wire format, and is the engine's
// listener for its sequence's tokens.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { ChatRequest } from './chat-request';
import type { Sequence, SequenceListener } from './gpu-scheduler';
import {
  DONE_EVENT,
  chunkPrefix,
  completionJson,
  finishChunk,
  roleChunk,
  tokenChunk,
  usageChunk,
  type OpenAIErrorType,
  type UsageFigures,
} from './openai-wire';

export const MAX_BODY_BYTES = 8 * 1024 * 1024;
const EXCHANGE = Symbol('mockExchange');

type TrackedRequest = IncomingMessage & { [EXCHANGE]?: ChatExchange };
type TrackedResponse = ServerResponse & { [EXCHANGE]?: ChatExchange };

/** What an exchange needs from the server's engine. */
export interface ExchangeHost {
  handleChat(ex: ChatExchange, body: string | null): void;
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
  prefilled(ex: ChatExchange): void;
  instantGenerated(ex: ChatExchange): void;
  delivered(): void;
  rateLimitHeaders(headers: string[]): void;
  idFor(requestNumber: number): string;
  requestIdFor(requestNumber: number): string;
}

/** Starts reading a chat request's body; the host's handleChat runs when it is complete. */
export function readChatBody(host: ExchangeHost, req: IncomingMessage, res: ServerResponse, requestNumber: number): void {
  const tracked = req as TrackedRequest;
  tracked[EXCHANGE] = new ChatExchange(host, res as TrackedResponse, requestNumber);
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

export class ChatExchange implements SequenceListener {
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
  private stream = false;
  private includeUsage = false;
  private modelLiteral = '';
  private created = 0;
  private prefix = '';
  private readonly receivedAt = performance.now();

  constructor(
    readonly engine: ExchangeHost,
    readonly res: TrackedResponse,
    private readonly number: number,
  ) {}

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

  begin(request: ChatRequest, maxTokens: number, modelLiteral: string, outputTokens: number): void {
    this.stream = request.stream;
    this.includeUsage = request.includeUsage;
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

  private finishReason(): 'stop' | 'length' {
    return this.outputTokens >= this.maxTokens ? 'length' : 'stop';
  }

  private usage(): UsageFigures {
    return { promptTokens: this.promptTokens, completionTokens: this.outputTokens, cachedTokens: this.cachedTokens };
  }

  private headers(contentType: string, serverTiming: string): string[] {
    const headers = ['content-type', contentType, 'x-request-id', this.requestId(), 'server-timing', serverTiming];
    if (this.stream) headers.push('cache-control', 'no-cache');
    this.engine.rateLimitHeaders(headers);
    return headers;
  }

  answerInstantly(): void {
    this.done = true;
    this.engine.instantGenerated(this);
    this.engine.delivered();
    const id = this.engine.idFor(this.number);
    const timing = 'queue;dur=0, prefill;dur=0';
    if (!this.stream) {
      const body = completionJson(id, this.created, this.modelLiteral, this.finishReason(), this.usage());
      const headers = this.headers('application/json', timing);
      headers.push('content-length', String(Buffer.byteLength(body)));
      this.res.writeHead(200, headers);
      this.res.end(body);
      return;
    }
    const prefix = chunkPrefix(id, this.created, this.modelLiteral);
    let text = roleChunk(prefix);
    for (let i = 0; i < this.outputTokens; i++) text += tokenChunk(prefix, i);
    text += this.closingEvents(prefix, id);
    this.res.writeHead(200, this.headers('text/event-stream', timing));
    this.res.end(text);
  }

  private closingEvents(prefix: string, id: string): string {
    let text = finishChunk(prefix, this.finishReason());
    if (this.includeUsage) text += usageChunk(id, this.created, this.modelLiteral, this.usage());
    return text + DONE_EVENT;
  }

  private serverTiming(): string {
    const seq = this.seq!;
    const queueMs = seq.admittedAt - this.receivedAt;
    const prefillMs = seq.prefilledAt - seq.admittedAt;
    return `queue;dur=${queueMs.toFixed(1)}, prefill;dur=${prefillMs.toFixed(1)}`;
  }

  onPrefilled(_seq: Sequence): void {
    this.engine.prefilled(this);
  }

  onToken(seq: Sequence): void {
    if (!this.stream || this.done || this.res.destroyed) return;
    // The last token goes out with the closing events in one write.
    if (seq.generated >= seq.outputTokens) return;
    if (seq.generated === 1) {
      this.prefix = chunkPrefix(this.engine.idFor(this.number), this.created, this.modelLiteral);
      this.res.writeHead(200, this.headers('text/event-stream', this.serverTiming()));
      this.res.write(roleChunk(this.prefix) + tokenChunk(this.prefix, 0));
      return;
    }
    this.res.write(tokenChunk(this.prefix, seq.generated - 1));
  }

  onComplete(seq: Sequence): void {
    if (this.done || this.res.destroyed) return;
    this.done = true;
    this.engine.delivered();
    const id = this.engine.idFor(this.number);
    if (!this.stream) {
      const body = completionJson(id, this.created, this.modelLiteral, this.finishReason(), this.usage());
      const headers = this.headers('application/json', this.serverTiming());
      headers.push('content-length', String(Buffer.byteLength(body)));
      this.res.writeHead(200, headers);
      this.res.end(body);
      return;
    }
    let text = '';
    if (seq.generated === 1) {
      this.prefix = chunkPrefix(id, this.created, this.modelLiteral);
      this.res.writeHead(200, this.headers('text/event-stream', this.serverTiming()));
      text = roleChunk(this.prefix);
    }
    text += tokenChunk(this.prefix, seq.generated - 1) + this.closingEvents(this.prefix, id);
    this.res.end(text);
  }
}
