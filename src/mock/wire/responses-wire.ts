// OpenAI's Responses API: `POST /v1/responses`. A stream is typed events with sequence numbers:
// response.created, response.in_progress, output_item.added (a message, or a function_call),
// content_part.added, one output_text.delta (or function_call_arguments.delta) per token, the
// .done events, and response.completed — response.incomplete when max_output_tokens cut the
// answer — carrying the usage. Errors are OpenAI's error object; a mid-stream failure is
// response.failed. Rate limits in x-ratelimit-* headers.
import { fillerContent, fillerTokenLiteral } from '../filler-text';
import type { ChatRequestParse } from '../chat-request';
import { errorJson } from '../openai-wire';
import { openaiRateLimitHeaders } from './openai-chat-wire';
import { failure, isFailure, jsonObject, partsText, positiveInt, toolNames, type Fields } from './parse-helpers';
import type { AnswerView, MockWire } from './mock-wire';

/** Events before the first piece: response.created, in_progress, the item and (text) its part. */
const HEAD_EVENTS = { text: 4, tool: 3 };

function event(type: string, fields: string, seq: number): string {
  return `event: ${type}\ndata: {"type":"${type}",${fields},"sequence_number":${seq}}\n\n`;
}

function isTool(a: AnswerView): boolean {
  return a.body?.kind === 'tool';
}

function answerText(a: AnswerView): string {
  return a.body === null ? fillerContent(a.outputTokens) : a.body.kind === 'text' ? a.body.text : '';
}

function usageJson(a: AnswerView): string {
  if (!a.includeUsage) return 'null';
  return `{"input_tokens":${a.promptTokens},"input_tokens_details":{"cached_tokens":${a.cachedTokens}},"output_tokens":${a.outputTokens},"output_tokens_details":{"reasoning_tokens":0},"total_tokens":${a.promptTokens + a.outputTokens}}`;
}

/** The output item, in progress (no content yet) or done. */
function itemJson(a: AnswerView, done: boolean): string {
  const b = a.body;
  if (b?.kind === 'tool') return JSON.stringify({ id: `fc_${a.baseId}`, type: 'function_call', status: done ? 'completed' : 'in_progress', arguments: done ? b.args : '', call_id: b.callId, name: b.name });
  const content = done ? `[${partJson(a)}]` : '[]';
  return `{"id":"msg_${a.baseId}","type":"message","status":"${done ? 'completed' : 'in_progress'}","content":${content},"role":"assistant"}`;
}

function partJson(a: AnswerView): string {
  return `{"type":"output_text","annotations":[],"logprobs":[],"text":${JSON.stringify(answerText(a))}}`;
}

/** The Response object: in progress, or finished with its output and usage. */
function responseJson(a: AnswerView, state: 'in_progress' | 'done' | 'failed', error?: { code: string; message: string }): string {
  const status = state === 'in_progress' ? 'in_progress' : state === 'failed' ? 'failed' : a.finishReason === 'length' ? 'incomplete' : 'completed';
  const incomplete = status === 'incomplete' ? '{"reason":"max_output_tokens"}' : 'null';
  const output = state === 'done' ? `[${itemJson(a, true)}]` : '[]';
  return (
    `{"id":"resp_${a.baseId}","object":"response","created_at":${a.created},"status":"${status}","error":${error ? JSON.stringify(error) : 'null'},` +
    `"incomplete_details":${incomplete},"instructions":null,"model":${a.modelLiteral},"output":${output},"parallel_tool_calls":true,` +
    `"previous_response_id":null,"store":false,"temperature":1,"tool_choice":"auto","tools":[],"top_p":1,"truncation":"disabled",` +
    `"usage":${state === 'done' ? usageJson(a) : 'null'},"metadata":{}}`
  );
}

