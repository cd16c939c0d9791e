// Which wire format a provider speaks and which tokenizer counts its text by default. Pure, so
// validation, hover, the dry-run estimate and the runner all agree.
import type { DialectId, PlanProvider, TokenizerName } from './plan';

export const DIALECTS: readonly DialectId[] = ['openai', 'openai-responses', 'anthropic', 'gemini'];
export const TOKENIZERS: readonly TokenizerName[] = ['o200k_base', 'cl100k_base', 'llama3', 'approx'];

/** Base URLs the official SDKs use when none is given. */
export const DEFAULT_BASE_URLS: Record<'anthropic' | 'gemini', string> = {
  anthropic: 'https://api.anthropic.com',
  gemini: 'https://generativelanguage.googleapis.com/v1beta',
};

export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

export const DIALECT_NAMES: Record<DialectId, string> = {
  openai: 'OpenAI chat completions',
  'openai-responses': 'OpenAI Responses',
  anthropic: 'Anthropic Messages',
  gemini: 'Gemini generateContent',
};

/** The dialect of a provider; null for `http` targets, which describe their own format. */
export function dialectOf(provider: Pick<PlanProvider, 'type'> & { api?: string; dialect?: DialectId }): DialectId | null {
  switch (provider.type) {
    case 'openai':
      return provider.api === 'responses' ? 'openai-responses' : 'openai';
    case 'anthropic':
      return 'anthropic';
    case 'gemini':
      return 'gemini';
    case 'mock':
      return provider.dialect ?? 'openai';
    default:
      return null;
  }
}

/**
 * The tokenizer a provider gets when it names none. OpenAI's models publish theirs (o200k_base
 * from GPT-4o on, cl100k_base for GPT-4 and GPT-3.5); Llama 3 models on any server use Llama 3's.
 * Anthropic and Gemini publish no tokenizer, and the mock counts 4 characters per token, so
 * those get `approx` (their servers' usage gives the exact counts).
 */
export function defaultTokenizer(type: PlanProvider['type'], dialect: DialectId | null, model: string): TokenizerName {
  if (type === 'mock' || type === 'http' || dialect === 'anthropic' || dialect === 'gemini') return 'approx';
  const m = model.toLowerCase();
  if (/llama[-_ ]?3/.test(m)) return 'llama3';
  if (/(^|\/)(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-oss|chatgpt-4o|o1|o3|o4)/.test(m)) return 'o200k_base';
  if (/(^|\/)(gpt-4|gpt-3\.5|text-embedding-3|text-embedding-ada)/.test(m)) return 'cl100k_base';
  return 'approx';
}
