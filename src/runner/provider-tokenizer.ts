// The tokenizer a plan's provider counts with: its own `tokenizer`, else its dialect's and
// model's default. Apart from mix-requests.ts so the editor's estimate (prompt-measure.ts) loads
// the tokenizers without the dialects' answer checks (ajv's compiler stays out of extension.js).
import { defaultTokenizer, dialectOf } from '../core/dialects';
import type { PlanProvider } from '../core/plan';
import { loadTokenizer, type Tokenizer } from '../tokenizers/tokenizer';
import { RunConfigError } from './prompt-source';

export function tokenizerOf(provider: PlanProvider, field: string): Tokenizer {
  const name = provider.tokenizer ?? defaultTokenizer(provider.type, dialectOf(provider), provider.model);
  try {
    return loadTokenizer(name);
  } catch (error) {
    throw new RunConfigError(`${field}.tokenizer: ${error instanceof Error ? error.message : String(error)}`);
  }
}
