// What the mock says in each dialect. The simulated GPU, rate limiter, caches, faults and tool
// choice are one pipeline (mock-engine.ts); a wire only reads a request into a ChatRequest and
// spells the answer, its errors and its rate-limit headers the way that API does. Streams are
// written as a head, one piece per generated token and a tail, each a string built from
// per-response parts, so streaming a token stays a concatenation.
import type { DialectId } from '../../core/plan';
import type { AnswerBody } from '../answer-body';
import type { ChatRequestParse } from '../chat-request';
import type { OpenAIErrorType } from '../openai-wire';

export type MockFinishReason = 'stop' | 'length' | 'tool_calls';

/** One answer as a wire sees it. */
export interface AnswerView {
  /** Unique per answer (the engine's id prefix and the request number); wires prefix it. */
  readonly baseId: string;
  /** Unix seconds. */
  readonly created: number;
  /** The model as a JSON string literal. */
  readonly modelLiteral: string;
  readonly promptTokens: number;
  readonly cachedTokens: number;
  readonly outputTokens: number;
  readonly finishReason: MockFinishReason;
  /** A tool call or a template answer; null: the filler text. */
  readonly body: AnswerBody | null;
  /** Whether usage goes out: OpenAI chat streams only when asked (stream_options), every
   * dialect never when the profile's `reportUsage` is off (where the format allows). */
  readonly includeUsage: boolean;
  /** Pieces written so far (where a mid-stream error comes). */
  readonly piecesSent: number;
  /** Per-answer text a wire builds once in streamHead and reuses for each piece. */
  prefix: string;
}

/** Where a request came in: the path names the model and the streaming mode for Gemini. */
export interface MockRoute {
  model: string | null;
  stream: boolean | null;
}

export interface ErrorAnswer {
  status: number;
  body: string;
}

/** Rate-limit state for the headers: null for a limit that is not configured. */
export interface LimitState {
  requests: { limit: number; remaining: number; resetMs: number } | null;
  tokens: { limit: number; remaining: number; resetMs: number } | null;
}

export interface MockWire {
  readonly id: DialectId;
  /** Reads a request body; `count` counts a text's tokens under the mock's tokenizer. */
  parse(body: string, count: (text: string) => number, route: MockRoute): ChatRequestParse;
  streamHead(a: AnswerView): string;
  /** The event carrying token `index`; may be '' (a Gemini tool call arrives whole). */
  streamPiece(a: AnswerView, index: number): string;
  streamTail(a: AnswerView): string;
  /** The dialect's error event mid-stream, for an error of this status, after which the answer
   * ends (a fault's `midStream: true`). */
  streamError(a: AnswerView, status: number, message: string): string;
  json(a: AnswerView): string;
  /** An error answer. The OpenAI type and code say what happened (`queue_full` and `degraded`
   * are the server's overload, which Anthropic answers with 529); `retryAfterMs` (429s) goes in
   * the body where the dialect says it there (Gemini's RetryInfo). */
  error(status: number, message: string, type: OpenAIErrorType, param: string | null, code: string | null, retryAfterMs?: number): ErrorAnswer;
  /** The dialect tells when to retry in the body, not in retry-after headers (Gemini). */
  readonly retryAfterInBody: boolean;
  /** Appends the dialect's rate-limit headers (name, value, …). */
  rateLimitHeaders(headers: string[], state: LimitState): void;
}
