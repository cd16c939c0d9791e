// OpenAI's Responses API (`POST {base}/responses`). A stream is typed events: text arrives in
// `response.output_text.delta`, tool-call arguments in `response.function_call_arguments.delta`,
// and `response.completed` (or `response.incomplete`, e.g. at max_output_tokens) ends it with the
// usage: input_tokens (cached included, input_tokens_details.cached_tokens) and output_tokens.
// `response.failed` and `error` events are errors. Requests are sent with `store: false`: a load
// test has no use for the provider keeping thousands of responses.
import { performance } from 'node:perf_hooks';
import { responsesUrl } from './endpoints';
import { openaiChat, openaiRateLimit } from './openai-chat';
import { outcomeForErrorObject } from '../outcome-classifier';
import { TOOL_PARAMETERS, isObject, lastOf, parseJson, snippet, type AgentConversation, type AnswerSink, type Dialect, type ToolCall } from './dialect';

const TOKEN_EVENTS = new Set([
  'response.output_text.delta',
  'response.function_call_arguments.delta',
  'response.reasoning_summary_text.delta',
  'response.reasoning_text.delta',
  'response.refusal.delta',
]);

function readUsage(sink: AnswerSink, usage: unknown): void {
  if (!isObject(usage)) return;
  const u = usage as { input_tokens?: unknown; output_tokens?: unknown; input_tokens_details?: { cached_tokens?: unknown } | null };
  const cached = u.input_tokens_details?.cached_tokens;
  sink.usage(typeof u.input_tokens === 'number' ? u.input_tokens : -1, typeof u.output_tokens === 'number' ? u.output_tokens : -1, typeof cached === 'number' ? cached : -1);
}

/** `response.failed`'s response.error, an `error` event, or a body's `error`: {code, message}. */
function errorOutcomeOf(error: unknown): ReturnType<typeof outcomeForErrorObject> {
  if (!isObject(error)) return 'server_error';
  const code = String(error.code ?? error.type ?? '');
  if (/rate_limit/.test(code)) return 'rate_limited';
  if (/server_error|timeout/.test(code)) return 'server_error';
  // The documented codes besides these are about the request (invalid_prompt, invalid_image…).
  if (/^(invalid_|image_|unsupported_|empty_|failed_to_download|bio_policy|data_residency)|context_length/.test(code)) return 'client_error';
  return outcomeForErrorObject({ ...error, code });
}

function inputItems(conversation: AgentConversation): string {
  const items: string[] = [`{"role":"user","content":${conversation.promptJson}}`];
  for (const turn of conversation.turns) {
    for (const c of turn.calls) items.push(JSON.stringify({ type: 'function_call', call_id: c.id, name: c.name, arguments: c.arguments }));
    for (const r of turn.results) items.push(JSON.stringify({ type: 'function_call_output', call_id: r.callId, output: r.content }));
  }
  return items.join(',');
}

function head(model: string, system: string | undefined): string {
  return `{"model":${JSON.stringify(model)},${system !== undefined ? `"instructions":${JSON.stringify(system)},` : ''}"input":[`;
}

function tail(maxTokens: number, stream: boolean): string {
  return `],"max_output_tokens":${Math.max(1, Math.floor(maxTokens))},"store":false,"stream":${stream}}`;
}

type Item = { type?: unknown; call_id?: unknown; id?: unknown; name?: unknown; arguments?: unknown; content?: unknown };

function callOf(item: Item, fallbackIndex: number): ToolCall | null {
  if (item.type !== 'function_call' || typeof item.name !== 'string') return null;
  const id = typeof item.call_id === 'string' ? item.call_id : typeof item.id === 'string' ? item.id : `call_${fallbackIndex}`;
  return { id, name: item.name, arguments: typeof item.arguments === 'string' ? item.arguments : '' };
}

/** The text of a whole Response object's message items. */
function outputText(value: unknown): string {
  const obj = value as { output?: unknown } | undefined;
  let text = '';
  for (const item of Array.isArray(obj?.output) ? (obj.output as Item[]) : []) {
    if (item?.type !== 'message' || !Array.isArray(item.content)) continue;
    for (const part of item.content as Array<{ type?: unknown; text?: unknown }>) if (part?.type === 'output_text' && typeof part.text === 'string') text += part.text;
  }
  return text;
}

/** The Response object an event or body carries. */
const responseOf = (v: Record<string, unknown>): Record<string, unknown> => (isObject(v.response) ? v.response : v);

