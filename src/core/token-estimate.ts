// The one token-count rule shared by the mock provider (to count prompt tokens) and the runner
// (to build synthetic prompts of a requested size). Real tokenizers average roughly four
// characters of English text per token; a fixed ratio keeps both sides exact and deterministic
// without shipping a tokenizer.

/** Characters of text that make one token under the shared estimate. */
export const CHARS_PER_TOKEN = 4;

/** Tokens in `text` under the shared rule: ceil(length / 4); the empty string is 0 tokens. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}
