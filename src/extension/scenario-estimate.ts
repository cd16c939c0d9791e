// The run estimate the editor shows (CodeLens, cost confirmation, validation): prompt files and
// system prompts measured with each provider's tokenizer, relative to the scenario's folder.
import { dirname } from 'node:path';
import type { ResolvedPlan } from '../core/plan';
import { estimateRun, type RunEstimate } from '../core/run-estimate';
import { measurePrompts } from '../runner/prompt-measure';

export function estimateScenario(plan: ResolvedPlan, fileName: string | undefined): RunEstimate {
  return estimateRun(plan, fileName ? measurePrompts(plan, dirname(fileName)) : undefined);
}
