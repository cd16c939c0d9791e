// The embedded mock AI provider: an OpenAI-compatible HTTP server in front of a simulated GPU.
// A chat request goes through stages in order — read body, parse, context check, scheduled
// faults, rate limit, added latency, response cache, degradation, tool-call choice, prefix-cache
// lookup, admission to the engine queue, generation, response — each a method of MockEngine.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { MockProfileName } from '../core/plan';
import type { PlanMockBehaviour } from '../core/plan-failure-modes';
import { bodyTokens, fixedTextBody, templateBody, toolCallBody } from './answer-body';
import { ChatExchange, MAX_BODY_BYTES, readChatBody, type ExchangeHost } from './chat-exchange';
import { parseChatRequest, type ChatRequest } from './chat-request';
import { FaultSchedule, emptyFaultCounts, injectedErrorShape, type FaultCounts } from './fault-schedule';
import { GpuScheduler, Sequence } from './gpu-scheduler';
import { errorJson, type OpenAIErrorType } from './openai-wire';
import { PrefixCache } from './prefix-cache';
import { resolveMockProfile, type MockProfile } from './profiles';
import { prometheusText } from './prometheus-exposition';
import { RateLimiter, formatResetDuration, type RateDecision } from './rate-limiter';
import { ResponseCache, type CachedAnswer } from './response-cache';
import { SeededRng } from './seeded-rng';
import { listen } from './listen';

export interface MockServerOptions {
  /** 0 (the default) picks an ephemeral port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  profile: MockProfileName;
  seed?: number;
  /** Profile parameters to override, by MockProfile field name. */
  overrides?: Record<string, number | boolean | string>;
  /** Faults, response cache, agent steps, degradation and leaks (issue 4). */
  behaviour?: PlanMockBehaviour;
  /** performance.now() value of run time 0, the clock fault windows are on; default: when the server starts. */
  startedAt?: number;
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
  /** Requests each kind of scheduled fault touched (refused, failed, limited, delayed or slowed). */
  faultsInjected: FaultCounts;
  responseCacheHits: number;
  responseCacheMisses: number;
  /** Misses computed while an identical request was already computing (no coalescing). */
  duplicateComputations: number;
  /** Misses answered with an identical in-flight request's result (coalescing). */
  coalesced: number;
  /** Responses at degradation level 1, 2 and 3. */
  degraded: [number, number, number];
  toolCallResponses: number;
}

export interface MockServer {
  /** Origin without a trailing slash and without /v1, e.g. http://127.0.0.1:41234. */
  url: string;
  port: number;
  profile: MockProfile;
  counters(): MockCounters;
  /** Moves run time 0 of the fault schedule (a performance.now() value), e.g. when the run starts. */
  setRunStart(startedAt: number): void;
  /** Closes every socket and stops every timer. */
  close(): Promise<void>;
}


