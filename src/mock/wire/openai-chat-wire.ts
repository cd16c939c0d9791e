// OpenAI chat completions: chat.completion and chat.completion.chunk, `data: [DONE]` at the end,
// errors as {"error": {message, type, param, code}}, rate limits in x-ratelimit-* headers.
import { messageJson, pieceDeltaJson, roleDeltaJson } from '../answer-body';
import { parseChatRequest } from '../chat-request';
import { DONE_EVENT, chunkPrefix, completionJson, deltaChunk, errorJson, finishChunk, roleChunk, tokenChunk, usageChunk, type UsageFigures } from '../openai-wire';
import { formatResetDuration } from '../rate-limiter';
import type { AnswerView, LimitState, MockWire } from './mock-wire';

export function usageOf(a: AnswerView): UsageFigures {
  return { promptTokens: a.promptTokens, completionTokens: a.outputTokens, cachedTokens: a.cachedTokens };
}

/** OpenAI's x-ratelimit-* headers, resets in its `12ms` / `1.5s` / `6m0s` form. */
export function openaiRateLimitHeaders(headers: string[], state: LimitState): void {
  const { requests, tokens } = state;
  if (requests) headers.push('x-ratelimit-limit-requests', String(requests.limit), 'x-ratelimit-remaining-requests', String(requests.remaining), 'x-ratelimit-reset-requests', formatResetDuration(requests.resetMs));
  if (tokens) headers.push('x-ratelimit-limit-tokens', String(tokens.limit), 'x-ratelimit-remaining-tokens', String(tokens.remaining), 'x-ratelimit-reset-tokens', formatResetDuration(tokens.resetMs));
}

export const openaiChatWire: MockWire = {
  id: 'openai',
  parse: (body, count) => parseChatRequest(body, count),
  retryAfterInBody: false,

  streamHead(a) {
    a.prefix = chunkPrefix(`chatcmpl-${a.baseId}`, a.created, a.modelLiteral);
    return a.body === null ? roleChunk(a.prefix) : deltaChunk(a.prefix, roleDeltaJson(a.body));
  },

  streamPiece(a, index) {
    return a.body === null ? tokenChunk(a.prefix, index) : deltaChunk(a.prefix, pieceDeltaJson(a.body, index));
  },

  streamTail(a) {
    let text = finishChunk(a.prefix, a.finishReason);
    if (a.includeUsage) text += usageChunk(`chatcmpl-${a.baseId}`, a.created, a.modelLiteral, usageOf(a));
    return text + DONE_EVENT;
  },

  streamError(_a, status, message) {
    const type = status === 429 ? 'requests' : status === 503 || status === 529 ? 'service_unavailable_error' : 'server_error';
    return `data: ${errorJson(message, type, null, status === 429 ? 'rate_limit_exceeded' : null)}\n\n`;
  },

  json(a) {
    return completionJson(`chatcmpl-${a.baseId}`, a.created, a.modelLiteral, a.finishReason, usageOf(a), a.body === null ? undefined : messageJson(a.body), a.includeUsage);
  },

  error(status, message, type, param, code) {
    return { status, body: errorJson(message, type, param, code) };
  },

  rateLimitHeaders: openaiRateLimitHeaders,
};
