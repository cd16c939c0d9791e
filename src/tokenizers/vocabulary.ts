// What each vocabulary module (o200k_base.ts, cl100k_base.ts, llama3.ts) exports. Each is
// bundled into its own file (dist/tokenizers/NAME.js) and loaded on first use, so a run that
// counts by approximation never parses megabytes of vocabulary.

export interface Vocabulary {
  /** Token ids of `text`; special-token spellings in the text are plain text. */
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
}
