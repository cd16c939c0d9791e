// The share of a trace's prompt tokens that repeat a prefix some earlier request already sent:
// the prefix-cache hit rate an unbounded cache would reach. Mooncake block ids chain (an id
// names its whole prefix), so a request's shared part is its leading run of ids seen before;
// a prefix id of a request log shares min(its tokens, the longest seen) tokens.
import type { TraceRecord } from './trace-record';

/** Ids remembered at most; past it the share is estimated from the ids already known. */
const MAX_IDS = 2_000_000;

export class PrefixShare {
  private readonly blocks = new Set<number>();
  private readonly prefixes = new Map<string, number>();
  sharedTokens = 0;
  promptTokens = 0;
  /** Requests that carry any prefix identity. */
  withPrefix = 0;

  constructor(private readonly blockTokens: number) {}

  add(record: TraceRecord): void {
    this.promptTokens += record.promptTokens;
    if (record.blocks && record.blocks.length > 0) {
      this.withPrefix++;
      let i = 0;
      for (; i < record.blocks.length && this.blocks.has(record.blocks[i]); i++) {
        this.sharedTokens += Math.max(0, Math.min(this.blockTokens, record.promptTokens - i * this.blockTokens));
      }
      if (this.blocks.size < MAX_IDS) for (; i < record.blocks.length; i++) this.blocks.add(record.blocks[i]);
    } else if (record.prefixId !== undefined && record.prefixTokens !== undefined) {
      this.withPrefix++;
      const seen = this.prefixes.get(record.prefixId);
      if (seen !== undefined) this.sharedTokens += Math.min(seen, record.prefixTokens);
      if (seen === undefined ? this.prefixes.size < MAX_IDS : record.prefixTokens > seen) this.prefixes.set(record.prefixId, record.prefixTokens);
    }
  }

  get share(): number | null {
    return this.withPrefix > 0 && this.promptTokens > 0 ? this.sharedTokens / this.promptTokens : null;
  }
}
