// Graceful degradation: how a response's level is read, and the names of the levels.
import type { PlanDegradation } from './plan-failure-modes';
import type { ProblemSink } from './problem-sink';
import { asFields, asList, asNumber, asString } from './read-value';

export const DEFAULT_DEGRADATION_LEVELS = ['normal', 'degraded-1', 'degraded-2', 'outage'];

export function resolveDegradation(raw: unknown, sink: ProblemSink): PlanDegradation | undefined {
  const degradation = asFields(raw);
  if (!degradation) return undefined;
  const levelsRaw = asList(degradation.levels);
  const levels = levelsRaw.length >= 2 && levelsRaw.every((l) => typeof l === 'string') ? (levelsRaw as string[]) : [...DEFAULT_DEGRADATION_LEVELS];
  const plan: PlanDegradation = { levels };
  const header = asString(degradation.header);
  if (header !== undefined) plan.header = header.toLowerCase();
  const models = asFields(degradation.models);
  if (models) {
    plan.models = {};
    for (const [model, value] of Object.entries(models)) {
      const level = asNumber(value);
      if (level === undefined) continue;
      if (level >= levels.length) {
        sink.error('unknown-level', `level ${level} is past the last level (${levels.length - 1}, '${levels[levels.length - 1]}'): add names to 'levels' or use a lower level`, ['degradation', 'models', model]);
      }
      plan.models[model] = level;
    }
  }
  return plan;
}
