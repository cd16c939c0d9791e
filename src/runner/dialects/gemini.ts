// Gemini's Generative Language API: `POST {base}/models/{model}:streamGenerateContent?alt=sse`
// (or `:generateContent`), key in `x-goog-api-key`. A stream is data-only SSE: each chunk is a
// GenerateContentResponse whose candidate parts carry text or a function call, most with
// `usageMetadata`; the last has a `finishReason`, and the stream simply ends (no [DONE]).
// Chunks hold several tokens, so a chunk is one token event: TTFT is exact, ITL is per chunk.
// Usage: promptTokenCount (cached included, cachedContentTokenCount), candidatesTokenCount plus
// thoughtsTokenCount as output. Errors come as HTTP statuses or, mid-stream, as a chunk holding
// `error` {code, status, message}; a 429's RetryInfo `retryDelay` is honoured like retry-after.
import { performance } from 'node:perf_hooks';
import type { Outcome } from '../../protocol/run-events';
import { geminiUrl } from './endpoints';
import { outcomeForStatus } from '../outcome-classifier';
import { TOOL_PARAMETERS, argumentsObject, isObject, lastOf, parseJson, snippet, type AgentConversation, type AnswerSink, type BodySpec, type Dialect, type ToolCall } from './dialect';

const STATUSES: Record<string, Outcome> = {
  RESOURCE_EXHAUSTED: 'rate_limited',
  UNAVAILABLE: 'server_error',
  INTERNAL: 'server_error',
  UNKNOWN: 'server_error',
  DEADLINE_EXCEEDED: 'timeout',
  INVALID_ARGUMENT: 'client_error',
  FAILED_PRECONDITION: 'client_error',
  PERMISSION_DENIED: 'client_error',
  UNAUTHENTICATED: 'client_error',
  NOT_FOUND: 'client_error',
};

/** A Google API error object {code, status, message}: by its status name, else its code. */
function errorObjectOutcome(error: unknown, fallbackStatus: number): Outcome {
  if (isObject(error)) {
    if (typeof error.status === 'string' && STATUSES[error.status]) return STATUSES[error.status]!;
    if (typeof error.code === 'number' && error.code >= 400) return outcomeForStatus(error.code);
  }
  return fallbackStatus >= 400 ? outcomeForStatus(fallbackStatus) : 'server_error';
}

type Part = { text?: unknown; thought?: unknown; functionCall?: { name?: unknown; args?: unknown; id?: unknown } };
type Chunk = { candidates?: Array<{ content?: { parts?: Part[] }; finishReason?: unknown }>; usageMetadata?: unknown; error?: unknown };

function readUsage(sink: AnswerSink, usage: unknown): void {
  if (!isObject(usage)) return;
  const u = usage as { promptTokenCount?: unknown; candidatesTokenCount?: unknown; thoughtsTokenCount?: unknown; cachedContentTokenCount?: unknown };
  const out = typeof u.candidatesTokenCount === 'number' ? u.candidatesTokenCount + (typeof u.thoughtsTokenCount === 'number' ? u.thoughtsTokenCount : 0) : -1;
  sink.usage(typeof u.promptTokenCount === 'number' ? u.promptTokenCount : -1, out, typeof u.cachedContentTokenCount === 'number' ? u.cachedContentTokenCount : typeof u.promptTokenCount === 'number' ? 0 : -1);
}

function partsOf(chunk: Chunk): Part[] {
  const parts = chunk.candidates?.[0]?.content?.parts;
  return Array.isArray(parts) ? parts : [];
}

function hasPiece(chunk: Chunk): boolean {
  return partsOf(chunk).some((p) => (typeof p?.text === 'string' && p.text.length > 0) || isObject(p?.functionCall));
}

function partsText(chunk: Chunk): string {
  let text = '';
  for (const p of partsOf(chunk)) if (typeof p?.text === 'string') text += p.text;
  return text;
}

function contentsJson(conversation: AgentConversation): string {
  const contents: string[] = [`{"role":"user","parts":[{"text":${conversation.promptJson}}]}`];
  for (const turn of conversation.turns) {
    contents.push(JSON.stringify({ role: 'model', parts: turn.calls.map((c) => ({ functionCall: { id: c.id, name: c.name, args: argumentsObject(c.arguments) } })) }));
    contents.push(JSON.stringify({ role: 'user', parts: turn.results.map((r) => ({ functionResponse: { id: r.callId, name: r.name, response: argumentsObject(r.content) } })) }));
  }
  return contents.join(',');
}

function head(system: string | undefined): string {
  return `{${system !== undefined ? `"systemInstruction":{"parts":[{"text":${JSON.stringify(system)}}]},` : ''}"contents":[`;
}

function config(spec: BodySpec): string {
  return `"generationConfig":{"maxOutputTokens":${Math.max(1, Math.floor(spec.maxTokens))}}}`;
}

/** Seconds in a google.protobuf.Duration's JSON form ("37s", "1.5s") as ms; -1 when not one. */
function durationMs(text: unknown): number {
  if (typeof text !== 'string') return -1;
  const m = /^(\d+(?:\.\d+)?)s$/.exec(text.trim());
  return m ? Math.round(Number(m[1]) * 1000) : -1;
}

