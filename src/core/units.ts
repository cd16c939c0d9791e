// Units of the scenario language: durations, rates, multiples of the baseline, time ranges,
// percentages and dollar amounts. The regular expressions are also the `pattern`s of the JSON
// schema (a unit test keeps the two in step), so other editors reject the same strings.

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const NUMBER = String.raw`\d+(?:\.\d+)?`;
const DURATION_PART = `${NUMBER}(?:ms|s|m|h)`;

export const DURATION_PATTERN = `^(?:${DURATION_PART})+$`;
export const RATE_PATTERN = `^${NUMBER}(?:/(?:s|m|h)|x)$`;
export const MULTIPLE_PATTERN = `^${NUMBER}x$`;
export const RANGE_PATTERN = `^(?:${DURATION_PART})+(?:\\s*\\.\\.\\s*(?:${DURATION_PART})+)?$`;
export const PERCENT_PATTERN = `^${NUMBER}%$`;
export const USD_PATTERN = String.raw`^\$\d+(?:\.\d+)?$`;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PER_SECOND: Record<string, number> = { s: 1, m: 1 / 60, h: 1 / 3600 };

const DURATION_HINT = 'expected a duration such as 250ms, 1.5s, 5m, 1h or 1h30m';
const RATE_HINT = 'expected a rate such as 2/s, 120/m or 0.5/s, a number per second, or a multiple of the baseline such as 10x';

/** "250ms", "1.5s", "5m", "1h", "1h30m" -> milliseconds. A unit is required: "30" is ambiguous. */
export function parseDuration(text: string): Parsed<number> {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: `empty duration: ${DURATION_HINT}` };
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) {
    return { ok: false, message: `duration '${trimmed}' has no unit: write ${trimmed}s or ${trimmed}ms` };
  }
  if (!new RegExp(DURATION_PATTERN).test(trimmed)) {
    return { ok: false, message: `invalid duration '${trimmed}': ${DURATION_HINT}` };
  }
  let total = 0;
  for (const match of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(match[1]) * UNIT_MS[match[2]];
  }
  return { ok: true, value: total };
}

export type RateValue = { kind: 'absolute'; perSecond: number } | { kind: 'multiple'; factor: number };

/** "2/s", "120/m", "3600/h", a bare number (per second) or "10x" (a multiple of the baseline). */
export function parseRate(input: string | number): Parsed<RateValue> {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) return { ok: false, message: `rate must be a number >= 0, got ${input}` };
    return { ok: true, value: { kind: 'absolute', perSecond: input } };
  }
  const trimmed = input.trim();
  const multiple = /^(\d+(?:\.\d+)?)x$/.exec(trimmed);
  if (multiple) return { ok: true, value: { kind: 'multiple', factor: Number(multiple[1]) } };
  const rate = /^(\d+(?:\.\d+)?)\/(s|m|h)$/.exec(trimmed);
  if (rate) return { ok: true, value: { kind: 'absolute', perSecond: Number(rate[1]) * PER_SECOND[rate[2]] } };
  const perUnit = /^(\d+(?:\.\d+)?)\s*(?:\/|per\s*)(\w+)$/.exec(trimmed);
  if (perUnit) return { ok: false, message: `invalid rate '${trimmed}': unit '${perUnit[2]}' is not s, m or h` };
  return { ok: false, message: `invalid rate '${trimmed}': ${RATE_HINT}` };
}

export type UsersValue = { kind: 'absolute'; users: number } | { kind: 'multiple'; factor: number };

/** A count of concurrent users, or "3x" (a multiple of the baseline). */
export function parseUsers(input: string | number): Parsed<UsersValue> {
  if (typeof input === 'number') {
    if (!Number.isInteger(input) || input < 0) return { ok: false, message: `users must be a whole number >= 0, got ${input}` };
    return { ok: true, value: { kind: 'absolute', users: input } };
  }
  const multiple = parseMultiple(input);
  if (multiple.ok) return { ok: true, value: { kind: 'multiple', factor: multiple.value } };
  return { ok: false, message: `invalid users '${input.trim()}': expected a whole number or a multiple of the baseline such as 3x` };
}

/** "10x" -> 10. */
export function parseMultiple(text: string): Parsed<number> {
  const match = /^(\d+(?:\.\d+)?)x$/.exec(text.trim());
  if (!match) return { ok: false, message: `invalid multiple '${text.trim()}': expected e.g. 10x or 0.5x` };
  return { ok: true, value: Number(match[1]) };
}

export interface TimeRange {
  minMs: number;
  maxMs: number;
}

/** "1s..2s" -> [1000, 2000]; a single duration is a range of one value. */
export function parseRange(text: string): Parsed<TimeRange> {
  const parts = text.split('..');
  if (parts.length > 2) return { ok: false, message: `invalid range '${text.trim()}': expected e.g. 1s..2s` };
  const low = parseDuration(parts[0]);
  if (!low.ok) return { ok: false, message: parts.length === 2 ? `range start: ${low.message}` : low.message };
  if (parts.length === 1) return { ok: true, value: { minMs: low.value, maxMs: low.value } };
  const high = parseDuration(parts[1]);
  if (!high.ok) return { ok: false, message: `range end: ${high.message}` };
  if (high.value < low.value) {
    return { ok: false, message: `invalid range '${text.trim()}': the end is before the start` };
  }
  return { ok: true, value: { minMs: low.value, maxMs: high.value } };
}

/** "10%" or a number in 0..1 -> a fraction. */
export function parseFraction(input: string | number): Parsed<number> {
  if (typeof input === 'number') {
    if (!(input >= 0 && input <= 1)) {
      return { ok: false, message: input > 1 && input <= 100 ? `fraction ${input} is above 1 — did you mean ${input}%?` : `fraction must be between 0 and 1, got ${input}` };
    }
    return { ok: true, value: input };
  }
  const match = /^(\d+(?:\.\d+)?)%$/.exec(input.trim());
  if (!match) return { ok: false, message: `invalid fraction '${input.trim()}': expected e.g. 10% or 0.1` };
  const value = Number(match[1]) / 100;
  if (value > 1) return { ok: false, message: `percentage ${input.trim()} is above 100%` };
  return { ok: true, value };
}

/** "$5", "$0.25" or a number -> USD. */
export function parseUsd(input: string | number): Parsed<number> {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) return { ok: false, message: `amount must be >= 0, got ${input}` };
    return { ok: true, value: input };
  }
  const match = /^\$(\d+(?:\.\d+)?)$/.exec(input.trim());
  if (!match) return { ok: false, message: `invalid amount '${input.trim()}': expected e.g. $5 or 5` };
  return { ok: true, value: Number(match[1]) };
}

// The schema's keywords x-maxMs and x-maxPerSecond bound values written with a unit, which
// `maximum` cannot express. The generated validator calls these two (scripts/scenario-validator.mjs
// defines the keywords); a value that does not parse passes here and is left to `pattern`.

/** x-maxMs: the duration, or a range's end, is at most `maxMs`. */
export function rangeWithinMaxMs(text: string, maxMs: number): boolean {
  const parsed = parseRange(text);
  return !parsed.ok || parsed.value.maxMs <= maxMs;
}

/** x-maxPerSecond: an absolute rate is at most `maxPerSecond` (a multiple of the baseline is not bounded here). */
export function rateWithinMaxPerSecond(text: string, maxPerSecond: number): boolean {
  const parsed = parseRate(text);
  return !parsed.ok || parsed.value.kind !== 'absolute' || parsed.value.perSecond <= maxPerSecond;
}
