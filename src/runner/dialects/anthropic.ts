// Anthropic's Messages API (`POST {base}/v1/messages`, `x-api-key` and `anthropic-version`).
// A stream is named events: message_start (input usage, cache reads and writes), per content
// block a start, deltas (text_delta, thinking_delta, input_json_delta for tool arguments) and a
// stop, message_delta (output tokens, stop reason), message_stop. Pings are keep-alives; an
// `error` event is an error (e.g. overloaded_error mid-stream).
//
// Usage: Anthropic's input_tokens leaves out what was read from or written to the prompt cache,
// so Stampede's input = input_tokens + cache_read_input_tokens + cache_creation_input_tokens,
// and cached = cache_read_input_tokens.
//
// Errors: 429 / rate_limit_error is rate_limited; 529 / overloaded_error is `overloaded` (the
// provider's capacity, not your quota); other 5xx and api_error are server_error; other 4xx are
// client_error.
import { performance } from 'node:perf_hooks';
import type { Outcome } from '../../protocol/run-events';
import { messagesUrl } from './endpoints';
import { outcomeForStatus } from '../outcome-classifier';
import { TOOL_PARAMETERS, argumentsObject, isObject, lastOf, numberHeader, parseJson, snippet, type AgentConversation, type AnswerSink, type Dialect, type HeaderLookup, type RateLimitReading, type ToolCall } from './dialect';

const ERROR_TYPES: Record<string, Outcome> = {
  rate_limit_error: 'rate_limited',
  overloaded_error: 'overloaded',
  api_error: 'server_error',
  timeout_error: 'timeout',
  invalid_request_error: 'client_error',
  authentication_error: 'client_error',
  billing_error: 'client_error',
  permission_error: 'client_error',
  not_found_error: 'client_error',
  request_too_large: 'client_error',
};

/** The outcome an Anthropic error object's type names; undefined for a type it does not know. */
function outcomeOfType(error: unknown): Outcome | undefined {
  return isObject(error) && typeof error.type === 'string' ? ERROR_TYPES[error.type] : undefined;
}

function statusOutcome(status: number): Outcome {
  return status === 529 ? 'overloaded' : outcomeForStatus(status);
}

type AnthropicUsage = { input_tokens?: unknown; output_tokens?: unknown; cache_read_input_tokens?: unknown; cache_creation_input_tokens?: unknown };

const num = (v: unknown): number => (typeof v === 'number' && v >= 0 ? v : 0);

function readUsage(sink: AnswerSink, usage: unknown, withOutput: boolean): void {
  if (!isObject(usage)) return;
  const u = usage as AnthropicUsage;
  const hasInput = typeof u.input_tokens === 'number' || typeof u.cache_read_input_tokens === 'number';
  const cached = num(u.cache_read_input_tokens);
  const prompt = hasInput ? num(u.input_tokens) + cached + num(u.cache_creation_input_tokens) : -1;
  sink.usage(prompt, withOutput && typeof u.output_tokens === 'number' ? u.output_tokens : -1, hasInput ? cached : -1);
}

/** A delta whose piece (text, thinking or tool-argument JSON) is not empty, found without parsing
 * the compact form; other spellings are parsed. */
function deltaHasPiece(data: string): boolean {
  for (const key of ['"text":"', '"partial_json":"', '"thinking":"']) {
    const i = data.indexOf(key);
    if (i >= 0) return data.charCodeAt(i + key.length) !== 34;
  }
  const obj = parseJson(data) as { delta?: { text?: unknown; partial_json?: unknown; thinking?: unknown } } | undefined;
  const d = obj?.delta;
  const piece = d?.text ?? d?.partial_json ?? d?.thinking;
  return typeof piece === 'string' && piece.length > 0;
}