function parse(body: string, count: (text: string) => number): ChatRequestParse {
  const record = jsonObject(body);
  if (isFailure(record)) return record;
  let promptText = '';
  let promptTokens = 0;
  const add = (role: string, text: string) => {
    promptText += role + '\n' + text + '\n';
    promptTokens += count(text);
  };
  if (typeof record.instructions === 'string' && record.instructions !== '') add('system', record.instructions);
  let toolResults = 0;
  const input = record.input;
  if (typeof input === 'string') add('user', input);
  else if (Array.isArray(input) && input.length > 0) {
    for (let i = 0; i < input.length; i++) {
      const item = input[i] as Fields | null;
      if (!item || typeof item !== 'object') return failure(`'input[${i}]' must be an object.`, `input[${i}]`);
      if (item.type === 'function_call_output') {
        toolResults++;
        add('tool', typeof item.output === 'string' ? item.output : JSON.stringify(item.output ?? ''));
      } else if (item.type === 'function_call') add('assistant', typeof item.arguments === 'string' ? item.arguments : '');
      else if (typeof item.role === 'string') {
        const text = partsText(item.content);
        if (text === undefined) return failure(`'input[${i}].content' must be a string or a list of content parts.`, `input[${i}].content`);
        add(item.role, text);
      }
    }
  } else return failure("'input' is required: a string or a non-empty list of input items.", 'input');
  const maxTokens = positiveInt(record.max_output_tokens, 'max_output_tokens');
  if (maxTokens !== null && typeof maxTokens !== 'number') return maxTokens;
  let names: string[] | null = null;
  if (record.tools !== undefined && record.tools !== null) {
    const tools = toolNames(record.tools, 'tools');
    if (typeof tools === 'string') return failure(tools, 'tools');
    if (tools.length > 0 && record.tool_choice !== 'none') names = tools;
  }
  const model = typeof record.model === 'string' && record.model !== '' ? record.model : null;
  return { ok: true, request: { model, promptText, promptTokens, maxTokens, stream: record.stream === true, includeUsage: true, toolNames: names, toolResults } };
}

export const responsesWire: MockWire = {
  id: 'openai-responses',
  parse,
  retryAfterInBody: false,

  streamHead(a) {
    const tool = isTool(a);
    a.prefix = tool
      ? `event: response.function_call_arguments.delta\ndata: {"type":"response.function_call_arguments.delta","item_id":"fc_${a.baseId}","output_index":0,"delta":`
      : `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","item_id":"msg_${a.baseId}","output_index":0,"content_index":0,"delta":`;
    let text = event('response.created', `"response":${responseJson(a, 'in_progress')}`, 0) + event('response.in_progress', `"response":${responseJson(a, 'in_progress')}`, 1);
    text += event('response.output_item.added', `"output_index":0,"item":${itemJson(a, false)}`, 2);
    if (!tool) text += event('response.content_part.added', `"item_id":"msg_${a.baseId}","output_index":0,"content_index":0,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":""}`, 3);
    return text;
  },

  streamPiece(a, index) {
    const literal = a.body === null ? fillerTokenLiteral(index) : a.body.pieces[index]!;
    const seq = index + (isTool(a) ? HEAD_EVENTS.tool : HEAD_EVENTS.text);
    return `${a.prefix}${literal}${isTool(a) ? '' : ',"logprobs":[]'},"sequence_number":${seq}}\n\n`;
  },

  streamTail(a) {
    let seq = a.outputTokens + (isTool(a) ? HEAD_EVENTS.tool : HEAD_EVENTS.text);
    let text: string;
    if (a.body?.kind === 'tool') {
      text = event('response.function_call_arguments.done', `"item_id":"fc_${a.baseId}","output_index":0,"arguments":${JSON.stringify(a.body.args)}`, seq++);
    } else {
      text = event('response.output_text.done', `"item_id":"msg_${a.baseId}","output_index":0,"content_index":0,"text":${JSON.stringify(answerText(a))},"logprobs":[]`, seq++);
      text += event('response.content_part.done', `"item_id":"msg_${a.baseId}","output_index":0,"content_index":0,"part":${partJson(a)}`, seq++);
    }
    text += event('response.output_item.done', `"output_index":0,"item":${itemJson(a, true)}`, seq++);
    const end = a.finishReason === 'length' ? 'response.incomplete' : 'response.completed';
    return text + event(end, `"response":${responseJson(a, 'done')}`, seq);
  },

  streamError(a, status, message) {
    const code = status === 429 ? 'rate_limit_exceeded' : 'server_error';
    return event('response.failed', `"response":${responseJson(a, 'failed', { code, message })}`, a.piecesSent + (isTool(a) ? HEAD_EVENTS.tool : HEAD_EVENTS.text));
  },

  json(a) {
    return responseJson(a, 'done');
  },

  error(status, message, type, param, code) {
    return { status, body: errorJson(message, type, param, code) };
  },

  rateLimitHeaders: openaiRateLimitHeaders,
};
