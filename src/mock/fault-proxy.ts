// The fault proxy behind `stampede proxy`: a reverse proxy that forwards every request to any
// HTTP upstream and injects the mock's fault schedule on the way — outage (503 or dropped
// connections), error rate, added latency, a tighter rate limit and slow streams — so a team can
// point its own gateway at it and watch retries and failover happen against the real provider.
// Responses stream through as they arrive (SSE is never buffered whole); a client that hangs up
// cancels the upstream request, so cancellation checks still see the truth.
import { Agent as HttpAgent, createServer, request as httpRequest, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { PlanFault } from '../core/plan-failure-modes';
import { estimateTokens } from '../core/token-estimate';
import { parseChatRequest } from './chat-request';
import { FAULT_KINDS, FaultSchedule, injectedErrorShape, type FaultCounts, type FaultKind } from './fault-schedule';
import { errorJson } from './openai-wire';
import { formatResetDuration, type RateDecision, type RateLimiter } from './rate-limiter';
import { listen } from './listen';
import { Exchange, resultOfStatus, type ExchangeResult, type ProxyExchange } from './proxy-exchange';

export interface FaultProxyOptions {
  /** http(s) URL of the upstream; a path in it prefixes every forwarded path. */
  upstream: string;
  faults: PlanFault[];
  /** 0 (the default) picks an ephemeral port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** performance.now() value of time 0 of the schedule; default: when the proxy starts. */
  startedAt?: number;
  seed?: number;
  /** Called once per attempt when it ends (a run's per-upstream counts); must not throw. */
  onExchange?: (exchange: ProxyExchange) => void;
  /** Lower-case header whose value is kept as the exchange's request id (correlation). */
  requestIdHeader?: string;
}

export interface ProxyCounters {
  /** Attempts: HTTP requests received plus connections refused on accept by a refuse outage.
   * Every one ends as exactly one of forwarded, answered, refused, rejected or abandoned. */
  requests: number;
  /** Requests sent on to the upstream. */
  forwarded: number;
  /** Requests answered by the proxy's fault schedule (outage, error-rate, rate-limit). */
  answered: number;
  /** Connections and requests dropped by a `mode: refuse` outage. */
  refused: number;
  /** Requests refused for their size (413). */
  rejected: number;
  /** Requests whose client hung up before they could be forwarded (e.g. held by a latency fault). */
  abandoned: number;
  /** Forwarded requests whose upstream failed before a response (refused, reset, DNS): answered 502. */
  upstreamErrors: number;
  faultsInjected: FaultCounts;
}

export interface ProxyStatus {
  upstream: string;
  /** Time on the fault schedule's clock (negative during a start delay). */
  runTimeMs: number;
  activeFaults: FaultKind[];
  counters: ProxyCounters;
}

export interface FaultProxy {
  /** Origin without a trailing slash, e.g. http://127.0.0.1:8787. */
  url: string;
  port: number;
  counters(): ProxyCounters;
  status(): ProxyStatus;
  setRunStart(startedAt: number): void;
  /** Stops listening, drops every connection and upstream request, stops every timer. */
  close(): Promise<void>;
}

export const STATUS_PATH = '/proxy/status';
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Headers that describe one connection, not the message: never forwarded either way. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** Starts the proxy; rejects with a one-line Error (and the system `code`) when it cannot listen. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = new URL(options.upstream);
  if (upstream.protocol !== 'http:' && upstream.protocol !== 'https:') throw new Error(`upstream must be an http or https URL, got ${upstream.protocol}`);
  const schedule = new FaultSchedule(options.faults, options.startedAt ?? performance.now(), options.seed ?? 1);
  const proxy = new ProxyEngine(upstream, schedule, options.onExchange, (options.requestIdHeader ?? 'x-stampede-request-id').toLowerCase());
  const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => proxy.route(req, res));
  server.on('connection', (socket: Socket) => proxy.accept(socket));
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const bound = await listen(server, host, port);
  let closing: Promise<void> | null = null;
  return {
    url: bound.url,
    port: bound.port,
    counters: () => proxy.counters(),
    status: () => proxy.status(),
    setRunStart: (startedAt: number) => proxy.faults.setOrigin(startedAt),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        proxy.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** The upstream URL without credentials or query, safe to print. */
export function displayUpstream(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
}

class ProxyEngine {
  private readonly agent: HttpAgent;
  private readonly basePath: string;
  private readonly upstreamRequests = new Set<ClientRequest>();
  private readonly holds = new Set<NodeJS.Timeout>();
  private readonly pacers = new Set<SsePacer>();
  private closing = false;
  private readonly stats = { requests: 0, forwarded: 0, answered: 0, refused: 0, rejected: 0, abandoned: 0, upstreamErrors: 0 };

  constructor(
    private readonly upstream: URL,
    readonly faults: FaultSchedule,
    private readonly onExchange: ((exchange: ProxyExchange) => void) | undefined,
    private readonly requestIdHeader: string,
  ) {
    this.agent = upstream.protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.basePath = upstream.pathname.replace(/\/+$/, '');
  }

  counters(): ProxyCounters {
    return { ...this.stats, faultsInjected: { ...this.faults.counts } };
  }

  status(): ProxyStatus {
    const now = performance.now();
    return {
      upstream: displayUpstream(this.upstream),
      runTimeMs: Math.round(this.faults.runTimeMs(now)),
      activeFaults: FAULT_KINDS.filter((kind) => this.faults.active(kind, now) !== undefined),
      counters: this.counters(),
    };
  }

  close(): void {
    this.closing = true;
    for (const timer of this.holds) clearTimeout(timer);
    this.holds.clear();
    for (const pacer of this.pacers) pacer.stop();
    this.pacers.clear();
    for (const req of this.upstreamRequests) req.destroy();
    this.upstreamRequests.clear();
    this.agent.destroy();
  }

  accept(socket: Socket): void {
    const now = performance.now();
    if (!this.faults.refuses(now)) return;
    socket.destroy();
    this.stats.requests++;
    this.stats.refused++;
    const exchange = new Exchange(now, null);
    exchange.fault = 'outage';
    this.emit(exchange, 'network', true);
  }

  private emit(exchange: Exchange, result: ExchangeResult, injected: boolean): void {
    if (exchange.ended) return;
    exchange.ended = true;
    if (!this.onExchange) return;
    try {
      this.onExchange(exchange.record(result, injected));
    } catch {
      // An observer must not take the proxy down.
    }
  }

  route(req: IncomingMessage, res: ServerResponse): void {
    req.on('error', () => undefined);
    if (req.url === STATUS_PATH && req.method === 'GET') {
      const body = JSON.stringify(this.status());
      res.writeHead(200, ['content-type', 'application/json', 'content-length', String(Buffer.byteLength(body))]);
      res.end(body);
      return;
    }
    this.stats.requests++;
    const idValue = req.headers[this.requestIdHeader];
    const exchange = new Exchange(performance.now(), typeof idValue === 'string' ? idValue : null);
    // Whatever happens later, an attempt the client gave up on before it ended is counted once.
    res.on('close', () => {
      if (exchange.ended) return;
      if (exchange.status === 0) this.stats.abandoned++;
      this.emit(exchange, 'abandoned', exchange.fault !== null && exchange.fault !== 'latency' && exchange.fault !== 'slow-stream');
    });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      exchange.requestBytes = size;
      if (size > MAX_BODY_BYTES) {
        this.stats.rejected++;
        this.sendJson(res, exchange, 413, errorJson(`The request body exceeds ${MAX_BODY_BYTES} bytes.`, 'invalid_request_error', null, 'request_too_large'), [], false);
        return;
      }
      this.handle(req, res, exchange, Buffer.concat(chunks));
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse, exchange: Exchange, body: Buffer): void {
    const now = performance.now();
    const verdict = this.faults.checkRequest(now, this.tpmCost(body, now));
    switch (verdict.action) {
      case 'refuse':
        this.stats.refused++;
        exchange.fault = 'outage';
        this.emit(exchange, 'network', true);
        req.socket.destroy();
        return;
      case 'status': {
        this.stats.answered++;
        exchange.fault = verdict.kind;
        const shape = injectedErrorShape(verdict.status, verdict.kind);
        const headers = ['x-stampede-fault', verdict.kind];
        if (verdict.status === 429 || verdict.status === 503) headers.push('retry-after', '1');
        this.sendJson(res, exchange, verdict.status, errorJson(shape.message, shape.type, null, shape.code), headers, true);
        return;
      }
      case 'rate-limit':
        this.stats.answered++;
        exchange.fault = 'rate-limit';
        this.sendRateLimited(res, exchange, verdict.limiter, verdict.decision);
        return;
      case 'pass':
        break;
    }
    const delay = this.faults.addedLatencyMs(now);
    if (delay <= 0) {
      this.forward(req, res, exchange, body);
      return;
    }
    exchange.fault = 'latency';
    const timer = setTimeout(() => {
      this.holds.delete(timer);
      if (!this.closing && !res.destroyed) this.forward(req, res, exchange, body);
    }, delay);
    this.holds.add(timer);
  }

  /** TPM tokens of a request, as OpenAI estimates them (prompt + max_tokens); only inside a TPM window. */
  private tpmCost(body: Buffer, now: number): number {
    const limit = this.faults.active('rate-limit', now);
    if (limit === undefined || limit.tpm === undefined) return 0;
    const text = body.toString('utf8');
    const parsed = parseChatRequest(text);
    return parsed.ok ? parsed.request.promptTokens + (parsed.request.maxTokens ?? 0) : estimateTokens(text);
  }

  private sendRateLimited(res: ServerResponse, exchange: Exchange, limiter: RateLimiter, decision: RateDecision): void {
    const which = decision.limit === 'tokens' ? `tokens per min (TPM): Limit ${limiter.tokens!.capacity}` : `requests per min (RPM): Limit ${limiter.requests!.capacity}`;
    const message = decision.tooLarge
      ? `Request too large on ${which} (injected rate-limit fault).`
      : `Rate limit reached on ${which} (injected rate-limit fault). Please try again in ${formatResetDuration(decision.retryAfterMs)}.`;
    this.sendJson(res, exchange, 429, errorJson(message, decision.limit ?? 'requests', null, 'rate_limit_exceeded'), [
      'x-stampede-fault', 'rate-limit',
      'retry-after', String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))),
      'retry-after-ms', String(decision.retryAfterMs),
    ], true);
  }

  private sendJson(res: ServerResponse, exchange: Exchange, status: number, body: string, headers: string[], injected: boolean): void {
    if (res.destroyed) return;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    exchange.status = status;
    res.writeHead(status, ['content-type', 'application/json', 'content-length', String(Buffer.byteLength(body)), ...headers]);
    exchange.noteBody(body);
    res.end(body);
    this.emit(exchange, resultOfStatus(status), injected);
  }

  private forward(req: IncomingMessage, res: ServerResponse, exchange: Exchange, body: Buffer): void {
    const tokenIntervalMs = this.faults.tokenIntervalMs(performance.now());
    if (tokenIntervalMs > 0) exchange.fault ??= 'slow-stream';
    const headers: OutgoingHttpHeaders = {};
    const raw = req.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!;
      const lower = name.toLowerCase();
      if (HOP_BY_HOP.has(lower) || lower === 'host' || lower === 'content-length') continue;
      const existing = headers[name];
      headers[name] = existing === undefined ? raw[i + 1]! : ([] as string[]).concat(existing as string | string[], raw[i + 1]!);
    }
    headers.host = this.upstream.host;
    if (body.length > 0 || (req.method !== 'GET' && req.method !== 'HEAD')) headers['content-length'] = String(body.length);
    const send = this.upstream.protocol === 'https:' ? httpsRequest : httpRequest;
    const upstreamReq = send({
      protocol: this.upstream.protocol,
      hostname: this.upstream.hostname,
      port: this.upstream.port,
      path: this.basePath + (req.url ?? '/'),
      method: req.method,
      headers,
      agent: this.agent,
    });
    this.stats.forwarded++;
    this.upstreamRequests.add(upstreamReq);
    upstreamReq.on('close', () => this.upstreamRequests.delete(upstreamReq));
    // A client that hangs up cancels the upstream request: the upstream sees the disconnect.
    res.on('close', () => {
      if (!res.writableFinished) upstreamReq.destroy();
    });
    upstreamReq.on('response', (up) => {
      up.on('error', () => res.destroy());
      if (res.destroyed) {
        up.resume();
        return;
      }
      const out: string[] = [];
      for (let i = 0; i < up.rawHeaders.length; i += 2) {
        if (!HOP_BY_HOP.has(up.rawHeaders[i]!.toLowerCase())) out.push(up.rawHeaders[i]!, up.rawHeaders[i + 1]!);
      }
      const status = up.statusCode ?? 502;
      exchange.status = status;
      res.writeHead(status, up.statusMessage, out);
      res.on('finish', () => this.emit(exchange, resultOfStatus(status), false));
      if (tokenIntervalMs > 0 && /^text\/event-stream/i.test(String(up.headers['content-type'] ?? ''))) {
        const pacer = new SsePacer(up, res, tokenIntervalMs, () => this.pacers.delete(pacer), (chunk) => exchange.noteBody(chunk));
        this.pacers.add(pacer);
        return;
      }
      res.flushHeaders();
      up.on('data', (chunk: Buffer) => exchange.noteBody(chunk));
      up.on('end', () => {
        if (exchange.firstByteAt === 0) exchange.firstByteAt = performance.now();
      });
      up.pipe(res);
    });
    upstreamReq.on('error', (error: NodeJS.ErrnoException) => {
      if (res.destroyed || res.writableFinished) return;
      if (res.headersSent) {
        // The upstream broke off mid-answer: the client sees its connection reset.
        this.emit(exchange, 'network', false);
        res.destroy();
        return;
      }
      this.stats.upstreamErrors++;
      const reason = error.code ?? error.message;
      this.sendJson(res, exchange, 502, errorJson(`stampede proxy: the upstream ${displayUpstream(this.upstream)} failed: ${reason}`, 'server_error', null, 'upstream_unreachable'), [], false);
    });
    upstreamReq.end(body);
  }
}

