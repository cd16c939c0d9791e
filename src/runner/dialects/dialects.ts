// The dialect modules by id.
import type { DialectId } from '../../core/plan';
import { anthropic } from './anthropic';
import type { Dialect } from './dialect';
import { gemini } from './gemini';
import { openaiChat } from './openai-chat';
import { openaiResponses } from './openai-responses';

const BY_ID: Record<DialectId, Dialect> = {
  openai: openaiChat,
  'openai-responses': openaiResponses,
  anthropic,
  gemini,
};

export function dialectFor(id: DialectId): Dialect {
  return BY_ID[id];
}
