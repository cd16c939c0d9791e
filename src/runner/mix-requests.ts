// Each mix entry's request, prepared before the run (and before any provider starts, so a
// missing prompt file costs nothing): the prompt maker sized by the entry's provider's
// tokenizer, and the body in that provider's dialect around the prompt, so sending a request
// costs a slice and two concatenations.
import { defaultTokenizer, dialectOf } from '../core/dialects';
import type { PlanProvider, ResolvedPlan } from '../core/plan';
import { loadTokenizer, type Tokenizer } from '../tokenizers/tokenizer';
import { dialectFor } from './dialects/dialects';
import { PromptMaker, RunConfigError, buildFillerText } from './prompt-source';
import { SeededRandom } from './seeded-random';

export interface MixRequest {
  maker: PromptMaker;
  /** The body before and after the prompt's JSON string literal (empty for http targets, which
   * build theirs from a template). */
  bodyHead: string;
  bodyTail: string;
  /** Tokens of the entry's system prompt under the provider's tokenizer. */
  systemTokens: number;
}

/** The tokenizer a plan's provider counts with. */
export function tokenizerOf(provider: PlanProvider, field: string): Tokenizer {
  const name = provider.tokenizer ?? defaultTokenizer(provider.type, dialectOf(provider), provider.model);
  try {
    return loadTokenizer(name);
  } catch (error) {
    throw new RunConfigError(`${field}.tokenizer: ${error instanceof Error ? error.message : String(error)}`);
  }
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
    const parts = dialectId ? dialectFor(dialectId).bodyParts({ model: provider.model, system: entry.system, maxTokens: entry.maxTokens, stream: entry.stream }) : { head: '', tail: '' };
    return { maker, bodyHead: parts.head, bodyTail: parts.tail, systemTokens: entry.system !== undefined ? tokenizer.count(entry.system) : 0 };
  });
}
