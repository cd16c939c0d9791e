// Hand-built ResolvedPlans for runner tests.
import type { PlanMixEntry, PlanMockProvider, PlanProvider, PlanSegment, ResolvedPlan } from '../../../../src/core/plan';
import type { PlanHttpTarget } from '../../../../src/core/plan-failure-modes';

export interface PlanOptions {
  baseUrl?: string;
  provider?: Partial<PlanProvider>;
  providers?: PlanProvider[];
  mix?: Partial<PlanMixEntry>[];
  model?: 'open' | 'closed';
  arrival?: 'poisson' | 'uniform';
  segments?: Array<Partial<PlanSegment> & { from: number; ms: number; stage?: string; to?: number; shape?: PlanSegment['shape'] }>;
  maxInFlight?: number;
  thinkMs?: [number, number];
  ttftMs?: number;
  totalMs?: number;
  retries?: Partial<ResolvedPlan['resilience']['retries']>;
  cancellations?: Partial<ResolvedPlan['workload']['cancellations']>;
  thresholds?: ResolvedPlan['thresholds'];
  budget?: ResolvedPlan['budget'];
  seed?: number;
}

export function openAIProvider(baseUrl: string, extra: Partial<PlanProvider> = {}): PlanProvider {
  return {
    id: 'p',
    type: 'openai',
    baseUrl,
    model: 'test-model',
    headers: {},
    pricing: { input: 1, cachedInput: 0.5, output: 2 },
    maxConnections: 64,
    ...extra,
  } as PlanProvider;
}

/** A team's own endpoint (`type: http`) at `url`: a POST read as JSON unless `target` says otherwise. */
export function httpTargetProvider(url: string, target: Partial<PlanHttpTarget> = {}): PlanProvider {
  return {
    id: 'feature',
    type: 'http',
    model: 'feature-model',
    headers: {},
    pricing: { input: 0, cachedInput: 0, output: 0 },
    maxConnections: 16,
    target: { method: 'POST', url, headers: {}, response: 'json', doneData: '[DONE]', extract: {}, ...target },
  };
}

/** The embedded mock at the `instant` profile; agent tasks take 3 tool rounds, then answer. */
export const instantMockProvider: PlanMockProvider = {
  id: 'm',
  type: 'mock',
  profile: 'instant',
  overrides: {},
  model: 'mock-model',
  headers: {},
  pricing: { input: 1, cachedInput: 0.5, output: 2 },
  maxConnections: 32,
  behaviour: { faults: [], agentSteps: { base: 3, underLoad: 0 } },
};

export function makePlan(o: PlanOptions): ResolvedPlan {
  const providers = o.providers ?? [openAIProvider(o.baseUrl ?? 'http://127.0.0.1:1', o.provider)];
  const segs = o.segments ?? [{ from: 5, ms: 2000 }];
  let start = 0;
  const segments: PlanSegment[] = segs.map((s, i) => {
    const seg: PlanSegment = {
      stage: s.stage ?? `s${i}`,
      stageIndex: i,
      startMs: start,
      endMs: start + s.ms,
      shape: s.shape ?? (s.to !== undefined ? 'linear' : 'constant'),
      from: s.from,
      to: s.to ?? s.from,
    };
    start += s.ms;
    return seg;
  });
  const mixIn = o.mix ?? [{}];
  const mix: PlanMixEntry[] = mixIn.map((m, i) => ({
    name: `m${i}`,
    share: 1 / mixIn.length,
    weight: 1,
    promptTokens: { kind: 'fixed', tokens: 20 },
    maxTokens: 16,
    stream: true,
    provider: providers[0].id,
    ...m,
  }));
  return {
    name: 'test plan',
    seed: o.seed ?? 42,
    providers,
    workload: { mix, cancellations: { fraction: 0, afterMinMs: 0, afterMaxMs: 0, ...o.cancellations } },
    load: {
      model: o.model ?? 'open',
      arrival: o.arrival ?? 'uniform',
      timeScale: 1,
      maxInFlight: o.maxInFlight ?? 1000,
      thinkTimeMinMs: o.thinkMs?.[0] ?? 0,
      thinkTimeMaxMs: o.thinkMs?.[1] ?? 0,
      baseline: segments[0].from,
      segments,
      durationMs: start,
    },
    resilience: {
      timeouts: { ttftMs: o.ttftMs ?? 5000, totalMs: o.totalMs ?? 10000 },
      retries: { max: 0, backoff: 'constant', baseMs: 10, capMs: 1000, jitter: 'none', respectRetryAfter: true, on: ['rate_limited', 'server_error'], ...o.retries },
    },
    budget: o.budget,
    thresholds: o.thresholds ?? [],
  };
}
