// OpenAI's cl100k_base (GPT-4, GPT-3.5, text-embedding-3), from gpt-tokenizer's shipped ranks.
import { decode, encode } from 'gpt-tokenizer/encoding/cl100k_base';
import type { Vocabulary } from './vocabulary';

const PLAIN = { disallowedSpecial: new Set<string>() };

export const vocabulary: Vocabulary = {
  encode: (text) => encode(text, PLAIN),
  decode: (ids) => decode(ids),
};
