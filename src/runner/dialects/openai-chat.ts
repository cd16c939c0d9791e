// OpenAI chat completions (`POST {base}/chat/completions`), the format vLLM, TGI, Ollama,
// LiteLLM and most gateways speak. TTFT counts from send to the first chunk whose delta carries
// non-empty `content`, `reasoning_content` (reasoning models stream their thinking first) or
// `tool_calls`; the role-only first chunk and the usage chunk are not tokens. Usage comes in the
// last chunk when the request asks for it (`stream_options.include_usage`).
import { performance } from 'node:perf_hooks';
import { chatAnswerFacts } from '../answer-check';
import { completionsUrl } from './endpoints';
import { outcomeForErrorObject, outcomeForStatus } from '../outcome-classifier';
import { TOOL_PARAMETERS, isObject, numberHeader, parseJson, snippet, type AgentConversation, type AnswerSink, type BodySpec, type Dialect, type HeaderLookup, type RateLimitReading, type ToolCall } from './dialect';

function streamPart(stream: boolean): string {
  return stream ? ',"stream":true,"stream_options":{"include_usage":true}' : ',"stream":false';
}

function maxTokensOf(spec: BodySpec): number {
  return Math.max(1, Math.floor(spec.maxTokens));
}

/** OpenAI's usage object: prompt_tokens (cached included), completion_tokens, cached_tokens. */
export function readChatUsage(sink: AnswerSink, usage: unknown): void {
  if (!isObject(usage)) return;
  const u = usage as { prompt_tokens?: unknown; completion_tokens?: unknown; prompt_tokens_details?: { cached_tokens?: unknown } | null };
  const cached = u.prompt_tokens_details?.cached_tokens;
  sink.usage(typeof u.prompt_tokens === 'number' ? u.prompt_tokens : -1, typeof u.completion_tokens === 'number' ? u.completion_tokens : -1, typeof cached === 'number' ? cached : -1);
}

function failWith(sink: AnswerSink, data: string, error: unknown): void {
  sink.failed(outcomeForErrorObject(error), `error event in the stream${snippet(data)}`);
}

/** OpenAI's x-ratelimit-* headers (also sent by Azure OpenAI and many gateways). */
export function openaiRateLimit(header: HeaderLookup): RateLimitReading | null {
  const reading: RateLimitReading = {
    requestsLimit: numberHeader(header, 'x-ratelimit-limit-requests'),
    requestsRemaining: numberHeader(header, 'x-ratelimit-remaining-requests'),
    tokensLimit: numberHeader(header, 'x-ratelimit-limit-tokens'),
    tokensRemaining: numberHeader(header, 'x-ratelimit-remaining-tokens'),
  };
  return reading.requestsRemaining === null && reading.tokensRemaining === null ? null : reading;
}

function chatMessages(conversation: AgentConversation): string {
  const messages: string[] = [];
  if (conversation.system !== undefined) messages.push(JSON.stringify({ role: 'system', content: conversation.system }));
  messages.push(`{"role":"user","content":${conversation.promptJson}}`);
  for (const turn of conversation.turns) {
    messages.push(JSON.stringify({ role: 'assistant', content: null, tool_calls: turn.calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) }));
    for (const r of turn.results) messages.push(JSON.stringify({ role: 'tool', tool_call_id: r.callId, content: r.content }));
  }
  return messages.join(',');
}

function toolCallsOfStream(events: readonly string[]): ToolCall[] {
  const byIndex = new Map<number, ToolCall>();
  for (const data of events) {
    if (data.indexOf('"tool_calls"') < 0) continue;
    const obj = parseJson(data) as { choices?: Array<{ delta?: { tool_calls?: unknown } }> } | undefined;
    const deltas = obj?.choices?.[0]?.delta?.tool_calls;
    if (!Array.isArray(deltas)) continue;
    for (const d of deltas as Array<{ index?: unknown; id?: unknown; function?: { name?: unknown; arguments?: unknown } }>) {
      const index = typeof d.index === 'number' ? d.index : 0;
      let call = byIndex.get(index);
      if (!call) byIndex.set(index, (call = { id: `call_${index}`, name: '', arguments: '' }));
      if (typeof d.id === 'string') call.id = d.id;
      if (typeof d.function?.name === 'string') call.name += d.function.name;
      if (typeof d.function?.arguments === 'string') call.arguments += d.function.arguments;
    }
  }
  return [...byIndex.entries()].sort((x, y) => x[0] - y[0]).map(([, c]) => c).filter((c) => c.name !== '');
}

