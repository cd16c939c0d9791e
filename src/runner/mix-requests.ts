// Each mix entry's request, prepared before the run (and before any provider starts, so a
// missing prompt file costs nothing): the prompt maker sized by the entry's provider's
// tokenizer, and the body in that provider's dialect around the prompt, so sending a request
// costs a slice and two concatenations. A request whose max_tokens differs from the entry's (a
// replayed trace's recorded size, or a drawn maxTokensDist) gets its body parts built for it.
import { dialectOf } from '../core/dialects';
import type { ResolvedPlan } from '../core/plan';
import type { Tokenizer } from '../tokenizers/tokenizer';
import { dialectFor } from './dialects/dialects';
import { PromptMaker, buildFillerText } from './prompt-source';
import { tokenizerOf } from './provider-tokenizer';
import { SeededRandom } from './seeded-random';

export interface MixRequest {
  maker: PromptMaker;
  /** The body before and after the prompt's JSON string literal (empty for http targets, which
   * build theirs from a template). */
  bodyHead: string;
  bodyTail: string;
  /** The entry's max_tokens, which bodyHead and bodyTail carry. */
  maxTokens: number;
  /** The body parts for another max_tokens (the dialect puts it in the head or the tail). */
  partsFor(maxTokens: number): { head: string; tail: string };
  /** The words synthetic prompts of this entry are cut from (single tokens under its tokenizer). */
  filler: string;
  /** Tokens of the entry's system prompt under the provider's tokenizer. */
  systemTokens: number;
}

/** One per mix entry, in plan order. */
export function prepareMixRequests(plan: ResolvedPlan, baseDir: string): MixRequest[] {
  const byId = new Map(plan.providers.map((p, i) => [p.id, { p, i }]));
  // One filler text per tokenizer, from the same seed: with every filler word a single token
  // under each tokenizer (the usual case), all entries share the same text as before.
  const fillers = new Map<Tokenizer, string>();
  return plan.workload.mix.map((entry, i) => {
    const { p: provider, i: index } = byId.get(entry.provider) ?? { p: plan.providers[0]!, i: 0 };
    const tokenizer = tokenizerOf(provider, `providers[${index}] (${provider.id})`);
    let filler = fillers.get(tokenizer);
    if (filler === undefined) fillers.set(tokenizer, (filler = buildFillerText(new SeededRandom(plan.seed ^ 0x5eed), tokenizer)));
    const maker = new PromptMaker(entry, i, baseDir, filler, tokenizer);
    const dialectId = dialectOf(provider);
    const dialect = dialectId ? dialectFor(dialectId) : null;
    const partsFor = (maxTokens: number) => (dialect ? dialect.bodyParts({ model: provider.model, system: entry.system, maxTokens, stream: entry.stream }) : { head: '', tail: '' });
    const maxTokens = Math.max(1, Math.floor(entry.maxTokens));
    const parts = partsFor(maxTokens);
    return { maker, bodyHead: parts.head, bodyTail: parts.tail, maxTokens, partsFor, filler, systemTokens: entry.system !== undefined ? tokenizer.count(entry.system) : 0 };
  });
}
