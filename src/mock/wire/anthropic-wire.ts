// Anthropic's Messages API: `POST /v1/messages` with x-api-key and anthropic-version. Streams
// are named events (message_start, content_block_start, ping, content_block_delta…,
// content_block_stop, message_delta, message_stop); errors are {"type":"error","error":{type,
// message}}, the server's overload a 529 overloaded_error; rate limits in anthropic-ratelimit-*
// headers with RFC 3339 resets. Usage always goes out (the format has no way to leave it out):
// input_tokens without the cache reads, which are cache_read_input_tokens.
import { fillerContent, fillerTokenLiteral } from '../filler-text';
import type { ChatRequestParse } from '../chat-request';
import { failure, isFailure, jsonObject, partsText, positiveInt, toolNames, type Fields } from './parse-helpers';
import type { AnswerView, LimitState, MockWire } from './mock-wire';

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  405: 'invalid_request_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  529: 'overloaded_error',
};

function errorType(status: number): string {
  return ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

function errorBody(type: string, message: string): string {
  return JSON.stringify({ type: 'error', error: { type, message } });
}

function event(name: string, data: string): string {
  return `event: ${name}\ndata: ${data}\n\n`;
}

function stopReason(a: AnswerView): string {
  return a.finishReason === 'tool_calls' ? 'tool_use' : a.finishReason === 'length' ? 'max_tokens' : 'end_turn';
}

function usageJson(a: AnswerView, output: number): string {
  return `{"input_tokens":${a.promptTokens - a.cachedTokens},"cache_creation_input_tokens":0,"cache_read_input_tokens":${a.cachedTokens},"output_tokens":${output}}`;
}

/** The content blocks of a whole answer. */
function contentJson(a: AnswerView): string {
  const b = a.body;
  if (b === null) return `[{"type":"text","text":"${fillerContent(a.outputTokens)}"}]`;
  if (b.kind === 'text') return JSON.stringify([{ type: 'text', text: b.text }]);
  return JSON.stringify([{ type: 'tool_use', id: b.callId, name: b.name, input: JSON.parse(b.args) as unknown }]);
}

function parse(body: string, count: (text: string) => number): ChatRequestParse {
  const record = jsonObject(body);
  if (isFailure(record)) return record;
  const messages = record.messages;
  if (!Array.isArray(messages) || messages.length === 0) return failure('messages: Field required (a non-empty list).', 'messages');
  const maxTokens = positiveInt(record.max_tokens, 'max_tokens');
  if (maxTokens === null) return failure('max_tokens: Field required.', 'max_tokens');
  if (typeof maxTokens !== 'number') return maxTokens;
  let promptText = '';
  let promptTokens = 0;
  const system = partsText(record.system);
  if (system === undefined) return failure('system: must be a string or a list of text blocks.', 'system');
  if (system !== '') {
    promptText += 'system\n' + system + '\n';
    promptTokens += count(system);
  }
  let toolResults = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as Fields | null;
    if (!m || typeof m !== 'object' || (m.role !== 'user' && m.role !== 'assistant')) return failure(`messages.${i}.role: must be 'user' or 'assistant'.`, `messages.${i}`);
    let text: string;
    if (typeof m.content === 'string') text = m.content;
    else if (Array.isArray(m.content)) {
      text = '';
      for (const block of m.content as Fields[]) {
        if (block?.type === 'text' && typeof block.text === 'string') text += block.text;
        else if (block?.type === 'tool_use') text += JSON.stringify(block.input ?? {});
        else if (block?.type === 'tool_result') {
          toolResults++;
          text += partsText(block.content) ?? '';
        }
      }
    } else return failure(`messages.${i}.content: must be a string or a list of content blocks.`, `messages.${i}.content`);
    promptText += m.role + '\n' + text + '\n';
    promptTokens += count(text);
  }
  let names: string[] | null = null;
  if (record.tools !== undefined && record.tools !== null) {
    const tools = toolNames(record.tools, 'tools');
    if (typeof tools === 'string') return failure(tools, 'tools');
    const choice = record.tool_choice as Fields | undefined;
    if (tools.length > 0 && choice?.type !== 'none') names = tools;
  }
  const model = typeof record.model === 'string' && record.model !== '' ? record.model : null;
  const stream = record.stream === true;
  return { ok: true, request: { model, promptText, promptTokens, maxTokens, stream, includeUsage: true, toolNames: names, toolResults } };
}

/** RFC 3339 time `ms` from now, to the second, as Anthropic's reset headers give it. */
function resetAt(ms: number): string {
  return new Date(Math.ceil((Date.now() + ms) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export const anthropicWire: MockWire = {
  id: 'anthropic',
  parse,
  retryAfterInBody: false,

  streamHead(a) {
    const b = a.body;
    const block = b?.kind === 'tool' ? JSON.stringify({ type: 'tool_use', id: b.callId, name: b.name, input: {} }) : '{"type":"text","text":""}';
    a.prefix = b?.kind === 'tool' ? '{"type":"input_json_delta","partial_json":' : '{"type":"text_delta","text":';
    return (
      event('message_start', `{"type":"message_start","message":{"id":"msg_${a.baseId}","type":"message","role":"assistant","model":${a.modelLiteral},"content":[],"stop_reason":null,"stop_sequence":null,"usage":${usageJson(a, 1)}}}`) +
      event('content_block_start', `{"type":"content_block_start","index":0,"content_block":${block}}`) +
      event('ping', '{"type":"ping"}')
    );
  },

  streamPiece(a, index) {
    const literal = a.body === null ? fillerTokenLiteral(index) : a.body.pieces[index]!;
    return `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":${a.prefix}${literal}}}\n\n`;
  },

  streamTail(a) {
    return (
      event('content_block_stop', '{"type":"content_block_stop","index":0}') +
      event('message_delta', `{"type":"message_delta","delta":{"stop_reason":"${stopReason(a)}","stop_sequence":null},"usage":{"output_tokens":${a.outputTokens}}}`) +
      event('message_stop', '{"type":"message_stop"}')
    );
  },

  streamError(_a, status, message) {
    return event('error', errorBody(errorType(status), message));
  },

  json(a) {
    return `{"id":"msg_${a.baseId}","type":"message","role":"assistant","model":${a.modelLiteral},"content":${contentJson(a)},"stop_reason":"${stopReason(a)}","stop_sequence":null,"usage":${usageJson(a, a.outputTokens)}}`;
  },

  error(status, message, _type, _param, code) {
    // The server's own overload (a full queue, degradation's last level) is Anthropic's 529.
    if (code === 'queue_full' || code === 'degraded') return { status: 529, body: errorBody('overloaded_error', message) };
    return { status, body: errorBody(errorType(status), message) };
  },

  rateLimitHeaders(headers: string[], state: LimitState) {
    const { requests, tokens } = state;
    if (requests) headers.push('anthropic-ratelimit-requests-limit', String(requests.limit), 'anthropic-ratelimit-requests-remaining', String(requests.remaining), 'anthropic-ratelimit-requests-reset', resetAt(requests.resetMs));
    if (tokens) headers.push('anthropic-ratelimit-tokens-limit', String(tokens.limit), 'anthropic-ratelimit-tokens-remaining', String(tokens.remaining), 'anthropic-ratelimit-tokens-reset', resetAt(tokens.resetMs));
  },
};
