// A mock provider's behaviour beyond its GPU profile: faults, a response cache, agent steps,
// self-degradation and a deliberate cancellation leak. Absent when none is configured, so a
// plain mock plan stays as it was.
import type { PlanMockBehaviour } from './plan-failure-modes';
import type { ProblemSink } from './problem-sink';
import type { PathSegment } from './yaml-source';
import { asBoolean, asFields, asList, asNumber, has, type Fields } from './read-value';
import { parseDuration } from './units';
import { resolveFaults, type RunClock } from './resolve-faults';

const DEFAULT_CACHE_TTL_MS = 300_000;

export function resolveMockBehaviour(provider: Fields, path: PathSegment[], clock: RunClock, sink: ProblemSink): PlanMockBehaviour | undefined {
  const fields = ['faults', 'responseCache', 'agentSteps', 'degradation', 'leakOnDisconnect'];
  if (!fields.some((field) => has(provider, field))) return undefined;
  const behaviour: PlanMockBehaviour = { faults: resolveFaults(provider.faults, [...path, 'faults'], clock, sink) };

  const cache = asFields(provider.responseCache);
  if (cache) {
    const ttl = typeof cache.ttl === 'string' ? parseDuration(cache.ttl) : undefined;
    if (ttl?.ok && ttl.value <= 0) sink.error('out-of-range', `a cache ttl must be longer than 0`, [...path, 'responseCache', 'ttl']);
    behaviour.responseCache = {
      enabled: asBoolean(cache.enabled) ?? true,
      coalesce: asBoolean(cache.coalesce) ?? false,
      ttlMs: ttl?.ok && ttl.value > 0 ? ttl.value : DEFAULT_CACHE_TTL_MS,
    };
  }

  const steps = asFields(provider.agentSteps);
  if (steps) behaviour.agentSteps = { base: asNumber(steps.base) ?? 2, underLoad: asNumber(steps.underLoad) ?? 0 };

  const degradation = asFields(provider.degradation);
  const marks = asList(degradation?.queueMarks);
  if (marks.length === 3 && marks.every((m) => typeof m === 'number' && Number.isInteger(m) && m >= 1)) {
    const values = marks as number[];
    const backwards = values.findIndex((m, i) => i > 0 && m <= values[i - 1]);
    if (backwards !== -1) {
      sink.error('not-ascending', `queue marks must rise: level ${backwards + 1} starts at ${values[backwards]}, which is not above level ${backwards}'s ${values[backwards - 1]}`, [...path, 'degradation', 'queueMarks', backwards]);
    } else {
      behaviour.degradation = { queueMarks: [values[0], values[1], values[2]] };
    }
  }

  const leak = asBoolean(provider.leakOnDisconnect);
  if (leak !== undefined) behaviour.leakOnDisconnect = leak;
  return behaviour;
}