export function anthropicRateLimit(header: HeaderLookup): RateLimitReading | null {
  const reading: RateLimitReading = {
    requestsLimit: numberHeader(header, 'anthropic-ratelimit-requests-limit'),
    requestsRemaining: numberHeader(header, 'anthropic-ratelimit-requests-remaining'),
    // The tokens-* headers give the most restrictive token limit in force; older answers give
    // only the input-tokens-* ones.
    tokensLimit: numberHeader(header, 'anthropic-ratelimit-tokens-limit') ?? numberHeader(header, 'anthropic-ratelimit-input-tokens-limit'),
    tokensRemaining: numberHeader(header, 'anthropic-ratelimit-tokens-remaining') ?? numberHeader(header, 'anthropic-ratelimit-input-tokens-remaining'),
  };
  return reading.requestsRemaining === null && reading.tokensRemaining === null ? null : reading;
}

function messagesJson(conversation: AgentConversation): string {
  const messages: string[] = [`{"role":"user","content":${conversation.promptJson}}`];
  for (const turn of conversation.turns) {
    messages.push(JSON.stringify({ role: 'assistant', content: turn.calls.map((c) => ({ type: 'tool_use', id: c.id, name: c.name, input: argumentsObject(c.arguments) })) }));
    messages.push(JSON.stringify({ role: 'user', content: turn.results.map((r) => ({ type: 'tool_result', tool_use_id: r.callId, content: r.content })) }));
  }
  return messages.join(',');
}

function head(model: string, maxTokens: number, system: string | undefined): string {
  return `{"model":${JSON.stringify(model)},"max_tokens":${Math.max(1, Math.floor(maxTokens))}${system !== undefined ? `,"system":${JSON.stringify(system)}` : ''},"messages":[`;
}

type Block = { type?: unknown; id?: unknown; name?: unknown; input?: unknown; text?: unknown; thinking?: unknown };

