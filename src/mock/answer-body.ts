// What an answer says when it is not the filler text: a fixed template (degradation level 2) or
// an assistant tool call (agent loops). Either is cut into one piece per output token, each
// already a JSON string literal, so streaming it costs concatenations like the filler does.
import { estimateTokens } from '../core/token-estimate';

export type AnswerBody =
  | { kind: 'text'; text: string; pieces: string[] }
  | { kind: 'tool'; callId: string; name: string; args: string; pieces: string[] };

export const TEMPLATE_ANSWER =
  'The service is under heavy load, so this is a short standard answer. Please try again later for a full response.';

/** The template answer, at most `maxTokens` tokens long. */
export function templateBody(maxTokens: number): AnswerBody {
  const tokens = Math.max(1, Math.min(maxTokens, estimateTokens(TEMPLATE_ANSWER)));
  const text = tokens < estimateTokens(TEMPLATE_ANSWER) ? TEMPLATE_ANSWER.slice(0, tokens * 4) : TEMPLATE_ANSWER;
  return { kind: 'text', text, pieces: splitLiterals(text, tokens) };
}

/** A fixed answer text (the profile's `answerText`), whole, or cut to `maxTokens` tokens. */
export function fixedTextBody(text: string, maxTokens: number): AnswerBody {
  const full = estimateTokens(text);
  const tokens = Math.max(1, Math.min(maxTokens, full));
  const cut = tokens < full ? text.slice(0, tokens * 4) : text;
  return { kind: 'text', text: cut, pieces: splitLiterals(cut, tokens) };
}

/** A call to `name` whose arguments say which step of the loop it is. */
export function toolCallBody(callId: string, name: string, step: number): AnswerBody {
  const args = JSON.stringify({ step, query: `look up part ${step} of the answer` });
  return { kind: 'tool', callId, name, args, pieces: splitLiterals(args, estimateTokens(args)) };
}

export function bodyTokens(body: AnswerBody): number {
  return body.pieces.length;
}

/** The assistant message of a non-streamed completion. */
export function messageJson(body: AnswerBody): string {
  if (body.kind === 'text') return `{"role":"assistant","content":${JSON.stringify(body.text)}}`;
  return (
    `{"role":"assistant","content":null,"tool_calls":[{"id":"${body.callId}","type":"function",` +
    `"function":{"name":${JSON.stringify(body.name)},"arguments":${JSON.stringify(body.args)}}}]}`
  );
}

/** The first delta of a stream. */
export function roleDeltaJson(body: AnswerBody): string {
  return body.kind === 'text' ? '{"role":"assistant","content":""}' : '{"role":"assistant","content":null}';
}

/** The delta that carries piece `index`. */
export function pieceDeltaJson(body: AnswerBody, index: number): string {
  const piece = body.pieces[index]!;
  if (body.kind === 'text') return `{"content":${piece}}`;
  if (index === 0) {
    return (
      `{"tool_calls":[{"index":0,"id":"${body.callId}","type":"function",` +
      `"function":{"name":${JSON.stringify(body.name)},"arguments":${piece}}}]}`
    );
  }
  return `{"tool_calls":[{"index":0,"function":{"arguments":${piece}}}]}`;
}

/** `text` cut into `count` consecutive pieces (as JSON literals) that join back to it. */
function splitLiterals(text: string, count: number): string[] {
  const pieces: string[] = [];
  const n = Math.max(1, count);
  for (let i = 0; i < n; i++) {
    pieces.push(JSON.stringify(text.slice(Math.floor((i * text.length) / n), Math.floor(((i + 1) * text.length) / n))));
  }
  return pieces;
}
