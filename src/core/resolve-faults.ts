// Fault schedules (mock providers, and the fault proxy's file): windows on the run's clock,
// divided by timeScale like the load shape, with the fields each kind needs.
import type { PlanFault } from './plan-failure-modes';
import type { ProblemSink } from './problem-sink';
import type { PathSegment } from './yaml-source';
import { asFields, asList, asNumber, asStringOrNumber, has, type Fields } from './read-value';
import { parseDuration, parseFraction } from './units';

export interface RunClock {
  /** load.timeScale: scenario durations are divided by it. */
  scale: number;
  /** Length of the run in run-time ms, if known (0 when the shape did not resolve). */
  durationMs: number;
}

type FaultKind = PlanFault['kind'];

const FIELDS: Record<FaultKind, { allowed: string[]; required: string[][] }> = {
  outage: { allowed: ['status', 'mode'], required: [] },
  'error-rate': { allowed: ['status', 'rate'], required: [['rate']] },
  latency: { allowed: ['add'], required: [['add']] },
  'rate-limit': { allowed: ['rpm', 'tpm'], required: [['rpm', 'tpm']] },
  'slow-stream': { allowed: ['tokensPerSecond'], required: [['tokensPerSecond']] },
};
const COMMON = ['kind', 'at', 'for'];

/** Whether a fault of `kind` takes `field` (for completion: offer only what validation keeps). */
export function faultTakesField(kind: string, field: string): boolean {
  const spec = FIELDS[kind as FaultKind];
  return !spec || COMMON.includes(field) || spec.allowed.includes(field);
}

/** Whether a fault with `fields` would be valid as `kind`: every field applies and none it needs is missing. */
export function faultKindFits(kind: string, fields: ReadonlySet<string>): boolean {
  const spec = FIELDS[kind as FaultKind];
  if (!spec) return false;
  const known = new Set(Object.values(FIELDS).flatMap((s) => s.allowed));
  for (const field of fields) if (known.has(field) && !spec.allowed.includes(field)) return false;
  return spec.required.every((alternatives) => alternatives.some((f) => fields.has(f)));
}

function durationMs(raw: unknown): number | undefined {
  if (typeof raw !== 'string') return undefined;
  const parsed = parseDuration(raw);
  return parsed.ok ? parsed.value : undefined;
}

function resolveFault(fault: Fields, path: PathSegment[], clock: RunClock, sink: ProblemSink): PlanFault | undefined {
  const kind = fault.kind as FaultKind;
  const spec = FIELDS[kind];
  if (!spec) return undefined; // an unknown kind is reported by the schema
  for (const field of Object.keys(fault)) {
    if (COMMON.includes(field) || spec.allowed.includes(field) || !Object.values(FIELDS).some((s) => s.allowed.includes(field))) continue;
    const owners = Object.entries(FIELDS).filter(([, s]) => s.allowed.includes(field)).map(([k]) => k);
    sink.error('fault-field', `'${field}' does not apply to ${article(kind)} ${kind} fault (only to ${owners.join(', ')})`, [...path, field], 'key');
  }
  for (const alternatives of spec.required) {
    if (!alternatives.some((field) => has(fault, field))) {
      const what = alternatives.map((f) => `'${f}'`).join(' or ');
      sink.error('missing-field', `${article(kind)} ${kind} fault needs ${what}`, [...path, 'kind']);
    }
  }
  if (kind === 'outage' && fault.mode === 'refuse' && has(fault, 'status')) {
    sink.error('conflict', `an outage with mode: refuse refuses connections, so it answers no status: remove 'status' or use mode: status`, [...path, 'status'], 'key');
  }
  const at = durationMs(fault.at);
  const length = durationMs(fault.for);
  if (length !== undefined && length <= 0) sink.error('out-of-range', `a fault must last longer than 0`, [...path, 'for']);
  if (at === undefined || length === undefined || length <= 0) return undefined;
  const startMs = at / clock.scale;
  const endMs = (at + length) / clock.scale;
  if (clock.durationMs > 0 && startMs >= clock.durationMs) {
    sink.warning('after-run', `this fault starts after the run ends (the run lasts ${formatSeconds(clock.durationMs * clock.scale)} before timeScale): it will never happen`, [...path, 'at']);
  } else if (clock.durationMs > 0 && endMs > clock.durationMs + 1e-9) {
    sink.warning('after-run', `this fault outlasts the run (which lasts ${formatSeconds(clock.durationMs * clock.scale)} before timeScale): it is cut at the end`, [...path, 'for']);
  }
  switch (kind) {
    case 'outage':
      return { kind, startMs, endMs, mode: fault.mode === 'refuse' ? 'refuse' : 'status', status: asNumber(fault.status) ?? 503 };
    case 'error-rate': {
      const rate = asStringOrNumber(fault.rate);
      const parsed = rate === undefined ? undefined : parseFraction(rate);
      return { kind, startMs, endMs, rate: parsed?.ok ? parsed.value : 0, status: asNumber(fault.status) ?? 500 };
    }
    case 'latency':
      return { kind, startMs, endMs, addMs: durationMs(fault.add) ?? 0 };
    case 'rate-limit': {
      const out: PlanFault = { kind, startMs, endMs };
      const rpm = asNumber(fault.rpm);
      const tpm = asNumber(fault.tpm);
      if (rpm !== undefined) out.rpm = rpm;
      if (tpm !== undefined) out.tpm = tpm;
      return out;
    }
    case 'slow-stream':
      return { kind, startMs, endMs, tokensPerSecond: asNumber(fault.tokensPerSecond) ?? 1 };
  }
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}

/** Resolves a list of faults at `path`; bad entries are reported and left out. Sorted by start. */
export function resolveFaults(raw: unknown, path: PathSegment[], clock: RunClock, sink: ProblemSink): PlanFault[] {
  const faults: PlanFault[] = [];
  asList(raw).forEach((item, index) => {
    const fault = asFields(item);
    if (!fault) return;
    const resolved = resolveFault(fault, [...path, index], clock, sink);
    if (resolved) faults.push(resolved);
  });
  return faults.sort((a, b) => a.startMs - b.startMs);
}