export const anthropic: Dialect = {
  answerFacts(events, body) {
    return {
      text: anthropic.answerText(events, body),
      model: lastOf(events, body, (v) => (isObject(v.message) ? v.message.model : v.model)),
      finishReason: lastOf(events, body, (v) => (isObject(v.delta) ? v.delta.stop_reason : v.stop_reason)),
    };
  },

  id: 'anthropic',

  url(baseUrl) {
    return messagesUrl(baseUrl);
  },

  authHeaders(apiKey, apiVersion) {
    return { ...(apiKey ? { 'x-api-key': apiKey } : {}), 'anthropic-version': apiVersion ?? '2023-06-01' };
  },

  bodyParts(spec) {
    return { head: `${head(spec.model, spec.maxTokens, spec.system)}{"role":"user","content":`, tail: `}],"stream":${spec.stream}}` };
  },

  agentBody(spec, conversation) {
    const tools = JSON.stringify(conversation.tools.map((t) => ({ name: t.name, description: t.description, input_schema: TOOL_PARAMETERS })));
    return `${head(spec.model, spec.maxTokens, spec.system)}${messagesJson(conversation)}],"tools":${tools},"stream":${spec.stream}}`;
  },

  streamEvent(sink, event, data) {
    let type = event;
    if (type === 'message' || type === '') {
      // Anthropic names every event; a server that sends only data says the type in it.
      const m = /"type"\s*:\s*"([a-z_]+)"/.exec(data);
      type = m ? m[1] : '';
    }
    switch (type) {
      case 'content_block_delta':
        if (deltaHasPiece(data)) sink.token(performance.now());
        return;
      case 'ping':
      case 'content_block_start':
      case 'content_block_stop':
        return;
      case 'message_stop':
        sink.ended();
        return;
      case 'message_start':
      case 'message_delta':
      case 'error': {
        const obj = parseJson(data);
        if (!isObject(obj)) {
          sink.failed('server_error', `malformed SSE: data is not valid JSON${snippet(data)}`);
          return;
        }
        if (type === 'error') {
          sink.failed(outcomeOfType(obj.error) ?? 'server_error', `error event in the stream${snippet(data)}`);
          return;
        }
        const usage = type === 'message_start' ? (isObject(obj.message) ? obj.message.usage : undefined) : obj.usage;
        // message_start's output_tokens is a placeholder; message_delta's is the count.
        readUsage(sink, usage, type === 'message_delta');
        return;
      }
      default:
        if (data.trim() !== '' && data.charCodeAt(0) !== 123) sink.failed('server_error', `malformed SSE: data is not JSON${snippet(data)}`);
    }
  },

  jsonAnswer(sink, obj) {
    if (obj.type === 'error' || isObject(obj.error)) {
      sink.failed(outcomeOfType(obj.error) ?? 'server_error', `an error object${snippet(JSON.stringify(obj.error ?? obj))}`);
      return;
    }
    if (!Array.isArray(obj.content)) {
      sink.failed('server_error', 'a JSON body that has no content');
      return;
    }
    readUsage(sink, obj.usage, true);
    sink.jsonAnswerChars(blocksText(obj.content as Block[]).length);
    sink.ended();
  },

  errorOutcome(status, body) {
    const v = parseJson(body);
    return (isObject(v) ? outcomeOfType(v.error) : undefined) ?? statusOutcome(status);
  },

  retryAfterFromBody() {
    return -1;
  },

  rateLimit: anthropicRateLimit,

  answerText(events, body) {
    if (events) {
      let text = '';
      for (const data of events) {
        if (data.indexOf('content_block_delta') < 0) continue;
        const d = (parseJson(data) as { delta?: { type?: unknown; text?: unknown; thinking?: unknown } } | undefined)?.delta;
        if (d?.type === 'text_delta' && typeof d.text === 'string') text += d.text;
        else if (d?.type === 'thinking_delta' && typeof d.thinking === 'string') text += d.thinking;
      }
      return text;
    }
    const obj = parseJson(body) as { content?: unknown } | undefined;
    return Array.isArray(obj?.content) ? blocksText(obj.content as Block[]) : '';
  },

  toolCalls(events, body) {
    if (events && events.length > 0) {
      const byIndex = new Map<number, ToolCall & { input: unknown; json: boolean }>();
      for (const data of events) {
        const obj = parseJson(data) as { type?: unknown; index?: unknown; content_block?: Block; delta?: { type?: unknown; partial_json?: unknown } } | undefined;
        const index = typeof obj?.index === 'number' ? obj.index : 0;
        if (obj?.type === 'content_block_start' && obj.content_block?.type === 'tool_use' && typeof obj.content_block.name === 'string') {
          byIndex.set(index, { id: typeof obj.content_block.id === 'string' ? obj.content_block.id : `toolu_${index}`, name: obj.content_block.name, arguments: '', input: obj.content_block.input, json: false });
        } else if (obj?.type === 'content_block_delta' && obj.delta?.type === 'input_json_delta' && typeof obj.delta.partial_json === 'string') {
          const call = byIndex.get(index);
          if (call) {
            call.arguments += obj.delta.partial_json;
            call.json = true;
          }
        }
      }
      return [...byIndex.entries()].sort((x, y) => x[0] - y[0]).map(([, c]) => ({ id: c.id, name: c.name, arguments: c.json ? c.arguments : JSON.stringify(c.input ?? {}) }));
    }
    const obj = parseJson(body) as { content?: unknown } | undefined;
    const blocks = Array.isArray(obj?.content) ? (obj.content as Block[]) : [];
    return blocks.flatMap((b, i) => (b?.type === 'tool_use' && typeof b.name === 'string' ? [{ id: typeof b.id === 'string' ? b.id : `toolu_${i}`, name: b.name, arguments: JSON.stringify(b.input ?? {}) }] : []));
  },
};

function blocksText(blocks: Block[]): string {
  let text = '';
  for (const b of blocks) {
    if (b?.type === 'text' && typeof b.text === 'string') text += b.text;
    else if (b?.type === 'thinking' && typeof b.thinking === 'string') text += b.thinking;
  }
  return text;
}
