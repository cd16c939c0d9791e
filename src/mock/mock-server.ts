// The embedded mock AI provider: an OpenAI-compatible HTTP server in front of a simulated GPU.
// A chat request goes through stages in order — read body, parse, context check, rate limit,
// prefix-cache lookup, admission to the engine queue, generation, response — each a method of
// MockEngine, so later stages (faults, response cache, degradation, tool calls) slot in between.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { MockProfileName } from '../core/plan';
import { ChatExchange, MAX_BODY_BYTES, readChatBody, type ExchangeHost } from './chat-exchange';
import { parseChatRequest, type ChatRequest } from './chat-request';
import { GpuScheduler, Sequence } from './gpu-scheduler';
import { errorJson, type OpenAIErrorType } from './openai-wire';
import { PrefixCache } from './prefix-cache';
import { resolveMockProfile, type MockProfile } from './profiles';
import { prometheusText } from './prometheus-exposition';
import { RateLimiter, formatResetDuration } from './rate-limiter';
import { SeededRng } from './seeded-rng';

export interface MockServerOptions {
  /** 0 (the default) picks an ephemeral port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  profile: MockProfileName;
  seed?: number;
  /** Profile parameters to override, by MockProfile field name. */
  overrides?: Record<string, number | boolean | string>;
}

export interface MockCounters {
  requests: number;
  completed: number;
  rateLimited: number;
  queueRejected: number;
  stoppedOnDisconnect: number;
  leakedGenerations: number;
  running: number;
  waiting: number;
  promptTokens: number;
  generationTokens: number;
  /** Prompt tokens served from the prefix cache (vLLM counts hits in tokens). */
  prefixCacheHits: number;
  /** Prompt tokens looked up in the prefix cache. */
  prefixCacheQueries: number;
}

export interface MockServer {
  /** Origin without a trailing slash and without /v1, e.g. http://127.0.0.1:41234. */
  url: string;
  port: number;
  profile: MockProfile;
  counters(): MockCounters;
  /** Closes every socket and stops every timer. */
  close(): Promise<void>;
}


/** Starts the mock; rejects with a one-line Error (and the system `code`) when it cannot listen. */
export async function startMockServer(options: MockServerOptions): Promise<MockServer> {
  const profile = resolveMockProfile(options.profile, options.overrides ?? {});
  const engine = new MockEngine(profile, options.seed ?? 1);
  const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => engine.route(req, res));
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const reason =
        error.code === 'EADDRINUSE' ? 'address already in use'
        : error.code === 'EACCES' ? 'permission denied'
        : error.code === 'EADDRNOTAVAIL' ? 'address not available on this machine'
        : error.message;
      const wrapped = new Error(`cannot listen on ${host}:${port}: ${reason}`) as NodeJS.ErrnoException;
      if (error.code !== undefined) wrapped.code = error.code;
      reject(wrapped);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    profile,
    counters: () => engine.counters(),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        engine.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** Server state and the request pipeline; one per server. */
class MockEngine implements ExchangeHost {
  readonly scheduler: GpuScheduler | null;
  private readonly limiter: RateLimiter;
  private readonly prefixCache: PrefixCache | null;
  private readonly rng: SeededRng;
  private readonly idPrefix: string;
  private nextId = 0;
  private lastModel = '';
  private lastModelLiteral = '""';
  private readonly createdAt = Math.floor(Date.now() / 1000);
  closing = false;
  readonly stats = {
    requests: 0,
    completed: 0,
    rateLimited: 0,
    queueRejected: 0,
    stoppedOnDisconnect: 0,
    leakedGenerations: 0,
    promptTokens: 0,
    generationTokens: 0,
    prefixCacheHits: 0,
    prefixCacheQueries: 0,
  };

  constructor(readonly profile: MockProfile, seed: number) {
    this.rng = new SeededRng(seed);
    this.idPrefix = Math.floor(this.rng.next() * 0xffffff).toString(16).padStart(6, '0');
    const instant = profile.prefillTokensPerSecond === 0 && profile.decodeStepBaseMs === 0 && profile.decodeStepPerSeqMs === 0;
    // With no simulated time there is nothing to schedule: answering inline keeps `instant` fast.
    this.scheduler = instant ? null : new GpuScheduler(profile, () => performance.now());
    this.limiter = new RateLimiter(profile.rpm, profile.tpm, performance.now());
    this.prefixCache = profile.prefixCache && profile.prefixCacheTokens > 0
      ? new PrefixCache(profile.prefixCacheTokens, profile.prefixCacheBlockTokens)
      : null;
  }

  counters(): MockCounters {
    return {
      ...this.stats,
      generationTokens: this.stats.generationTokens + (this.scheduler?.generationTokens ?? 0),
      running: this.scheduler?.runningCount ?? 0,
      waiting: this.scheduler?.waitingCount ?? 0,
    };
  }

