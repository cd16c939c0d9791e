// Reading request bodies of any dialect: the JSON object, and text out of content parts.
import type { ChatRequestParse } from '../chat-request';

export type Fields = Record<string, unknown>;

/** The body as a JSON object, or the parse failure to answer with. */
export function jsonObject(body: string): Fields | Extract<ChatRequestParse, { ok: false }> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `The request body is not valid JSON: ${reason}`, param: null };
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return { ok: false, message: 'The request body must be a JSON object.', param: null };
  return json as Fields;
}

export function isFailure(v: Fields | Extract<ChatRequestParse, { ok: false }>): v is Extract<ChatRequestParse, { ok: false }> {
  return (v as { ok?: unknown }).ok === false;
}

export function failure(message: string, param: string | null): Extract<ChatRequestParse, { ok: false }> {
  return { ok: false, message, param };
}

/** A positive integer field, null when absent, or a failure. */
export function positiveInt(value: unknown, param: string): number | null | Extract<ChatRequestParse, { ok: false }> {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) return failure(`'${param}' must be a positive integer.`, param);
  return value;
}

/** Text of a value that is a string, or a list of parts each with a string `text` (others
 * are skipped); undefined when it is neither. */
export function partsText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (!Array.isArray(content)) return undefined;
  let text = '';
  for (const part of content) {
    if (part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string') text += (part as { text: string }).text;
  }
  return text;
}

/** `name` of each entry of a tools list (or of `pick(entry)`), or a message. */
export function toolNames(tools: unknown, param: string, pick: (entry: Fields) => unknown = (e) => e.name): string[] | string {
  if (!Array.isArray(tools)) return `'${param}' must be an array.`;
  const names: string[] = [];
  for (let i = 0; i < tools.length; i++) {
    const name = tools[i] && typeof tools[i] === 'object' ? pick(tools[i] as Fields) : undefined;
    if (typeof name !== 'string' || name === '') return `'${param}[${i}]' needs a non-empty name.`;
    names.push(name);
  }
  return names;
}