export const openaiChat: Dialect = {
  answerFacts(events, body) {
    const { text, model, finishReason } = chatAnswerFacts(body, events, 0);
    return { text, model, finishReason };
  },

  id: 'openai',

  url(baseUrl) {
    return completionsUrl(baseUrl);
  },

  authHeaders(apiKey) {
    const headers: Record<string, string> = {};
    if (apiKey) headers.authorization = `Bearer ${apiKey}`;
    return headers;
  },

  bodyParts(spec) {
    const messagesHead = spec.system !== undefined ? `[${JSON.stringify({ role: 'system', content: spec.system })},{"role":"user","content":` : '[{"role":"user","content":';
    return {
      head: `{"model":${JSON.stringify(spec.model)},"messages":${messagesHead}`,
      tail: `}],"max_tokens":${maxTokensOf(spec)}${streamPart(spec.stream)}}`,
    };
  },

  agentBody(spec, conversation) {
    const tools = JSON.stringify(conversation.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: TOOL_PARAMETERS } })));
    return `{"model":${JSON.stringify(spec.model)},"messages":[${chatMessages(conversation)}],"tools":${tools},"max_tokens":${maxTokensOf(spec)}${streamPart(spec.stream)}}`;
  },

  streamEvent(sink, event, data) {
    if (data === '[DONE]') {
      sink.ended();
      return;
    }
    if (event === 'error') {
      const v = parseJson(data);
      failWith(sink, data, isObject(v) ? (v.error ?? v) : undefined);
      return;
    }
    if (data.charCodeAt(0) !== 123) {
      if (data.trim() === '') return;
      sink.failed('server_error', `malformed SSE: data is not JSON${snippet(data)}`);
      return;
    }
    const now = performance.now();
    // Fast path for the usual compact chunk: find the delta's content without parsing. Both
    // keys sit at the end of a chunk, so they are searched from the end (several times cheaper
    // per token than from the start, past the id, model and timestamps). The first content
    // chunk of a stream is parsed in full, so an answer is ok only when at least one of its
    // chunks is JSON (a stream with its line breaks removed is one event that holds both keys).
    const c = data.lastIndexOf('"content":"');
    const looksLikeContent = c >= 0 && data.charCodeAt(c + 11) !== 34;
    if (looksLikeContent && sink.tokens > 0) {
      sink.token(now);
      const f = data.lastIndexOf('"finish_reason":');
      if (f >= 0 && data.charCodeAt(f + 16) === 34) sink.ended();
      return;
    }
    if (!looksLikeContent && data.indexOf('"usage":{') < 0 && data.indexOf('"error"') < 0 && data.indexOf('"reasoning_content"') < 0 && data.indexOf('"tool_calls"') < 0 && data.indexOf('": ') < 0) {
      if (data.indexOf('"finish_reason":"') >= 0) sink.ended();
      sink.skipped(data);
      return;
    }
    const obj = parseJson(data);
    if (!isObject(obj)) {
      sink.failed('server_error', `malformed SSE: data is not valid JSON${snippet(data)}`);
      return;
    }
    if (obj.error !== undefined && obj.error !== null) {
      failWith(sink, data, obj.error);
      return;
    }
    readChatUsage(sink, obj.usage);
    const choice = Array.isArray(obj.choices) ? (obj.choices[0] as Record<string, unknown> | undefined) : undefined;
    if (!choice) return;
    if (typeof choice.finish_reason === 'string') sink.ended();
    const delta = choice.delta as Record<string, unknown> | undefined;
    if (!delta) return;
    const isToken =
      (typeof delta.content === 'string' && delta.content.length > 0) ||
      (typeof delta.reasoning_content === 'string' && delta.reasoning_content.length > 0) ||
      (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0);
    if (isToken) sink.token(now);
  },

  jsonAnswer(sink, obj) {
    if (obj.error !== undefined && obj.error !== null) {
      sink.failed(outcomeForErrorObject(obj.error), `an error object${snippet(JSON.stringify(obj.error))}`);
      return;
    }
    const choices = obj.choices;
    if (!Array.isArray(choices)) {
      sink.failed('server_error', 'a JSON body that has no choices');
      return;
    }
    readChatUsage(sink, obj.usage);
    const message = (choices[0] as { message?: { content?: unknown; tool_calls?: unknown; reasoning_content?: unknown } } | undefined)?.message;
    const content = typeof message?.content === 'string' ? message.content : '';
    const toolCalls = Array.isArray(message?.tool_calls) && message.tool_calls.length > 0;
    const reasoning = typeof message?.reasoning_content === 'string' && message.reasoning_content.length > 0;
    if (content === '' && !toolCalls && !reasoning) {
      sink.failed('server_error', "no content: the answer's first choice has no message content or tool calls");
      return;
    }
    sink.jsonAnswerChars(content.length);
    sink.ended();
  },

  errorOutcome(status) {
    return outcomeForStatus(status);
  },

  retryAfterFromBody() {
    return -1;
  },

  rateLimit: openaiRateLimit,

  answerText(events, body) {
    if (events) {
      let text = '';
      for (const data of events) {
        const obj = parseJson(data) as { choices?: Array<{ delta?: { content?: unknown; reasoning_content?: unknown } }> } | undefined;
        const delta = obj?.choices?.[0]?.delta;
        if (typeof delta?.reasoning_content === 'string') text += delta.reasoning_content;
        if (typeof delta?.content === 'string') text += delta.content;
      }
      return text;
    }
    const obj = parseJson(body) as { choices?: Array<{ message?: { content?: unknown } }> } | undefined;
    const content = obj?.choices?.[0]?.message?.content;
    return typeof content === 'string' ? content : '';
  },

  toolCalls(events, body) {
    if (events && events.length > 0) return toolCallsOfStream(events);
    if (body === '' || body.indexOf('"tool_calls"') < 0) return [];
    const obj = parseJson(body) as { choices?: Array<{ message?: { tool_calls?: unknown } }> } | undefined;
    const calls = obj?.choices?.[0]?.message?.tool_calls;
    if (!Array.isArray(calls)) return [];
    return calls.flatMap((c: { id?: unknown; function?: { name?: unknown; arguments?: unknown } }, i) =>
      typeof c?.function?.name === 'string' ? [{ id: typeof c.id === 'string' ? c.id : `call_${i}`, name: c.function.name, arguments: typeof c.function.arguments === 'string' ? c.function.arguments : '{}' }] : [],
    );
  },
};
