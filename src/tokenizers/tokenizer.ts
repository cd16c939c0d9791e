// Token counting for prompts and answers: a model family's real tokenizer, or `approx` (four
// characters per token, the rule Stampede always used). Real vocabularies ship inside npm
// packages (gpt-tokenizer, llama3-tokenizer-js) and are bundled with Stampede: nothing is ever
// downloaded, so runs work offline. Each is loaded once, on first use, off the request path.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TokenizerName } from '../core/plan';
import { estimateTokens } from '../core/token-estimate';
import type { Vocabulary } from './vocabulary';

export interface Tokenizer {
  readonly name: TokenizerName;
  count(text: string): number;
  /** Null for `approx`, which has no vocabulary. */
  readonly vocabulary: Vocabulary | null;
}

const APPROX: Tokenizer = { name: 'approx', count: estimateTokens, vocabulary: null };
const loaded = new Map<TokenizerName, Tokenizer>();

/**
 * Where a vocabulary module is: next to the bundle that runs (dist/tokenizers/NAME.js, built by
 * scripts/build.mjs), or, when running from source (tests), this folder's NAME.ts.
 */
function modulePath(name: Exclude<TokenizerName, 'approx'>): string {
  const bundled = join(__dirname, 'tokenizers', `${name}.js`);
  return existsSync(bundled) ? bundled : join(__dirname, name);
}

/** The tokenizer called `name`; throws an Error with a one-line message when its vocabulary
 * cannot be loaded (a broken install). */
export function loadTokenizer(name: TokenizerName): Tokenizer {
  if (name === 'approx') return APPROX;
  let t = loaded.get(name);
  if (t) return t;
  let vocabulary: Vocabulary;
  try {
    // A computed path: esbuild leaves the require alone, so the vocabulary stays in its own file.
    vocabulary = (require(modulePath(name)) as { vocabulary: Vocabulary }).vocabulary;
  } catch (error) {
    throw new Error(`the ${name} tokenizer could not be loaded (${error instanceof Error ? error.message.split('\n')[0] : String(error)}): reinstall Stampede, or set tokenizer: approx`);
  }
  t = { name, count: (text) => (text === '' ? 0 : vocabulary.encode(text).length), vocabulary };
  loaded.set(name, t);
  return t;
}
