// Deterministic filler output: one word per token. The text and its SSE pieces are built once at
// load, so generating a response costs slices and concatenations, never JSON.stringify per token.

const WORDS = (
  'the load test keeps the queue short while tokens stream back to every user who waits for an answer ' +
  'and the cache holds the prompt so the next request starts sooner than the last one did under the spike'
).split(' ');

/** Tokens of precomputed text; longer answers repeat it. */
const PRECOMPUTED_TOKENS = 8192;

/** The content of token i (a leading space after the first, as real tokenizers emit). */
export function fillerToken(index: number): string {
  const word = WORDS[index % WORDS.length]!;
  return index === 0 ? capitalize(word) : ' ' + word;
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

const tokenEnds = new Uint32Array(PRECOMPUTED_TOKENS + 1);
const precomputed = (() => {
  let text = '';
  for (let i = 0; i < PRECOMPUTED_TOKENS; i++) {
    text += fillerToken(i);
    tokenEnds[i + 1] = text.length;
  }
  return text;
})();

/** The whole content of an answer of `tokens` tokens. */
export function fillerContent(tokens: number): string {
  if (tokens <= PRECOMPUTED_TOKENS) return precomputed.slice(0, tokenEnds[tokens]);
  let text = precomputed;
  for (let i = PRECOMPUTED_TOKENS; i < tokens; i++) text += fillerToken(i);
  return text;
}

/** JSON string literal of token i's content (the words need no escaping, but quotes do). */
const tokenLiterals: string[] = [];
for (let i = 0; i < WORDS.length * 2; i++) tokenLiterals.push(JSON.stringify(fillerToken(i)));

export function fillerTokenLiteral(index: number): string {
  // Index 0 is the capitalized first word; later indices cycle through the second period.
  return index === 0 ? tokenLiterals[0]! : tokenLiterals[WORDS.length + (index % WORDS.length)]!;
}