/** Server-sent events released one per interval (a slow-stream fault), bytes unchanged. */
class SsePacer {
  private readonly queue: string[] = [];
  private buffer = '';
  private ended = false;
  private timer: NodeJS.Timeout | null = null;
  private nextAt = 0;
  private paused = false;

  constructor(
    private readonly up: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly intervalMs: number,
    private readonly done: () => void,
    private readonly onWrite: (chunk: string) => void = () => undefined,
  ) {
    up.setEncoding('utf8');
    up.on('data', (chunk: string) => {
      this.buffer += chunk;
      let match: RegExpExecArray | null;
      while ((match = /\r?\n\r?\n/.exec(this.buffer)) !== null) {
        const end = match.index + match[0].length;
        this.queue.push(this.buffer.slice(0, end));
        this.buffer = this.buffer.slice(end);
      }
      // Bounded memory however slow the cap: stop reading while many events wait.
      if (this.queue.length > 256 && !this.paused) {
        this.paused = true;
        up.pause();
      }
      this.pump();
    });
    up.on('end', () => {
      if (this.buffer !== '') this.queue.push(this.buffer);
      this.buffer = '';
      this.ended = true;
      this.pump();
    });
    res.on('close', () => this.stop());
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.done();
  }

  private pump(): void {
    if (this.timer !== null || this.res.destroyed) return;
    const now = performance.now();
    if (this.queue.length > 0 && now >= this.nextAt) {
      const event = this.queue.shift()!;
      this.onWrite(event);
      this.res.write(event);
      this.nextAt = now + this.intervalMs;
      if (this.paused && this.queue.length < 64) {
        this.paused = false;
        this.up.resume();
      }
    }
    if (this.queue.length > 0) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.pump();
      }, Math.max(1, this.nextAt - now));
      return;
    }
    if (this.ended) {
      this.res.end();
      this.done();
    }
  }
}
