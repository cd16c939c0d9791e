// Graceful degradation: the level of one response, read from a header (a number, or a level
// name from `degradation.levels`) or mapped from the model name the response reports. Without
// a header in the plan the mock's own `x-degradation-level` is read.
import type { PlanDegradation } from '../core/plan-failure-modes';

export const MOCK_DEGRADATION_HEADER = 'x-degradation-level';

export type ResponseHeaders = Record<string, string | string[] | undefined>;

export function headerValue(headers: ResponseHeaders | null, name: string): string | undefined {
  if (!headers) return undefined;
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The level from a header text: a whole number, or a (case-insensitive) level name. */
export function levelFromText(text: string, levels: readonly string[]): number | null {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t);
  const i = levels.findIndex((l) => l.toLowerCase() === t.toLowerCase());
  return i >= 0 ? i : null;
}

/** The response's degradation level, or null when the response does not tell. */
export function degradationLevelOf(plan: PlanDegradation, headers: ResponseHeaders | null, model: string | null): number | null {
  const raw = headerValue(headers, plan.header ?? MOCK_DEGRADATION_HEADER);
  if (raw !== undefined) {
    const level = levelFromText(raw, plan.levels);
    if (level !== null) return level;
  }
  if (plan.models && model !== null) {
    const level = plan.models[model];
    if (level !== undefined) return level;
    // A model not in the map is the normal service.
    return 0;
  }
  return null;
}

/** `x-cache: HIT` (or HIT from a CDN-style list) marks a response served from a cache;
 * null when the header is absent. */
export function cacheHitFromHeader(v: string | undefined): boolean | null {
  if (v === undefined) return null;
  return /\bhit\b/i.test(v);
}

/** The model name a chat completion reports, found without parsing the whole body. */
export function modelNameIn(text: string): string | null {
  const k = text.indexOf('"model":');
  if (k < 0) return null;
  let i = k + 8;
  while (text.charCodeAt(i) === 32) i++;
  if (text.charCodeAt(i) !== 34) return null;
  const end = text.indexOf('"', i + 1);
  if (end < 0) return null;
  // Model names hold no quotes or escapes in practice; a name that does is read up to the first quote.
  return text.slice(i + 1, end);
}