  close(): void {
    this.closing = true;
    this.scheduler?.close();
  }

  route(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query >= 0 ? url.slice(0, query) : url;
    if (path === '/v1/chat/completions') {
      if (req.method !== 'POST') return this.sendError(res, 405, 'Use POST for /v1/chat/completions.', 'invalid_request_error', null, 'method_not_allowed', null);
      return readChatBody(this, req, res, ++this.nextId);
    }
    if (path === '/v1/models' && req.method === 'GET') return this.sendModels(res);
    if (path === '/metrics' && req.method === 'GET') return this.sendMetrics(res);
    if ((path === '/health' || path === '/v1/health') && req.method === 'GET') {
      res.writeHead(200, ['content-length', '0']);
      res.end();
      return;
    }
    this.sendError(res, 404, `No route for ${req.method} ${path}.`, 'not_found_error', null, 'not_found', null);
  }


  // Stages 2..: parse, check, limit, cache, admit.
  handleChat(ex: ChatExchange, body: string | null): void {
    this.stats.requests++;
    if (body === null) return this.sendError(ex.res, 413, `The request body exceeds ${MAX_BODY_BYTES} bytes.`, 'invalid_request_error', null, 'request_too_large', ex);
    const parsed = parseChatRequest(body);
    if (!parsed.ok) return this.sendError(ex.res, 400, parsed.message, 'invalid_request_error', parsed.param, null, ex);
    const request = parsed.request;
    const { profile } = this;
    const maxTokens = request.maxTokens ?? profile.defaultMaxTokens;
    if (request.promptTokens + maxTokens > profile.maxModelLen || request.promptTokens + maxTokens > profile.kvCacheTokens) {
      const limit = Math.min(profile.maxModelLen, profile.kvCacheTokens);
      return this.sendError(
        ex.res, 400,
        `This model's maximum context length is ${limit} tokens. However, you requested ${request.promptTokens + maxTokens} tokens (${request.promptTokens} in the messages, ${maxTokens} in the completion).`,
        'invalid_request_error', 'messages', 'context_length_exceeded', ex,
      );
    }
    if (!this.applyRateLimit(ex, request.promptTokens + maxTokens)) return;
    ex.begin(request, maxTokens, this.modelLiteral(request.model ?? profile.model), this.drawOutputTokens(maxTokens));
    this.lookupPrefix(ex, request);
    if (this.scheduler === null) return ex.answerInstantly();
    this.admit(ex);
  }

