// The embedded mock AI provider: an HTTP server in front of a simulated GPU (mock-engine.ts)
// that speaks every dialect Stampede does — OpenAI chat completions and Responses, Anthropic
// Messages, Gemini generateContent — on the same GPU, rate limiter, caches and faults. This file
// starts the server and routes each path to its dialect's wire (wire/*.ts).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { MockProfileName, TokenizerName } from '../core/plan';
import type { PlanMockBehaviour } from '../core/plan-failure-modes';
import { loadTokenizer } from '../tokenizers/tokenizer';
import { readChatBody } from './chat-exchange';
import type { FaultCounts } from './fault-schedule';
import { MockEngine } from './mock-engine';
import { resolveMockProfile, type MockProfile } from './profiles';
import { prometheusText } from './prometheus-exposition';
import { listen } from './listen';
import { anthropicWire } from './wire/anthropic-wire';
import { geminiWire } from './wire/gemini-wire';
import type { MockRoute, MockWire } from './wire/mock-wire';
import { openaiChatWire } from './wire/openai-chat-wire';
import { responsesWire } from './wire/responses-wire';

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
  /** Counts prompt tokens (and so TPM, KV cache and prefill time); default `approx`, 4
   * characters per token. A real tokenizer costs the mock CPU for every prompt. */
  tokenizer?: TokenizerName;
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
  const engine = new MockEngine(profile, options.seed ?? 1, options.behaviour, options.startedAt ?? performance.now(), loadTokenizer(options.tokenizer ?? 'approx').count);
  const createdAt = Math.floor(Date.now() / 1000);
  const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => route(engine, req, res, createdAt));
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

/** Gemini's model-and-method paths: /v1beta/models/{model}:streamGenerateContent (or
 * :generateContent, or under /v1). */
const GEMINI_PATH = /^\/(v1beta|v1)\/(models\/[^:/]+|tunedModels\/[^:/]+):(streamGenerateContent|generateContent)$/;

const POST_ROUTES: Record<string, MockWire> = {
  '/v1/chat/completions': openaiChatWire,
  '/v1/responses': responsesWire,
  '/v1/messages': anthropicWire,
};

function route(engine: MockEngine, req: IncomingMessage, res: ServerResponse, createdAt: number): void {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const path = query >= 0 ? url.slice(0, query) : url;
  const wire = POST_ROUTES[path];
  if (wire) {
    if (req.method !== 'POST') return engine.sendWireError(wire, res, 405, `Use POST for ${path}.`, 'invalid_request_error', null, 'method_not_allowed');
    return readChatBody(engine, req, res, engine.nextRequestNumber(), wire, NO_ROUTE);
  }
  const gemini = GEMINI_PATH.exec(path);
  if (gemini) {
    if (req.method !== 'POST') return engine.sendWireError(geminiWire, res, 405, `Use POST for ${path}.`, 'invalid_request_error', null, 'method_not_allowed');
    const stream = gemini[3] === 'streamGenerateContent';
    // Without alt=sse Gemini streams one JSON array; Stampede and the SDKs ask for SSE.
    if (stream && !/[?&]alt=sse(&|$)/.test(url.slice(query))) return engine.sendWireError(geminiWire, res, 400, 'The mock streams server-sent events only: add ?alt=sse (as the official SDKs do).', 'invalid_request_error', 'alt', null);
    const model = decodeURIComponent(gemini[2].replace(/^(models|tunedModels)\//, ''));
    return readChatBody(engine, req, res, engine.nextRequestNumber(), geminiWire, { model, stream });
  }
  if (path === '/v1/models' && req.method === 'GET') return sendModels(engine.profile, res, createdAt);
  if (path === '/metrics' && req.method === 'GET') return sendMetrics(engine, res);
  if ((path === '/health' || path === '/v1/health') && req.method === 'GET') {
    res.writeHead(200, ['content-length', '0']);
    res.end();
    return;
  }
  engine.sendWireError(openaiChatWire, res, 404, `No route for ${req.method} ${path}.`, 'not_found_error', null, 'not_found');
}

const NO_ROUTE: MockRoute = { model: null, stream: null };

function sendModels(profile: MockProfile, res: ServerResponse, createdAt: number): void {
  const body = JSON.stringify({
    object: 'list',
    data: [{ id: profile.model, object: 'model', created: createdAt, owned_by: 'stampede-mock', max_model_len: profile.maxModelLen }],
  });
  res.writeHead(200, ['content-type', 'application/json', 'content-length', String(Buffer.byteLength(body))]);
  res.end(body);
}

function sendMetrics(engine: MockEngine, res: ServerResponse): void {
  const c = engine.counters();
  const body = prometheusText(engine.profile.model, { ...c, kvCacheUsage: engine.scheduler?.kvUsage ?? 0 }, [
    { name: 'mock_faults_injected_total', help: 'Requests (or connections) each kind of scheduled fault touched.', label: 'kind', values: c.faultsInjected },
    { name: 'mock_degraded_responses_total', help: 'Responses at each degradation level (1 cheaper model, 2 template answer, 3 refused).', label: 'level', values: { 1: c.degraded[0], 2: c.degraded[1], 3: c.degraded[2] } },
  ]);
  res.writeHead(200, ['content-type', 'text/plain; version=0.0.4; charset=utf-8', 'content-length', String(Buffer.byteLength(body))]);
  res.end(body);
}
