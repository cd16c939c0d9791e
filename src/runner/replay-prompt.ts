// Prompt text for replayed requests: exactly the recorded number of tokens (one filler word is
// one token under the shared estimate), where the leading part that a request shares with
// others by prefix id is the same text for all of them, so a prefix cache (the mock's, or a real
// server's) hits on it as it did in production. Block text is generated from the block's id,
// word by word from a generator seeded by it, so two different ids never share text by chance.
import { SeededRandom } from './seeded-random';
import { syntheticPrompt } from './prompt-source';

const WORDS = (
  'the and for are but not you all any can had her was one our out day get has him his how ' +
  'man new now old see two way who boy did its let put say she too use act add age ago air ' +
  'arm art ask bad bag bed big bit box bus buy car cat cup cut dog dry ear eat egg end eye'
).split(' ');
/** Block texts kept for reuse (a few MB at most). */
const CACHE_BLOCKS = 4096;

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35);
  h ^= h >>> 13;
  h = Math.imul(h, 0x27d4eb2f);
  return (h ^ (h >>> 16)) >>> 0;
}

export class ReplayPrompts {
  private readonly cache = new Map<string, string>();

  constructor(
    private readonly seed: number,
    private readonly blockTokens: number,
    private readonly filler: string,
  ) {}

  /** Text of a block: `blockTokens` words, each followed by a space. */
  private block(universe: number, id: number): string {
    const key = `${universe}:${id}`;
    let text = this.cache.get(key);
    if (text !== undefined) {
      this.cache.delete(key);
      this.cache.set(key, text);
      return text;
    }
    // Ids may exceed 32 bits: fold the high part in.
    const rng = new SeededRandom(mix(mix(this.seed, universe), (id >>> 0) ^ Math.floor(id / 2 ** 32)));
    const words = new Array<string>(this.blockTokens);
    for (let i = 0; i < this.blockTokens; i++) words[i] = WORDS[Math.floor(rng.next() * WORDS.length)];
    text = words.join(' ') + ' ';
    this.cache.set(key, text);
    if (this.cache.size > CACHE_BLOCKS) this.cache.delete(this.cache.keys().next().value as string);
    return text;
  }

  /**
   * The prompt as a JSON string literal: `prefixTokens` tokens from the blocks `ids` (in
   * universe `universe`, so copies and loops of a trace share among themselves only), then
   * fresh filler up to `tokens`.
   */
  json(tokens: number, ids: ArrayLike<number>, idStart: number, idCount: number, prefixTokens: number, universe: number, rng: SeededRandom): string {
    const total = Math.max(1, tokens);
    const shared = Math.min(total, prefixTokens);
    let text = '';
    let left = shared;
    for (let j = 0; j < idCount && left > 0; j++) {
      const take = Math.min(this.blockTokens, left);
      const block = this.block(universe, ids[idStart + j]);
      text += take === this.blockTokens ? block : block.slice(0, take * 4);
      left -= take;
    }
    const rest = total - shared;
    // Filler words are lowercase letters and spaces: nothing to escape.
    if (rest > 0) return `"${text}${syntheticPrompt(this.filler, rest, rng)}"`;
    return `"${text.slice(0, -1)}"`;
  }
}
