// Gemini's Generative Language API: `POST /v1beta/models/{model}:streamGenerateContent?alt=sse`
// and `:generateContent`. A stream is data-only SSE of GenerateContentResponse chunks, one per
// token here (the real API packs several); the last carries finishReason and usageMetadata, and
// the stream simply ends. A function call arrives whole in one chunk. Errors are Google API
// errors {"error":{code, message, status}}; a 429 says when to retry in a RetryInfo detail, and
// Gemini sends no rate-limit headers.
import { fillerContent, fillerTokenLiteral } from '../filler-text';
import type { ChatRequestParse } from '../chat-request';
import { failure, isFailure, jsonObject, partsText, positiveInt, toolNames, type Fields } from './parse-helpers';
import type { AnswerView, MockRoute, MockWire } from './mock-wire';

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  405: 'INVALID_ARGUMENT',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

function statusName(status: number): string {
  return STATUS_NAMES[status] ?? (status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT');
}

function errorBody(code: number, message: string, retryAfterMs?: number): string {
  const details = retryAfterMs !== undefined && retryAfterMs >= 0 ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${Math.max(1, Math.ceil(retryAfterMs / 1000))}s` }] : undefined;
  return JSON.stringify({ error: { code, message, status: statusName(code), ...(details ? { details } : {}) } });
}

function finishReason(a: AnswerView): string {
  return a.finishReason === 'length' ? 'MAX_TOKENS' : 'STOP';
}

function usageJson(a: AnswerView): string {
  const cached = a.cachedTokens > 0 ? `,"cachedContentTokenCount":${a.cachedTokens}` : '';
  return `{"promptTokenCount":${a.promptTokens},"candidatesTokenCount":${a.outputTokens},"totalTokenCount":${a.promptTokens + a.outputTokens}${cached}}`;
}

function functionCallPart(a: AnswerView): string {
  const b = a.body!;
  if (b.kind !== 'tool') return '';
  return JSON.stringify({ functionCall: { id: b.callId, name: b.name, args: JSON.parse(b.args) as unknown } });
}

/** A whole response (the JSON answer, or a stream's last chunk with `parts`). */
function responseJson(a: AnswerView, parts: string, final: boolean): string {
  const finish = final ? `,"finishReason":"${finishReason(a)}"` : '';
  const usage = final && a.includeUsage ? `,"usageMetadata":${usageJson(a)}` : '';
  return `{"candidates":[{"content":{"parts":[${parts}],"role":"model"}${finish},"index":0}]${usage},"modelVersion":${a.modelLiteral},"responseId":"${a.baseId}"}`;
}

function parse(body: string, count: (text: string) => number, route: MockRoute): ChatRequestParse {
  const record = jsonObject(body);
  if (isFailure(record)) return record;
  const contents = record.contents;
  if (!Array.isArray(contents) || contents.length === 0) return failure('* GenerateContentRequest.contents: contents is not specified', 'contents');
  let promptText = '';
  let promptTokens = 0;
  const add = (role: string, text: string) => {
    promptText += role + '\n' + text + '\n';
    promptTokens += count(text);
  };
  const system = record.systemInstruction as Fields | string | undefined;
  if (system !== undefined) {
    const text = typeof system === 'string' ? system : partsText((system as Fields).parts);
    if (text === undefined) return failure('systemInstruction: expected a Content with parts.', 'systemInstruction');
    if (text !== '') add('system', text);
  }
  let toolResults = 0;
  for (let i = 0; i < contents.length; i++) {
    const c = contents[i] as Fields | null;
    if (!c || typeof c !== 'object' || !Array.isArray(c.parts)) return failure(`* GenerateContentRequest.contents[${i}].parts: must be a list of parts`, `contents[${i}]`);
    let text = '';
    for (const part of c.parts as Fields[]) {
      if (typeof part?.text === 'string') text += part.text;
      else if (part?.functionCall) text += JSON.stringify(part.functionCall);
      else if (part?.functionResponse) {
        toolResults++;
        text += JSON.stringify(part.functionResponse);
      }
    }
    add(typeof c.role === 'string' ? c.role : 'user', text);
  }
  const config = (record.generationConfig ?? {}) as Fields;
  const maxTokens = positiveInt(config.maxOutputTokens, 'generationConfig.maxOutputTokens');
  if (maxTokens !== null && typeof maxTokens !== 'number') return maxTokens;
  let names: string[] | null = null;
  if (Array.isArray(record.tools)) {
    const declared: string[] = [];
    for (const tool of record.tools as Fields[]) {
      if (!Array.isArray(tool?.functionDeclarations)) continue;
      const found = toolNames(tool.functionDeclarations, 'tools.functionDeclarations');
      if (typeof found === 'string') return failure(found, 'tools');
      declared.push(...found);
    }
    const mode = ((record.toolConfig as Fields | undefined)?.functionCallingConfig as Fields | undefined)?.mode;
    if (declared.length > 0 && mode !== 'NONE') names = declared;
  }
  return { ok: true, request: { model: route.model, promptText, promptTokens, maxTokens, stream: route.stream === true, includeUsage: true, toolNames: names, toolResults } };
}

const PIECE_HEAD = 'data: {"candidates":[{"content":{"parts":[{"text":';

export const geminiWire: MockWire = {
  id: 'gemini',
  parse,
  retryAfterInBody: true,

  streamHead(a) {
    a.prefix = `}],"role":"model"},"index":0}],"modelVersion":${a.modelLiteral},"responseId":"${a.baseId}"}\n\n`;
    return '';
  },

  streamPiece(a, index) {
    const b = a.body;
    if (b?.kind === 'tool') return index === 0 ? `data: ${responseJson(a, functionCallPart(a), false)}\n\n` : '';
    return PIECE_HEAD + (b === null ? fillerTokenLiteral(index) : b.pieces[index]!) + a.prefix;
  },

  streamTail(a) {
    return `data: ${responseJson(a, a.body?.kind === 'tool' ? '' : '{"text":""}', true)}\n\n`;
  },

  streamError(_a, status, message) {
    return `data: ${errorBody(status, message)}\n\n`;
  },

  json(a) {
    const b = a.body;
    const parts = b?.kind === 'tool' ? functionCallPart(a) : JSON.stringify({ text: b === null ? fillerContent(a.outputTokens) : b.text });
    return responseJson(a, parts, true);
  },

  error(status, message, _type, _param, code, retryAfterMs) {
    if (code === 'queue_full' || code === 'degraded') return { status: 503, body: errorBody(503, 'The model is overloaded. Please try again later.') };
    return { status, body: errorBody(status, message, status === 429 ? retryAfterMs : undefined) };
  },

  rateLimitHeaders() {
    // Gemini sends none.
  },
};
