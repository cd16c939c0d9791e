// "Run against mock": the same scenario with every real provider swapped for the embedded mock,
// so a load shape can be tried without traffic to (or bills from) a real endpoint. Ids, prices,
// dialects and tokenizers are kept, so mix entries still route, the runner speaks the same wire
// format and the cost figures stay meaningful.
import { dialectOf } from '../core/dialects';
import type { PlanMockProvider, ResolvedPlan } from '../core/plan';
import { MOCK_DEFAULT_MODEL } from '../core/resolve-scenario';

export function targetsRealProviders(plan: ResolvedPlan): boolean {
  return plan.providers.some((p) => p.type !== 'mock');
}

export function planAgainstMock(plan: ResolvedPlan, profile: PlanMockProvider['profile'] = 'small-gpu'): ResolvedPlan {
  return {
    ...plan,
    providers: plan.providers.map((provider): PlanMockProvider =>
      provider.type === 'mock'
        ? provider
        : {
            type: 'mock',
            id: provider.id,
            model: MOCK_DEFAULT_MODEL,
            headers: {},
            pricing: provider.pricing,
            maxConnections: provider.maxConnections,
            profile,
            dialect: dialectOf(provider) ?? 'openai',
            ...(provider.tokenizer ? { tokenizer: provider.tokenizer } : {}),
            overrides: {},
          },
    ),
  };
}
