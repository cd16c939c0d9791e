// OpenAI's o200k_base (GPT-4o, GPT-4.1, GPT-5, o-series), from gpt-tokenizer's shipped ranks.
import { decode, encode } from 'gpt-tokenizer/encoding/o200k_base';
import type { Vocabulary } from './vocabulary';

const PLAIN = { disallowedSpecial: new Set<string>() };

export const vocabulary: Vocabulary = {
  encode: (text) => encode(text, PLAIN),
  decode: (ids) => decode(ids),
};
