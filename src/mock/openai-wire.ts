// The bytes the mock sends: OpenAI's chat.completion and chat.completion.chunk shapes and its
// error object. Chunks are assembled from prefixes built once per response, so streaming a
// token is one string concatenation.
import { fillerContent, fillerTokenLiteral } from './filler-text';

export interface UsageFigures {
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
}

export function usageJson(usage: UsageFigures): string {
  return (
    `{"prompt_tokens":${usage.promptTokens},"completion_tokens":${usage.completionTokens},` +
    `"total_tokens":${usage.promptTokens + usage.completionTokens},` +
    `"prompt_tokens_details":{"cached_tokens":${usage.cachedTokens}}}`
  );
}

export type FinishReason = 'stop' | 'length' | 'tool_calls';

/** `messageJson` replaces the filler answer (tool calls, template text). */
export function completionJson(
  id: string,
  created: number,
  modelLiteral: string,
  finishReason: FinishReason,
  usage: UsageFigures,
  messageJson?: string,
  withUsage = true,
): string {
  const message = messageJson ?? `{"role":"assistant","content":"${fillerContent(usage.completionTokens)}"}`;
  return (
    `{"id":"${id}","object":"chat.completion","created":${created},"model":${modelLiteral},` +
    `"choices":[{"index":0,"message":${message},` +
    `"logprobs":null,"finish_reason":"${finishReason}"}]${withUsage ? `,"usage":${usageJson(usage)}` : ''}}`
  );
}

/** `data: {...,"choices":[{"index":0,"delta":` — every content chunk of one response starts so. */
export function chunkPrefix(id: string, created: number, modelLiteral: string): string {
  return `data: {"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${modelLiteral},"choices":[{"index":0,"delta":`;
}

export function roleChunk(prefix: string): string {
  return prefix + '{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n';
}

export function tokenChunk(prefix: string, index: number): string {
  return prefix + '{"content":' + fillerTokenLiteral(index) + '},"logprobs":null,"finish_reason":null}]}\n\n';
}

/** A chunk carrying any delta object, given as JSON text. */
export function deltaChunk(prefix: string, deltaJson: string): string {
  return prefix + deltaJson + ',"logprobs":null,"finish_reason":null}]}\n\n';
}

export function finishChunk(prefix: string, finishReason: FinishReason): string {
  return prefix + `{},"logprobs":null,"finish_reason":"${finishReason}"}]}\n\n`;
}

export function usageChunk(id: string, created: number, modelLiteral: string, usage: UsageFigures): string {
  return `data: {"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${modelLiteral},"choices":[],"usage":${usageJson(usage)}}\n\n`;
}

export const DONE_EVENT = 'data: [DONE]\n\n';

export type OpenAIErrorType = 'invalid_request_error' | 'requests' | 'tokens' | 'server_error' | 'not_found_error' | 'service_unavailable_error';

export function errorJson(message: string, type: OpenAIErrorType, param: string | null, code: string | null): string {
  return JSON.stringify({ error: { message, type, param, code } });
}