export const gemini: Dialect = {
  answerFacts(events, body) {
    return {
      text: gemini.answerText(events, body),
      model: lastOf(events, body, (v) => v.modelVersion),
      finishReason: lastOf(events, body, (v) => (v as Chunk).candidates?.[0]?.finishReason),
    };
  },

  id: 'gemini',

  url(baseUrl, model, stream) {
    return geminiUrl(baseUrl, model, stream);
  },

  authHeaders(apiKey) {
    const headers: Record<string, string> = {};
    if (apiKey) headers['x-goog-api-key'] = apiKey;
    return headers;
  },

  bodyParts(spec) {
    return { head: `${head(spec.system)}{"role":"user","parts":[{"text":`, tail: `}]}],${config(spec)}` };
  },

  agentBody(spec, conversation) {
    const tools = JSON.stringify([{ functionDeclarations: conversation.tools.map((t) => ({ name: t.name, description: t.description, parameters: TOOL_PARAMETERS })) }]);
    return `${head(spec.system)}${contentsJson(conversation)}],"tools":${tools},${config(spec)}`;
  },

  streamEvent(sink, _event, data) {
    if (data.charCodeAt(0) !== 123) {
      if (data.trim() !== '') sink.failed('server_error', `malformed SSE: data is not JSON${snippet(data)}`);
      return;
    }
    // Fast path: a text chunk that does not end the answer needs no parse.
    const t = data.indexOf('"text":"');
    const finishing = data.indexOf('"finishReason"') >= 0;
    if (t >= 0 && !finishing && data.indexOf('"error"') < 0 && data.indexOf('"functionCall"') < 0) {
      if (data.charCodeAt(t + 8) !== 34) sink.token(performance.now());
      return;
    }
    const now = performance.now();
    const chunk = parseJson(data) as Chunk | undefined;
    if (!isObject(chunk)) {
      sink.failed('server_error', `malformed SSE: data is not valid JSON${snippet(data)}`);
      return;
    }
    if (chunk.error !== undefined && chunk.error !== null) {
      sink.failed(errorObjectOutcome(chunk.error, 0), `error in the stream${snippet(data)}`);
      return;
    }
    if (hasPiece(chunk)) sink.token(now);
    if (chunk.usageMetadata !== undefined) readUsage(sink, chunk.usageMetadata);
    const finish = chunk.candidates?.[0]?.finishReason;
    if (typeof finish === 'string' && finish !== '' && finish !== 'FINISH_REASON_UNSPECIFIED') sink.ended();
  },

  jsonAnswer(sink, obj) {
    const chunk = obj as Chunk;
    if (chunk.error !== undefined && chunk.error !== null) {
      sink.failed(errorObjectOutcome(chunk.error, 0), `an error object${snippet(JSON.stringify(chunk.error))}`);
      return;
    }
    if (!Array.isArray(chunk.candidates)) {
      sink.failed('server_error', 'a JSON body that has no candidates');
      return;
    }
    readUsage(sink, chunk.usageMetadata);
    sink.jsonAnswerChars(partsText(chunk).length);
    sink.ended();
  },

  errorOutcome(status, body) {
    const v = parseJson(body);
    // A JSON error body says its class by name; the status decides otherwise.
    const error = Array.isArray(v) ? (v[0] as { error?: unknown } | undefined)?.error : isObject(v) ? v.error : undefined;
    return error === undefined ? outcomeForStatus(status) : errorObjectOutcome(error, status);
  },

  retryAfterFromBody(body) {
    if (body.indexOf('RetryInfo') < 0) return -1;
    const v = parseJson(body);
    const error = (Array.isArray(v) ? (v[0] as { error?: unknown } | undefined)?.error : isObject(v) ? v.error : undefined) as { details?: unknown } | undefined;
    for (const d of Array.isArray(error?.details) ? (error.details as Array<Record<string, unknown>>) : []) {
      if (typeof d?.['@type'] === 'string' && d['@type'].endsWith('google.rpc.RetryInfo')) return durationMs(d.retryDelay);
    }
    return -1;
  },

  rateLimit() {
    // Gemini sends no rate-limit headers; its 429s say when to retry in the body.
    return null;
  },

  answerText(events, body) {
    if (events) {
      let text = '';
      for (const data of events) text += partsText((parseJson(data) ?? {}) as Chunk);
      return text;
    }
    return partsText((parseJson(body) ?? {}) as Chunk);
  },

  toolCalls(events, body) {
    const chunks = (events ?? [body]).map((d) => (parseJson(d) ?? {}) as Chunk);
    const out: ToolCall[] = [];
    for (const chunk of chunks) {
      for (const p of partsOf(chunk)) {
        const fc = p?.functionCall;
        if (!isObject(fc) || typeof fc.name !== 'string') continue;
        out.push({ id: typeof fc.id === 'string' && fc.id !== '' ? fc.id : `call_${out.length}`, name: fc.name, arguments: JSON.stringify(isObject(fc.args) ? fc.args : {}) });
      }
    }
    return out;
  },
};
