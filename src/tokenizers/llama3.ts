// Llama 3's tokenizer (128k vocabulary), from llama3-tokenizer-js's baked-in data. Counts leave
// out the begin/end-of-text tokens a chat template adds.
import { llama3Tokenizer } from 'llama3-tokenizer-js/bundle/commonjs-llama3-tokenizer-with-baked-data.cjs';
import type { Vocabulary } from './vocabulary';

const NO_SPECIALS = { bos: false, eos: false };

export const vocabulary: Vocabulary = {
  encode: (text) => llama3Tokenizer.encode(text, NO_SPECIALS),
  decode: (ids) => llama3Tokenizer.decode([...ids]),
};
