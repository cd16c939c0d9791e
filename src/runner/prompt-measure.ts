// Prompt sizes for the dry-run and CodeLens estimates, measured with each provider's tokenizer:
// a prompt file or template (filled from a sample of its data rows) and the system prompt. The
// run itself prepares its prompts in mix-requests.ts; this only reads and counts, and never
// throws: what it cannot read it leaves to the estimate's defaults (the run reports the error).
import type { ResolvedPlan } from '../core/plan';
import type { MeasuredPrompts } from '../core/run-estimate';
import { tokenizerOf } from './provider-tokenizer';
import { PromptMaker } from './prompt-source';
import { SeededRandom } from './seeded-random';

/** Rows of a data file counted for the mean: enough for an estimate, bounded for the editor. */
const SAMPLE_ROWS = 200;

export function measurePrompts(plan: ResolvedPlan, baseDir: string): MeasuredPrompts {
  const byId = new Map(plan.providers.map((p, i) => [p.id, { p, i }]));
  return {
    entries: plan.workload.mix.map((entry, index) => {
      try {
        const { p, i } = byId.get(entry.provider) ?? { p: plan.providers[0]!, i: 0 };
        const tokenizer = tokenizerOf(p, `providers[${i}] (${p.id})`);
        const systemTokens = entry.system !== undefined ? tokenizer.count(entry.system) : 0;
        if (!entry.prompt) return { promptTokens: null, systemTokens };
        // The maker prepares every row; the estimate only needs a sample's mean.
        const maker = new PromptMaker(entry, index, baseDir, '', tokenizer, SAMPLE_ROWS);
        maker.makeJson(new SeededRandom(1));
        return { promptTokens: maker.meanPreparedTokens(), systemTokens };
      } catch {
        return { promptTokens: null, systemTokens: 0 };
      }
    }),
  };
}
