// Error answers in any dialect: the wire spells the body, and for a dialect that says when to
// retry in the body (Gemini's RetryInfo) the retry-after headers become that instead.
import type { ServerResponse } from 'node:http';
import type { OpenAIErrorType } from '../openai-wire';
import { formatResetDuration, type RateDecision, type RateLimiter } from '../rate-limiter';
import type { MockWire } from './mock-wire';

export interface ErrorSpec {
  status: number;
  message: string;
  type: OpenAIErrorType;
  param: string | null;
  code: string | null;
}

/** Writes the error answer; `moreHeaders` appends the request's own headers (id, stages, limits). */
export function writeWireError(wire: MockWire, res: ServerResponse, e: ErrorSpec, extraHeaders: string[], moreHeaders: (headers: string[]) => void): void {
  let retryAfterMs: number | undefined;
  let extra = extraHeaders;
  if (wire.retryAfterInBody) {
    extra = [];
    for (let i = 0; i + 1 < extraHeaders.length; i += 2) {
      const name = extraHeaders[i]!;
      if (name === 'retry-after-ms') retryAfterMs = Number(extraHeaders[i + 1]);
      else if (name === 'retry-after') retryAfterMs ??= Number(extraHeaders[i + 1]) * 1000;
      else extra.push(name, extraHeaders[i + 1]!);
    }
  }
  const answer = wire.error(e.status, e.message, e.type, e.param, e.code, retryAfterMs);
  const headers = ['content-type', 'application/json', 'content-length', String(Buffer.byteLength(answer.body)), ...extra];
  moreHeaders(headers);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}

/** What a 429 says, in OpenAI's words (the wires keep the message, whatever their format). */
export function rateLimitMessage(model: string, limiter: RateLimiter, decision: RateDecision, tokenCost: number): string {
  const { requests, tokens } = limiter;
  if (decision.tooLarge) return `Request too large for ${model} on tokens per min (TPM): Limit ${tokens!.capacity}, Requested ${tokenCost}. Send fewer prompt tokens or a smaller max_tokens.`;
  const wait = formatResetDuration(decision.retryAfterMs);
  if (decision.limit === 'requests') return `Rate limit reached for ${model} on requests per min (RPM): Limit ${requests!.capacity}, Remaining ${requests!.remaining()}. Please try again in ${wait}.`;
  return `Rate limit reached for ${model} on tokens per min (TPM): Limit ${tokens!.capacity}, Remaining ${tokens!.remaining()}, Requested ${tokenCost}. Please try again in ${wait}.`;
}