export const openaiResponses: Dialect = {
  answerFacts(events, body) {
    return {
      text: openaiResponses.answerText(events, body),
      model: lastOf(events, body, (v) => responseOf(v).model),
      // `completed`, or `incomplete` with its reason (e.g. max_output_tokens).
      finishReason: lastOf(events, body, (v) => {
        const r = responseOf(v);
        const why = isObject(r.incomplete_details) ? r.incomplete_details.reason : undefined;
        return typeof why === 'string' ? why : r.status === 'in_progress' ? undefined : r.status;
      }),
    };
  },

  id: 'openai-responses',

  url(baseUrl) {
    return responsesUrl(baseUrl);
  },

  authHeaders: openaiChat.authHeaders,

  bodyParts(spec) {
    return { head: `${head(spec.model, spec.system)}{"role":"user","content":`, tail: `}${tail(spec.maxTokens, spec.stream)}` };
  },

  agentBody(spec, conversation) {
    const tools = JSON.stringify(conversation.tools.map((t) => ({ type: 'function', name: t.name, description: t.description, parameters: TOOL_PARAMETERS })));
    return `${head(spec.model, spec.system)}${inputItems(conversation)}],"tools":${tools}${tail(spec.maxTokens, spec.stream).slice(1)}`;
  },

  streamEvent(sink, event, data) {
    // The type is in the event line and again in the data; servers that send only data are read too.
    let type = event;
    if (type === 'message' || type === '') {
      const m = /^\{\s*"type"\s*:\s*"([^"]+)"/.exec(data);
      type = m ? m[1] : '';
    }
    if (TOKEN_EVENTS.has(type)) {
      // Fast path: a delta event is a token when its "delta" string is not empty.
      const d = data.indexOf('"delta":"');
      if (d >= 0 ? data.charCodeAt(d + 9) !== 34 : /"delta"\s*:\s*"[^"]/.test(data)) sink.token(performance.now());
      return;
    }
    if (type !== 'response.completed' && type !== 'response.incomplete' && type !== 'response.failed' && type !== 'error' && type !== '') return;
    const obj = parseJson(data);
    if (!isObject(obj)) {
      if (data.trim() !== '') sink.failed('server_error', `malformed SSE: data is not valid JSON${snippet(data)}`);
      return;
    }
    const kind = type === '' ? String(obj.type ?? '') : type;
    if (kind === 'error' || (kind === '' && obj.error !== undefined)) {
      sink.failed(errorOutcomeOf(isObject(obj.error) ? obj.error : obj), `error event in the stream${snippet(data)}`);
      return;
    }
    const response = isObject(obj.response) ? obj.response : null;
    if (kind === 'response.failed') {
      sink.failed(errorOutcomeOf(response?.error), `response.failed${snippet(JSON.stringify(response?.error ?? data))}`);
      return;
    }
    if (kind === 'response.completed' || kind === 'response.incomplete') {
      readUsage(sink, response?.usage);
      sink.ended();
    }
  },

  jsonAnswer(sink, obj) {
    if (isObject(obj.error)) {
      sink.failed(errorOutcomeOf(obj.error), `an error object${snippet(JSON.stringify(obj.error))}`);
      return;
    }
    if (!Array.isArray(obj.output)) {
      sink.failed('server_error', 'a JSON body that has no output');
      return;
    }
    readUsage(sink, obj.usage);
    sink.jsonAnswerChars(outputText(obj).length);
    sink.ended();
  },

  // The same statuses, headers and retry hints as chat completions.
  errorOutcome: openaiChat.errorOutcome,
  retryAfterFromBody: openaiChat.retryAfterFromBody,
  rateLimit: openaiRateLimit,

  answerText(events, body) {
    if (events) {
      let text = '';
      for (const data of events) {
        if (data.indexOf('.delta"') < 0) continue;
        const obj = parseJson(data) as { type?: unknown; delta?: unknown } | undefined;
        if (typeof obj?.delta === 'string' && (obj.type === 'response.output_text.delta' || obj.type === 'response.reasoning_text.delta' || obj.type === 'response.refusal.delta')) text += obj.delta;
      }
      return text;
    }
    return outputText(parseJson(body));
  },

  toolCalls(events, body) {
    if (events && events.length > 0) {
      // Items as added, arguments as they stream; an item's done event has the whole call.
      const byIndex = new Map<number, ToolCall>();
      for (const data of events) {
        if (data.indexOf('function_call') < 0) continue;
        const obj = parseJson(data) as { type?: unknown; output_index?: unknown; item?: Item; delta?: unknown } | undefined;
        const index = typeof obj?.output_index === 'number' ? obj.output_index : 0;
        if ((obj?.type === 'response.output_item.added' || obj?.type === 'response.output_item.done') && obj.item) {
          const call = callOf(obj.item, index);
          if (!call) continue;
          const seen = byIndex.get(index);
          byIndex.set(index, obj.type === 'response.output_item.added' && seen ? { ...call, arguments: seen.arguments } : call);
        } else if (obj?.type === 'response.function_call_arguments.delta' && typeof obj.delta === 'string') {
          const call = byIndex.get(index);
          if (call) call.arguments += obj.delta;
        }
      }
      return [...byIndex.entries()].sort((x, y) => x[0] - y[0]).map(([, c]) => c);
    }
    const obj = parseJson(body) as { output?: unknown } | undefined;
    const out: ToolCall[] = [];
    (Array.isArray(obj?.output) ? (obj.output as Item[]) : []).forEach((item, i) => {
      const call = item ? callOf(item, i) : null;
      if (call) out.push(call);
    });
    return out;
  },
};
