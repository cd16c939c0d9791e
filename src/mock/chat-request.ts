// Reading an OpenAI chat-completions request body into what the simulated engine needs. Only the
// fields that change the mock's behaviour are read; the rest (temperature, top_p, ...) are
// accepted and ignored, as a permissive server would.
import { estimateTokens } from '../core/token-estimate';
import { isFailure, jsonObject } from './wire/parse-helpers';

export interface ChatRequest {
  /** The requested model, or null when absent. */
  model: string | null;
  /** Role-tagged concatenation of every message, the text the prefix cache hashes. */
  promptText: string;
  /** Sum of the messages' tokens (under the mock's tokenizer; 4 characters per token by default). */
  promptTokens: number;
  /** max_completion_tokens or max_tokens, or null when neither is given. */
  maxTokens: number | null;
  stream: boolean;
  includeUsage: boolean;
  /** Function names from `tools`, or null without tools (or with tool_choice "none"). */
  toolNames: string[] | null;
  /** Messages with role "tool": the tool results an agent loop has appended so far. */
  toolResults: number;
}

export type ChatRequestParse =
  | { ok: true; request: ChatRequest }
  | { ok: false; message: string; param: string | null };

export function parseChatRequest(body: string, count: (text: string) => number = estimateTokens): ChatRequestParse {
  const record = jsonObject(body);
  if (isFailure(record)) return record;
  const messages = record.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    return { ok: false, message: "'messages' is required and must be a non-empty array.", param: 'messages' };
  }
  let promptText = '';
  let promptTokens = 0;
  let toolResults = 0;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i] as Record<string, unknown> | null;
    if (message === null || typeof message !== 'object' || typeof message.role !== 'string') {
      return { ok: false, message: `'messages[${i}]' must be an object with a string 'role'.`, param: `messages[${i}]` };
    }
    const content = messageText(message.content);
    if (content === undefined) {
      return { ok: false, message: `'messages[${i}].content' must be a string, an array of parts, or null.`, param: `messages[${i}].content` };
    }
    if (message.role === 'tool') toolResults++;
    promptText += message.role + '\n' + content + '\n';
    promptTokens += count(content);
  }
  const maxTokens = record.max_completion_tokens ?? record.max_tokens ?? null;
  if (maxTokens !== null && (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1)) {
    const param = record.max_completion_tokens !== undefined ? 'max_completion_tokens' : 'max_tokens';
    return { ok: false, message: `'${param}' must be a positive integer.`, param };
  }
  const stream = record.stream === true;
  const options = record.stream_options as Record<string, unknown> | null | undefined;
  // A JSON answer always carries usage; a stream only when asked (stream_options.include_usage).
  const includeUsage = !stream || (options !== null && typeof options === 'object' && options.include_usage === true);
  const model = typeof record.model === 'string' && record.model !== '' ? record.model : null;
  let toolNames: string[] | null = null;
  if (record.tools !== undefined && record.tools !== null) {
    const tools = readToolNames(record.tools);
    if (typeof tools === 'string') return { ok: false, message: tools, param: 'tools' };
    if (tools.length > 0 && record.tool_choice !== 'none') toolNames = tools;
  }
  return { ok: true, request: { model, promptText, promptTokens, maxTokens, stream, includeUsage, toolNames, toolResults } };
}

/** Function names of an OpenAI `tools` array, or an error message. */
function readToolNames(tools: unknown): string[] | string {
  if (!Array.isArray(tools)) return "'tools' must be an array of {type: 'function', function: {name}} objects.";
  const names: string[] = [];
  for (let i = 0; i < tools.length; i++) {
    const fn = (tools[i] as { function?: { name?: unknown } } | null)?.function;
    if (!fn || typeof fn.name !== 'string' || fn.name === '') return `'tools[${i}].function.name' must be a non-empty string.`;
    names.push(fn.name);
  }
  return names;
}

function messageText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (!Array.isArray(content)) return undefined;
  let text = '';
  for (const part of content) {
    if (part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string') {
      text += (part as { text: string }).text;
    }
  }
  return text;
}
