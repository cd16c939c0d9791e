// The prefix (prompt) cache: like vLLM's automatic prefix caching, a prompt is cut into blocks
// and each block is keyed by a hash of everything up to its end, so two prompts share cached
// blocks exactly as far as their text is identical (same system prompt, same opening).
import { CHARS_PER_TOKEN } from '../core/token-estimate';

export class PrefixCache {
  /** Insertion order is recency order: a hit re-inserts its key. */
  private readonly blocks = new Map<number, true>();
  private readonly maxBlocks: number;
  readonly blockTokens: number;
  private readonly blockChars: number;

  constructor(capacityTokens: number, blockTokens: number) {
    this.blockTokens = blockTokens;
    this.blockChars = blockTokens * CHARS_PER_TOKEN;
    this.maxBlocks = Math.floor(capacityTokens / blockTokens);
  }

  /** Hash of the prompt text at the end of each whole block (FNV-1a, 32-bit, chained). */
  blockHashes(text: string): number[] {
    const hashes: number[] = [];
    const whole = Math.floor(text.length / this.blockChars);
    let hash = 0x811c9dc5;
    let pos = 0;
    for (let b = 0; b < whole; b++) {
      const end = pos + this.blockChars;
      for (; pos < end; pos++) {
        hash ^= text.charCodeAt(pos);
        hash = Math.imul(hash, 0x01000193);
      }
      // Mixing in the block index keeps the key of a prefix distinct from a lucky collision of
      // a shorter one.
      hashes.push((hash ^ Math.imul(b + 1, 0x9e3779b1)) >>> 0);
    }
    return hashes;
  }

  /** Number of leading blocks already cached; refreshes their recency. */
  lookup(hashes: number[]): number {
    let hits = 0;
    for (const key of hashes) {
      if (!this.blocks.has(key)) break;
      this.blocks.delete(key);
      this.blocks.set(key, true);
      hits++;
    }
    return hits;
  }

  /** Caches every block of a prompt once its prefill is done. */
  insert(hashes: number[]): void {
    if (this.maxBlocks === 0) return;
    for (const key of hashes) {
      if (this.blocks.has(key)) this.blocks.delete(key);
      this.blocks.set(key, true);
    }
    while (this.blocks.size > this.maxBlocks) {
      const oldest = this.blocks.keys().next().value as number;
      this.blocks.delete(oldest);
    }
  }
}