  private applyRateLimit(ex: ChatExchange, tokenCost: number): boolean {
    if (!this.limiter.enabled) return true;
    const decision = this.limiter.admit(tokenCost, performance.now());
    if (decision.retryAfterMs === 0) return true;
    this.stats.rateLimited++;
    const { requests, tokens } = this.limiter;
    const message = decision.tooLarge
      ? `Request too large for ${this.profile.model} on tokens per min (TPM): Limit ${tokens!.capacity}, Requested ${tokenCost}. Send fewer prompt tokens or a smaller max_tokens.`
      : decision.limit === 'requests'
        ? `Rate limit reached for ${this.profile.model} on requests per min (RPM): Limit ${requests!.capacity}, Remaining ${requests!.remaining()}. Please try again in ${formatResetDuration(decision.retryAfterMs)}.`
        : `Rate limit reached for ${this.profile.model} on tokens per min (TPM): Limit ${tokens!.capacity}, Remaining ${tokens!.remaining()}, Requested ${tokenCost}. Please try again in ${formatResetDuration(decision.retryAfterMs)}.`;
    const headers = [
      'retry-after', String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))),
      'retry-after-ms', String(decision.retryAfterMs),
    ];
    this.sendError(ex.res, 429, message, decision.limit ?? 'requests', null, 'rate_limit_exceeded', ex, headers);
    return false;
  }

  private lookupPrefix(ex: ChatExchange, request: ChatRequest): void {
    const cache = this.prefixCache;
    if (cache === null || request.promptTokens === 0) return;
    const hashes = cache.blockHashes(request.promptText);
    const hitBlocks = cache.lookup(hashes);
    // vLLM always recomputes the last prompt token to sample from it.
    const cached = Math.min(hitBlocks * cache.blockTokens, request.promptTokens - 1);
    ex.cachedTokens = Math.max(0, cached);
    ex.blockHashes = hashes;
    this.stats.prefixCacheQueries += request.promptTokens;
    this.stats.prefixCacheHits += ex.cachedTokens;
  }

  private admit(ex: ChatExchange): void {
    const seq = new Sequence(ex.promptTokens, ex.cachedTokens, ex.outputTokens, ex, performance.now());
    ex.seq = seq;
    if (this.scheduler!.submit(seq) === 'queue_full') {
      ex.seq = null;
      this.stats.queueRejected++;
      this.sendError(
        ex.res, 503,
        `The server is overloaded: ${this.scheduler!.waitingCount} requests are already waiting (queue capacity ${this.profile.queueCapacity}). Retry later.`,
        'server_error', null, 'queue_full', ex, ['retry-after', '1'],
      );
      return;
    }
    ex.watchDisconnect();
  }

  /** Called when a prompt's prefill is done: it is now in the prefix cache. */
  prefilled(ex: ChatExchange): void {
    this.stats.promptTokens += ex.promptTokens;
    if (this.prefixCache && ex.blockHashes) this.prefixCache.insert(ex.blockHashes);
  }

  delivered(): void {
    this.stats.completed++;
  }

  instantGenerated(ex: ChatExchange): void {
    this.stats.promptTokens += ex.promptTokens;
    this.stats.generationTokens += ex.outputTokens;
    if (this.prefixCache && ex.blockHashes) this.prefixCache.insert(ex.blockHashes);
  }

  clientGone(ex: ChatExchange): void {
    const seq = ex.seq;
    if (this.closing || seq === null || (seq.state !== 'waiting' && seq.state !== 'running')) return;
    if (this.profile.leakOnDisconnect) {
      this.stats.leakedGenerations++;
      return;
    }
    this.scheduler!.cancel(seq);
    this.stats.stoppedOnDisconnect++;
  }

  private drawOutputTokens(maxTokens: number): number {
    const { profile } = this;
    if (profile.fullLengthShare >= 1 || this.rng.next() < profile.fullLengthShare) return maxTokens;
    const earliest = Math.max(1, Math.ceil(maxTokens * profile.minOutputShare));
    return earliest >= maxTokens ? maxTokens : this.rng.int(earliest, maxTokens - 1);
  }

  private modelLiteral(model: string): string {
    if (model !== this.lastModel) {
      this.lastModel = model;
      this.lastModelLiteral = JSON.stringify(model);
    }
    return this.lastModelLiteral;
  }

  idFor(requestNumber: number): string {
    return `chatcmpl-${this.idPrefix}${requestNumber.toString(36)}`;
  }

  requestIdFor(requestNumber: number): string {
    return `req_${this.idPrefix}${requestNumber.toString(36)}`;
  }

  /** Adds OpenAI's x-ratelimit-* headers when a limit is configured. */
  rateLimitHeaders(headers: string[]): void {
    const { requests, tokens } = this.limiter;
    if (requests === null && tokens === null) return;
    const now = performance.now();
    if (requests) {
      requests.refill(now);
      headers.push(
        'x-ratelimit-limit-requests', String(requests.capacity),
        'x-ratelimit-remaining-requests', String(requests.remaining()),
        'x-ratelimit-reset-requests', formatResetDuration(requests.resetMs()),
      );
    }
    if (tokens) {
      tokens.refill(now);
      headers.push(
        'x-ratelimit-limit-tokens', String(tokens.capacity),
        'x-ratelimit-remaining-tokens', String(tokens.remaining()),
        'x-ratelimit-reset-tokens', formatResetDuration(tokens.resetMs()),
      );
    }
  }

  sendError(
    res: ServerResponse,
    status: number,
    message: string,
    type: OpenAIErrorType,
    param: string | null,
    code: string | null,
    ex: ChatExchange | null,
    extraHeaders: string[] = [],
  ): void {
    if (ex) ex.done = true;
    const body = errorJson(message, type, param, code);
    const headers = ['content-type', 'application/json', 'content-length', String(Buffer.byteLength(body)), ...extraHeaders];
    if (ex) headers.push('x-request-id', ex.requestId());
    this.rateLimitHeaders(headers);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(status, headers);
    res.end(body);
  }

  private sendModels(res: ServerResponse): void {
    const { profile } = this;
    const body = JSON.stringify({
      object: 'list',
      data: [{ id: profile.model, object: 'model', created: this.createdAt, owned_by: 'stampede-mock', max_model_len: profile.maxModelLen }],
    });
    res.writeHead(200, ['content-type', 'application/json', 'content-length', String(Buffer.byteLength(body))]);
    res.end(body);
  }

  private sendMetrics(res: ServerResponse): void {
    const c = this.counters();
    const body = prometheusText(this.profile.model, {
      ...c,
      kvCacheUsage: this.scheduler?.kvUsage ?? 0,
    });
    res.writeHead(200, ['content-type', 'text/plain; version=0.0.4; charset=utf-8', 'content-length', String(Buffer.byteLength(body))]);
    res.end(body);
  }
}
