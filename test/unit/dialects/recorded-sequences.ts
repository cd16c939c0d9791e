// Answers as the providers' API references show them: error bodies, rate-limit headers and
// stream event sequences copied in shape (ids, texts and figures shortened) from the published
// examples — Anthropic's "Errors", "Rate limits" and "Streaming Messages" pages, OpenAI's "Error
// codes", "Rate limits" and Responses streaming-event reference, Gemini's "Troubleshooting"
// (429 RESOURCE_EXHAUSTED with RetryInfo) and streamGenerateContent examples. Scripted servers
// replay them to the runner.
import type { DialectId } from '../../../src/core/plan';

export interface Recorded {
  name: string;
  dialect: DialectId;
  status: number;
  headers: Record<string, string>;
  /** A JSON body, or the SSE text of a stream. */
  body: string;
  /** What the runner must classify it as. */
  outcome: string;
  /** Content tokens that arrived before the failure (streams). */
  tokens?: number;
  retryAfterMs?: number;
  headroom?: { requestsRemaining: number | null; tokensRemaining: number | null };
  /** Usage the runner must read from a complete answer. */
  usage?: { input: number; output: number; cached: number };
}

const sse = (events: Array<[string | null, unknown]>) => events.map(([name, data]) => `${name ? `event: ${name}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`).join('');
const json = { 'content-type': 'application/json' };
const stream = { 'content-type': 'text/event-stream' };

const chatChunk = (content: string) => ({ id: 'chatcmpl-123', object: 'chat.completion.chunk', created: 1694268190, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }] });

const anthropicStart = [
  ['message_start', { type: 'message_start', message: { id: 'msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY', type: 'message', role: 'assistant', content: [], model: 'claude-sonnet-4-5', stop_reason: null, stop_sequence: null, usage: { input_tokens: 25, output_tokens: 1 } } }],
  ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
  ['ping', { type: 'ping' }],
  ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } }],
  ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: '!' } }],
] as Array<[string, unknown]>;

const responsesStart = [
  ['response.created', { type: 'response.created', response: { id: 'resp_67c9fdcecf488190bdd9a0409de3a1ec07b8b0ad4e5eb654', object: 'response', created_at: 1741290958, status: 'in_progress', error: null, model: 'gpt-4.1-2025-04-14', output: [], usage: null }, sequence_number: 0 }],
  ['response.output_item.added', { type: 'response.output_item.added', output_index: 0, item: { id: 'msg_67c9fdcf37fc8190ba82116e33fb28c507b8b0ad4e5eb654', type: 'message', status: 'in_progress', role: 'assistant', content: [] }, sequence_number: 1 }],
  ['response.content_part.added', { type: 'response.content_part.added', item_id: 'msg_67c9fdcf37fc8190ba82116e33fb28c507b8b0ad4e5eb654', output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] }, sequence_number: 2 }],
  ['response.output_text.delta', { type: 'response.output_text.delta', item_id: 'msg_67c9fdcf37fc8190ba82116e33fb28c507b8b0ad4e5eb654', output_index: 0, content_index: 0, delta: 'Hi', sequence_number: 3 }],
  ['response.output_text.delta', { type: 'response.output_text.delta', item_id: 'msg_67c9fdcf37fc8190ba82116e33fb28c507b8b0ad4e5eb654', output_index: 0, content_index: 0, delta: ' there', sequence_number: 4 }],
] as Array<[string, unknown]>;

const geminiChunk = (text: string) => ({ candidates: [{ content: { parts: [{ text }], role: 'model' }, index: 0 }], usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 }, modelVersion: 'gemini-2.5-flash' });

export const RECORDED: Recorded[] = [
  // ---- complete answers ----
  {
    name: 'Anthropic stream as documented, with prompt-cache reads',
    dialect: 'anthropic',
    status: 200,
    headers: stream,
    body: sse([
      ['message_start', { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', content: [], model: 'claude-sonnet-4-5', stop_reason: null, stop_sequence: null, usage: { input_tokens: 25, cache_creation_input_tokens: 0, cache_read_input_tokens: 1800, output_tokens: 1 } } }],
      ...anthropicStart.slice(1),
      ['content_block_stop', { type: 'content_block_stop', index: 0 }],
      ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 15 } }],
      ['message_stop', { type: 'message_stop' }],
    ]),
    outcome: 'ok',
    tokens: 2,
    usage: { input: 1825, output: 15, cached: 1800 },
  },
  {
    name: 'OpenAI Responses stream ending in response.completed with cached tokens',
    dialect: 'openai-responses',
    status: 200,
    headers: stream,
    body: sse([
      ...responsesStart,
      ['response.output_text.done', { type: 'response.output_text.done', item_id: 'msg_67c9fdcf37fc8190ba82116e33fb28c507b8b0ad4e5eb654', output_index: 0, content_index: 0, text: 'Hi there', sequence_number: 5 }],
      ['response.completed', { type: 'response.completed', response: { id: 'resp_1', object: 'response', created_at: 1741290958, status: 'completed', error: null, model: 'gpt-4.1-2025-04-14', output: [], usage: { input_tokens: 2048, input_tokens_details: { cached_tokens: 1024 }, output_tokens: 2, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 2050 } }, sequence_number: 6 }],
    ]),
    outcome: 'ok',
    tokens: 2,
    usage: { input: 2048, output: 2, cached: 1024 },
  },
  {
    name: 'Gemini stream ending with finishReason STOP and cachedContentTokenCount',
    dialect: 'gemini',
    status: 200,
    headers: stream,
    body: sse([
      [null, geminiChunk('The')],
      [null, { candidates: [{ content: { parts: [{ text: ' sky is blue.' }], role: 'model' }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: 4100, cachedContentTokenCount: 4096, candidatesTokenCount: 5, thoughtsTokenCount: 3, totalTokenCount: 4108 }, modelVersion: 'gemini-2.5-flash' }],
    ]),
    outcome: 'ok',
    tokens: 2,
    usage: { input: 4100, output: 8, cached: 4096 },
  },
  // ---- rate limits ----
  {
    name: 'OpenAI 429 rate_limit_exceeded with x-ratelimit-* headers',
    dialect: 'openai',
    status: 429,
    headers: { ...json, 'x-ratelimit-limit-requests': '60', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '1s', 'x-ratelimit-limit-tokens': '150000', 'x-ratelimit-remaining-tokens': '149984', 'x-ratelimit-reset-tokens': '6m0s', 'retry-after': '1' },
    body: JSON.stringify({ error: { message: 'Rate limit reached for gpt-4o-mini in organization org-abc on requests per min (RPM): Limit 60, Used 60, Requested 1. Please try again in 1s.', type: 'requests', param: null, code: 'rate_limit_exceeded' } }),
    outcome: 'rate_limited',
    retryAfterMs: 1000,
    headroom: { requestsRemaining: 0, tokensRemaining: 149984 },
  },
  {
    name: 'OpenAI Responses 429 with x-ratelimit-* headers',
    dialect: 'openai-responses',
    status: 429,
    headers: { ...json, 'x-ratelimit-limit-requests': '500', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '120ms', 'retry-after-ms': '120' },
    body: JSON.stringify({ error: { message: 'Rate limit reached for gpt-4.1 in organization org-abc on requests per min (RPM): Limit 500, Used 500, Requested 1.', type: 'requests', param: null, code: 'rate_limit_exceeded' } }),
    outcome: 'rate_limited',
    retryAfterMs: 120,
    headroom: { requestsRemaining: 0, tokensRemaining: null },
  },
  {
    name: 'Anthropic 429 rate_limit_error with retry-after and anthropic-ratelimit-* headers',
    dialect: 'anthropic',
    status: 429,
    headers: { ...json, 'retry-after': '7', 'anthropic-ratelimit-requests-limit': '50', 'anthropic-ratelimit-requests-remaining': '0', 'anthropic-ratelimit-requests-reset': '2025-01-01T00:00:07Z', 'anthropic-ratelimit-tokens-limit': '40000', 'anthropic-ratelimit-tokens-remaining': '12000', 'anthropic-ratelimit-tokens-reset': '2025-01-01T00:00:30Z', 'request-id': 'req_018EeWyXxfu5pfWkrYcMdjWG' },
    body: JSON.stringify({ type: 'error', error: { type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit' } }),
    outcome: 'rate_limited',
    retryAfterMs: 7000,
    headroom: { requestsRemaining: 0, tokensRemaining: 12000 },
  },
  {
    name: 'Gemini 429 RESOURCE_EXHAUSTED with a RetryInfo retryDelay (no rate-limit headers)',
    dialect: 'gemini',
    status: 429,
    headers: json,
    body: JSON.stringify({ error: { code: 429, message: 'You exceeded your current quota, please check your plan and billing details.', status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests', quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier' }] }, { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37s' }] } }),
    outcome: 'rate_limited',
    retryAfterMs: 37000,
  },
  // ---- overload ----
  {
    name: 'Anthropic 529 overloaded_error',
    dialect: 'anthropic',
    status: 529,
    headers: json,
    body: JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
    outcome: 'overloaded',
  },
  {
    name: 'OpenAI 503 "The engine is currently overloaded"',
    dialect: 'openai',
    status: 503,
    headers: json,
    body: JSON.stringify({ error: { message: 'The engine is currently overloaded, please try again later', type: 'server_error', param: null, code: null } }),
    outcome: 'server_error',
  },
  {
    name: 'Gemini 503 UNAVAILABLE "The model is overloaded"',
    dialect: 'gemini',
    status: 503,
    headers: json,
    body: JSON.stringify({ error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } }),
    outcome: 'server_error',
  },
  // ---- errors mid-stream ----
  {
    name: 'Anthropic stream: text deltas, then event: error overloaded_error',
    dialect: 'anthropic',
    status: 200,
    headers: stream,
    body: sse([...anthropicStart, ['error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }]]),
    outcome: 'overloaded',
    tokens: 2,
  },
  {
    name: 'Anthropic stream: text deltas, then event: error api_error',
    dialect: 'anthropic',
    status: 200,
    headers: stream,
    body: sse([...anthropicStart, ['error', { type: 'error', error: { type: 'api_error', message: 'Internal server error' } }]]),
    outcome: 'server_error',
    tokens: 2,
  },
  {
    name: 'OpenAI chat stream: chunks, then an error chunk',
    dialect: 'openai',
    status: 200,
    headers: stream,
    body: sse([[null, chatChunk('Hello')], [null, chatChunk(' world')], [null, { error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null } }]]),
    outcome: 'server_error',
    tokens: 2,
  },
  {
    name: 'OpenAI Responses stream: deltas, then response.failed (server_error)',
    dialect: 'openai-responses',
    status: 200,
    headers: stream,
    body: sse([...responsesStart, ['response.failed', { type: 'response.failed', response: { id: 'resp_123', object: 'response', created_at: 1740855869, status: 'failed', error: { code: 'server_error', message: 'The model failed to generate a response.' }, output: [], usage: null }, sequence_number: 5 }]]),
    outcome: 'server_error',
    tokens: 2,
  },
  {
    name: 'OpenAI Responses stream: deltas, then an error event (rate_limit_exceeded)',
    dialect: 'openai-responses',
    status: 200,
    headers: stream,
    body: sse([...responsesStart, ['error', { type: 'error', code: 'rate_limit_exceeded', message: 'Rate limit reached', param: null, sequence_number: 5 }]]),
    outcome: 'rate_limited',
    tokens: 2,
  },
  {
    name: 'Gemini stream: chunks, then an error chunk (INTERNAL)',
    dialect: 'gemini',
    status: 200,
    headers: stream,
    body: sse([[null, geminiChunk('The')], [null, geminiChunk(' sky')], [null, { error: { code: 500, message: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting', status: 'INTERNAL' } }]]),
    outcome: 'server_error',
    tokens: 2,
  },
  // ---- streams cut off before the dialect's end ----
  {
    name: 'Anthropic stream that ends without message_stop',
    dialect: 'anthropic',
    status: 200,
    headers: stream,
    body: sse(anthropicStart),
    outcome: 'server_error',
    tokens: 2,
  },
  {
    name: 'Gemini stream that ends without a finishReason',
    dialect: 'gemini',
    status: 200,
    headers: stream,
    body: sse([[null, geminiChunk('The')]]),
    outcome: 'server_error',
    tokens: 1,
  },
];