/** Starts the mock; rejects with a one-line Error (and the system `code`) when it cannot listen. */
export async function startMockServer(options: MockServerOptions): Promise<MockServer> {
  const profile = resolveMockProfile(options.profile, options.overrides ?? {});
  const engine = new MockEngine(profile, options.seed ?? 1, options.behaviour, options.startedAt ?? performance.now());
  const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => engine.route(req, res));
  if (engine.faults !== null) server.on('connection', (socket: Socket) => engine.accept(socket));
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const bound = await listen(server, host, port);
  let closing: Promise<void> | null = null;
  return {
    url: bound.url,
    port: bound.port,
    profile,
    counters: () => engine.counters(),
    setRunStart: (startedAt: number) => engine.faults?.setOrigin(startedAt),
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
  readonly faults: FaultSchedule | null;
  private readonly responseCache: ResponseCache<ChatExchange, PendingAnswer> | null;
  private readonly degradationMarks: readonly [number, number, number] | null;
  private readonly agentBase: number;
  private readonly agentUnderLoad: number;
  private readonly leakOnDisconnect: boolean;
  /** Requests held back by a latency fault. */
  private readonly holds = new Set<NodeJS.Timeout>();
  private nextCallId = 0;
  /** Cache keys whose followers are being handed a new leader. */
  private readonly rehoming = new Set<string>();
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
    responseCacheHits: 0,
    responseCacheMisses: 0,
    duplicateComputations: 0,
    coalesced: 0,
    degraded: [0, 0, 0] as [number, number, number],
    toolCallResponses: 0,
  };

  constructor(readonly profile: MockProfile, seed: number, behaviour: PlanMockBehaviour | undefined, startedAt: number) {
    this.rng = new SeededRng(seed);
    this.faults = behaviour && behaviour.faults.length > 0 ? new FaultSchedule(behaviour.faults, startedAt, seed) : null;
    const cache = behaviour?.responseCache;
    this.responseCache = cache?.enabled ? new ResponseCache(cache.ttlMs, cache.coalesce) : null;
    this.degradationMarks = behaviour?.degradation?.queueMarks ?? null;
    this.agentBase = behaviour?.agentSteps?.base ?? profile.agentBaseSteps;
    this.agentUnderLoad = behaviour?.agentSteps?.underLoad ?? profile.agentUnderLoadSteps;
    this.leakOnDisconnect = profile.leakOnDisconnect || behaviour?.leakOnDisconnect === true;
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
      degraded: [...this.stats.degraded],
      faultsInjected: this.faults ? { ...this.faults.counts } : emptyFaultCounts(),
      generationTokens: this.stats.generationTokens + (this.scheduler?.generationTokens ?? 0),
      running: this.scheduler?.runningCount ?? 0,
      waiting: this.scheduler?.waitingCount ?? 0,
    };
  }

  close(): void {
    this.closing = true;
    this.scheduler?.close();
    for (const timer of this.holds) clearTimeout(timer);
    this.holds.clear();
    this.responseCache?.clear();
  }

  /** A new connection during a `mode: refuse` outage is dropped before any byte is read. */
  accept(socket: Socket): void {
    if (this.faults!.refuses(performance.now())) socket.destroy();
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


  // Stages 2..: parse, check, faults, limit, delay, then answer().
  handleChat(ex: ChatExchange, body: string | null): void {
    this.stats.requests++;
    if (this.degradationMarks !== null) ex.degradationLevel = 0;
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
    const tokenCost = request.promptTokens + maxTokens;
    // Faults come before the normal limiter: a provider that is down spends no quota.
    if (this.faults !== null && !this.applyFaults(ex, tokenCost)) return;
    if (this.limiter.enabled) {
      const decision = this.limiter.admit(tokenCost, performance.now());
      if (decision.retryAfterMs > 0) return this.sendRateLimited(ex, this.limiter, decision, tokenCost);
    }
    const delay = this.faults?.addedLatencyMs(performance.now()) ?? 0;
    if (delay > 0) return this.hold(ex, request, maxTokens, delay);
    this.answer(ex, request, maxTokens);
  }

  /** Outage, error-rate and rate-limit windows; false when the request was answered (or dropped). */
  private applyFaults(ex: ChatExchange, tokenCost: number): boolean {
    const verdict = this.faults!.checkRequest(performance.now(), tokenCost);
    switch (verdict.action) {
      case 'pass':
        return true;
      case 'refuse':
        ex.done = true;
        ex.res.destroy();
        return false;
      case 'rate-limit':
        this.sendRateLimited(ex, verdict.limiter, verdict.decision, tokenCost);
        return false;
      case 'status': {
        const shape = injectedErrorShape(verdict.status, verdict.kind);
        const headers = verdict.status === 429 || verdict.status === 503 ? ['retry-after', '1'] : [];
        this.sendError(ex.res, verdict.status, shape.message, shape.type, null, shape.code, ex, headers);
        return false;
      }
    }
  }

  private hold(ex: ChatExchange, request: ChatRequest, maxTokens: number, delayMs: number): void {
    const timer = setTimeout(() => {
      this.holds.delete(timer);
      if (this.closing || ex.res.destroyed) return;
      try {
        this.answer(ex, request, maxTokens);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.sendError(ex.res, 500, `The mock failed: ${message}`, 'server_error', null, null, ex);
      }
    }, delayMs);
    this.holds.add(timer);
  }

  /** Stages after the delay: response cache, degradation, tool calls, prefix cache, admission. */
  private answer(ex: ChatExchange, request: ChatRequest, maxTokens: number): void {
    const now = performance.now();
    if (this.faults !== null) {
      ex.tokenIntervalMs = this.faults.tokenIntervalMs(now);
      // A paced answer outlives generation; its flight in the response cache must end if the client leaves.
      if (ex.tokenIntervalMs > 0) ex.watchDisconnect();
    }
    let cacheKey: string | null = null;
    const cache = this.responseCache;
    if (cache !== null && request.toolNames === null) {
      cacheKey = responseCacheKey(request, maxTokens);
      const hit = cache.get(cacheKey, now);
      if (hit !== undefined) {
        this.stats.responseCacheHits++;
        return this.replay({ ex, request, maxTokens }, hit);
      }
      if (ex.cacheStatus === null) this.stats.responseCacheMisses++;
      ex.cacheStatus = 'MISS';
      const flight = cache.flight(cacheKey);
      if (cache.coalesce && flight !== undefined && flight.computing.size > 0) {
        flight.followers.push({ ex, request, maxTokens });
        return;
      }
    }
    const level = this.degradationLevel();
    if (level > 0) this.stats.degraded[level - 1]!++;
    if (ex.degradationLevel >= 0) ex.degradationLevel = level;
    if (level === 3) {
      return this.sendError(
        ex.res, 503,
        `The server is degraded (level 3): ${this.scheduler!.waitingCount} requests are waiting, past the mark of ${this.degradationMarks![2]}. Retry later.`,
        'service_unavailable_error', null, 'degraded', ex, ['retry-after', '1'],
      );
    }
    let outputTokens: number;
    if (level === 2) {
      // Still a trip through the queue, only a short and fast one: so a sustained overload
      // keeps the queue growing towards the level-3 mark, as a real degraded service does.
      ex.body = templateBody(maxTokens);
      outputTokens = bodyTokens(ex.body);
    } else if (request.toolNames !== null) {
      const step = request.toolResults + 1;
      ex.addHeader('x-agent-step', String(step));
      if (request.toolResults < this.agentStepsNow()) {
        const name = request.toolNames[request.toolResults % request.toolNames.length]!;
        ex.body = toolCallBody(`call_${this.idPrefix}${(++this.nextCallId).toString(36)}`, name, step);
        this.stats.toolCallResponses++;
        outputTokens = bodyTokens(ex.body);
      } else {
        outputTokens = this.drawOutputTokens(maxTokens);
      }
    } else if (this.profile.answerText !== '') {
      ex.body = fixedTextBody(this.profile.answerText, maxTokens);
      outputTokens = bodyTokens(ex.body);
    } else {
      outputTokens = this.drawOutputTokens(maxTokens);
    }
    const model = level > 0 ? this.degradedModel(request) : this.profile.answerModel !== '' ? this.profile.answerModel : request.model ?? this.profile.model;
    ex.begin(request, maxTokens, this.modelLiteral(model), outputTokens);
    // Only full answers are worth reusing; a degraded one computes but is not shared.
    if (cacheKey !== null && level === 0) {
      ex.cacheKey = cacheKey;
      if (cache!.startComputing(cacheKey, ex) > 0) this.stats.duplicateComputations++;
    }
    this.lookupPrefix(ex, request);
    if (this.scheduler === null) return ex.answerInstantly();
    this.admit(ex, level === 2 ? TEMPLATE_TOKENS_PER_STEP : level === 1 ? DEGRADED_TOKENS_PER_STEP : 1);
  }

  /** Answers from a cached (or just computed) result. */
  private replay(pending: PendingAnswer, hit: CachedAnswer): void {
    const { ex, request, maxTokens } = pending;
    ex.cacheStatus = 'HIT';
    ex.begin(request, maxTokens, hit.modelLiteral, hit.outputTokens);
    ex.cachedTokens = request.promptTokens;
    ex.answerInstantly(false);
  }

  private degradationLevel(): 0 | 1 | 2 | 3 {
    const marks = this.degradationMarks;
    if (marks === null || this.scheduler === null) return 0;
    const waiting = this.scheduler.waitingCount;
    return waiting > marks[2] ? 3 : waiting > marks[1] ? 2 : waiting > marks[0] ? 1 : 0;
  }

  private degradedModel(request: ChatRequest): string {
    return this.profile.degradedModel !== '' ? this.profile.degradedModel : `${request.model ?? this.profile.model}-mini`;
  }

  /** Tool-call steps before the final answer, more when the queue is under pressure. */
  private agentStepsNow(): number {
    if (this.agentUnderLoad === 0 || this.scheduler === null) return this.agentBase;
    const pressure = Math.min(1, this.scheduler.waitingCount / Math.max(1, this.profile.queueCapacity));
    return this.agentBase + Math.round(this.agentUnderLoad * pressure);
  }

  /** A computation that will not deliver: its followers need a new leader. */
  private computationFailed(ex: ChatExchange): void {
    const key = ex.cacheKey!;
    ex.cacheKey = null;
    const cache = this.responseCache!;
    const flight = cache.finishComputing(key, ex);
    // A new leader failing at once lands here again: the loop below, not recursion, moves on.
    if (flight === undefined || flight.computing.size > 0 || this.rehoming.has(key)) return;
    this.rehoming.add(key);
    try {
      while (flight.computing.size === 0 && flight.followers.length > 0) {
        const next = flight.followers.shift()!;
        if (!next.ex.res.destroyed) this.answer(next.ex, next.request, next.maxTokens);
      }
    } finally {
      this.rehoming.delete(key);
    }
    cache.settle(key);
  }

  private sendRateLimited(ex: ChatExchange, limiter: RateLimiter, decision: RateDecision, tokenCost: number): void {
    this.stats.rateLimited++;
    const { requests, tokens } = limiter;
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

  private admit(ex: ChatExchange, tokensPerStep: number): void {
    const seq = new Sequence(ex.promptTokens, ex.cachedTokens, ex.outputTokens, ex, performance.now());
    seq.tokensPerStep = tokensPerStep;
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

  delivered(ex: ChatExchange): void {
    this.stats.completed++;
    const key = ex.cacheKey;
    if (key === null) return;
    ex.cacheKey = null;
    const cache = this.responseCache!;
    const entry = cache.store(key, ex.outputTokens, ex.model, performance.now());
    const flight = cache.finishComputing(key, ex);
    if (flight === undefined) return;
    const followers = flight.followers.splice(0);
    cache.settle(key);
    for (const follower of followers) {
      if (follower.ex.res.destroyed) continue;
      this.stats.coalesced++;
      this.replay(follower, entry);
    }
  }

  instantGenerated(ex: ChatExchange): void {
    this.stats.promptTokens += ex.promptTokens;
    this.stats.generationTokens += ex.outputTokens;
    if (this.prefixCache && ex.blockHashes) this.prefixCache.insert(ex.blockHashes);
  }

  clientGone(ex: ChatExchange): void {
    if (this.closing) return;
    if (ex.cacheKey !== null) this.computationFailed(ex);
    const seq = ex.seq;
    if (seq === null || (seq.state !== 'waiting' && seq.state !== 'running')) return;
    if (this.leakOnDisconnect) {
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

  /** Adds OpenAI's x-ratelimit-* headers when a limit is configured (a rate-limit fault's while one is open). */
  rateLimitHeaders(headers: string[]): void {
    const now = performance.now();
    const limiter = this.faults?.activeLimiter(now) ?? this.limiter;
    const { requests, tokens } = limiter;
    if (requests === null && tokens === null) return;
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
    if (ex) {
      ex.done = true;
      if (ex.cacheKey !== null) this.computationFailed(ex);
    }
    const body = errorJson(message, type, param, code);
    const headers = ['content-type', 'application/json', 'content-length', String(Buffer.byteLength(body)), ...extraHeaders];
    if (ex) {
      headers.push('x-request-id', ex.requestId());
      ex.pushStageHeaders(headers);
    }
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
    const body = prometheusText(this.profile.model, { ...c, kvCacheUsage: this.scheduler?.kvUsage ?? 0 }, [
      { name: 'mock_faults_injected_total', help: 'Requests (or connections) each kind of scheduled fault touched.', label: 'kind', values: c.faultsInjected },
      { name: 'mock_degraded_responses_total', help: 'Responses at each degradation level (1 cheaper model, 2 template answer, 3 refused).', label: 'level', values: { 1: c.degraded[0], 2: c.degraded[1], 3: c.degraded[2] } },
    ]);
    res.writeHead(200, ['content-type', 'text/plain; version=0.0.4; charset=utf-8', 'content-length', String(Buffer.byteLength(body))]);
    res.end(body);
  }
}

/** What a coalesced request needs to be answered later. */
interface PendingAnswer {
  ex: ChatExchange;
  request: ChatRequest;
  maxTokens: number;
}

/** A degraded (cheaper) model decodes this many tokens per engine step. */
const DEGRADED_TOKENS_PER_STEP = 2;
/** Template answers are cheap to produce: this many tokens per engine step. */
const TEMPLATE_TOKENS_PER_STEP = 8;

function responseCacheKey(request: ChatRequest, maxTokens: number): string {
  return `${request.model ?? ''}\u0000${maxTokens}\u0000${request.promptText}`;
}
