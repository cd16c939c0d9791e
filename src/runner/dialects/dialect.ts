// The seam between the one request lifecycle (attempt.ts) and the wire formats. A dialect builds
// requests and turns what comes back — SSE events, a JSON body, an error answer, response
// headers — into the same few facts: tokens with their timestamps, usage, the end of the
// answer, an error class, rate-limit headroom and tool calls. Each dialect is a stateless
// object; per-request state lives on the attempt (the sink).
import type { DialectId } from '../../core/plan';
import type { Outcome } from '../../protocol/run-events';

/** What a dialect reports while reading one answer; the attempt implements it. */
export interface AnswerSink {
  /** Content tokens counted so far in this answer. */
  readonly tokens: number;
  /** A content token arrived (text, reasoning, or a piece of a tool call): TTFT and ITL. */
  token(now: number): void;
  /** Token counts the server reported. `prompt` is every input token, cached ones included;
   * -1 leaves a figure as it was (usage may come in parts, e.g. Anthropic's). */
  usage(prompt: number, completion: number, cached: number): void;
  /** A chunk the dialect took (for a role or a finish) without parsing it: if the answer brings
   * no content at all, it is checked for being JSON, so garbage is named as such. */
  skipped(data: string): void;
  /** The dialect's own end of a complete answer ([DONE], message_stop, response.completed, a
   * finish reason): a stream that closes without it was cut off. */
  ended(): void;
  /** An error the answer carried (an error event mid-stream, an error object in a body). */
  failed(outcome: Outcome, detail: string): void;
  /** A JSON answer's content, counted as tokens when no usage comes (rough: 4 characters per
   * token, replaced by an exact count where the provider has a tokenizer). */
  jsonAnswerChars(chars: number): void;
}

export interface ToolCall {
  id: string;
  name: string;
  /** The arguments as JSON text. */
  arguments: string;
}

export interface ToolResult {
  callId: string;
  name: string;
  /** The result as JSON text. */
  content: string;
}

/** An agent task's conversation, kept neutral so failover may continue it in another dialect. */
export interface AgentConversation {
  system: string | undefined;
  /** The user's prompt as a JSON string literal. */
  promptJson: string;
  /** Each model call that asked for tools, with the results the runner sent back. */
  turns: ReadonlyArray<{ calls: readonly ToolCall[]; results: readonly ToolResult[] }>;
  tools: ReadonlyArray<{ name: string; description: string }>;
}

export interface BodySpec {
  model: string;
  system: string | undefined;
  maxTokens: number;
  stream: boolean;
}

/** Rate-limit headroom a response's headers reported; null where a header was absent. */
export interface RateLimitReading {
  requestsLimit: number | null;
  requestsRemaining: number | null;
  tokensLimit: number | null;
  tokensRemaining: number | null;
}

export type HeaderLookup = (lowerName: string) => string | undefined;

export interface Dialect {
  readonly id: DialectId;
  /** The request URL from the provider's base URL (as the official SDK takes it). */
  url(baseUrl: string, model: string, stream: boolean): URL;
  /** The headers that carry the API key (and version); `apiKey` is already resolved. */
  authHeaders(apiKey: string | undefined, apiVersion: string | undefined): Record<string, string>;
  /** A one-prompt request as the JSON text before and after the prompt's string literal, built
   * once per mix entry so a request costs two concatenations. */
  bodyParts(spec: BodySpec): { head: string; tail: string };
  /** A tool-calling request for an agent task's next model call. */
  agentBody(spec: BodySpec, conversation: AgentConversation): string;
  /** One SSE event of a streamed answer. */
  streamEvent(sink: AnswerSink, event: string, data: string): void;
  /** A whole JSON answer (2xx); `value` is the parsed body, an object. */
  jsonAnswer(sink: AnswerSink, value: Record<string, unknown>): void;
  /** The outcome of an answer with a status outside 2xx, from its status and body text. */
  errorOutcome(status: number, body: string): Outcome;
  /** A retry delay an error body asks for (Gemini's RetryInfo), in ms; -1 when none. Headers
   * (`retry-after`, `retry-after-ms`) are read by the attempt for every dialect. */
  retryAfterFromBody(body: string): number;
  /** Rate-limit headroom from a response's headers, or null when it sent none. */
  rateLimit(header: HeaderLookup): RateLimitReading | null;
  /** The answer's text (a stream's events' data, or a JSON body): counted by a tokenizer when
   * the server reports no usage. */
  answerText(events: readonly string[] | null, body: string): string;
  /** The tool calls an answer asks for; empty for a final answer. */
  toolCalls(events: readonly string[] | null, body: string): ToolCall[];
  /** The answer's text, the model that wrote it and why it stopped, for answer checks
   * (`expect`); null where the answer does not say. */
  answerFacts(events: readonly string[] | null, body: string): { text: string; model: string | null; finishReason: string | null };
}

/** The last value `pick` finds in the stream's events (or the body), parsed; null when none. */
export function lastOf(events: readonly string[] | null, body: string, pick: (value: Record<string, unknown>) => unknown): string | null {
  let found: string | null = null;
  for (const data of events ?? [body]) {
    const v = parseJson(data);
    if (!isObject(v)) continue;
    const got = pick(v);
    if (typeof got === 'string' && got !== '') found = got;
  }
  return found;
}

/** Parses JSON text, or undefined. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A short, single-line excerpt of a payload for an attempt's detail. */
export function snippet(text: string): string {
  if (/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text)) return `: ${Buffer.byteLength(text)} bytes that are not text`;
  const t = text.replace(/\s+/g, ' ').trim();
  return t ? `: ${t.length > 120 ? t.slice(0, 120) + '…' : t}` : '';
}

/** A number header, or null. */
export function numberHeader(header: HeaderLookup, name: string): number | null {
  const v = header(name);
  if (v === undefined) return null;
  const n = Number(v.trim());
  return Number.isFinite(n) ? n : null;
}

/** Arguments JSON text as an object (Anthropic's `input`, Gemini's `args`); {} when not one. */
export function argumentsObject(json: string): Record<string, unknown> {
  const v = parseJson(json);
  return isObject(v) ? v : {};
}

/** The parameters every simulated tool declares: an object with one optional string, a schema
 * each provider accepts (Gemini's subset of OpenAPI rejects an object without properties). */
export const TOOL_PARAMETERS = { type: 'object', properties: { query: { type: 'string', description: 'What to look up' } } };
