// The fault file of `stampede proxy`: a YAML list of fault windows with the same fields as a
// mock provider's `faults` in a scenario. Every mistake is reported as FILE:line:col with the
// field path, so a typo never turns into a silently fault-free run.
import type { PlanFault } from '../core/plan-failure-modes';
import { formatPath } from '../core/problem';
import { parseDuration, parseFraction } from '../core/units';
import { formatLimitDuration, LIMITS } from '../core/limits';
import { parseScenarioSource, type PathSegment } from '../core/yaml-source';

export type FaultFileResult = { ok: true; faults: PlanFault[] } | { ok: false; errors: string[] };

const KINDS = ['outage', 'error-rate', 'latency', 'rate-limit', 'slow-stream'] as const;
type Kind = (typeof KINDS)[number];

const COMMON_FIELDS = ['kind', 'at', 'for'];
const KIND_FIELDS: Record<Kind, string[]> = {
  outage: ['mode', 'status'],
  'error-rate': ['rate', 'status'],
  latency: ['add'],
  'rate-limit': ['rpm', 'tpm'],
  'slow-stream': ['tokensPerSecond'],
};

export const FAULT_FILE_EXAMPLE = `faults:
  - { kind: outage, at: 10s, for: 20s }              # 503 answers (mode: refuse drops connections)
  - { kind: error-rate, at: 40s, for: 20s, rate: 20%, status: 500 }
  - { kind: latency, at: 1m, for: 30s, add: 2s }
  - { kind: rate-limit, at: 90s, for: 30s, rpm: 30 }
  - { kind: slow-stream, at: 2m, for: 30s, tokensPerSecond: 5 }`;

/** Parses and validates a fault file; `fileName` prefixes every error. */
export function parseFaultFile(text: string, fileName: string): FaultFileResult {
  const source = parseScenarioSource(text);
  const errors: string[] = [];
  const at = (path: PathSegment[], message: string, key = false): void => {
    const range = key ? source.locator.keyRange(path) : source.locator.valueRange(path);
    const where = path.length > 0 ? `${formatPath(path)}: ` : '';
    errors.push(`${fileName}:${range.line}:${range.column}: ${where}${message}`);
  };
  for (const problem of source.problems) {
    if (problem.severity === 'error') errors.push(`${fileName}:${problem.range.line}:${problem.range.column}: ${problem.message}`);
  }
  if (errors.length > 0) return { ok: false, errors };
  if (source.empty) return { ok: false, errors: [`${fileName}:1:1: the file is empty; write e.g. "faults: [ { kind: outage, at: 10s, for: 20s } ]"`] };
  const root = source.value;
  if (!isRecord(root)) {
    at([], "expected a map with a 'faults' list");
    return { ok: false, errors };
  }
  for (const key of Object.keys(root)) {
    if (key !== 'faults') at([key], `unknown field '${key}'; the file holds only 'faults'`, true);
  }
  const list = root.faults;
  if (!Array.isArray(list)) {
    at(list === undefined ? [] : ['faults'], "'faults' must be a list of fault windows");
    return { ok: false, errors };
  }
  const faults: PlanFault[] = [];
  list.forEach((item, index) => {
    const fault = readFault(item, ['faults', index], at);
    if (fault !== null) faults.push(fault);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, faults };
}

type Report = (path: PathSegment[], message: string, key?: boolean) => void;

function readFault(item: unknown, path: PathSegment[], at: Report): PlanFault | null {
  if (!isRecord(item)) {
    at(path, 'expected a map such as { kind: outage, at: 10s, for: 20s }');
    return null;
  }
  const kind = item.kind;
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) {
    at(kind === undefined ? path : [...path, 'kind'], kind === undefined ? `'kind' is required: one of ${KINDS.join(', ')}` : `unknown kind ${JSON.stringify(kind)}: expected one of ${KINDS.join(', ')}`);
    return null;
  }
  const k = kind as Kind;
  let valid = true;
  const fail = (field: string, message: string, key = false): void => {
    valid = false;
    at([...path, field], message, key);
  };
  const allowed = [...COMMON_FIELDS, ...KIND_FIELDS[k]];
  for (const field of Object.keys(item)) {
    if (!allowed.includes(field)) fail(field, `'${field}' does not apply to kind ${k}; its fields are ${allowed.join(', ')}`, true);
  }
  // As in a scenario: windows on the proxy's clock up to a year, waits it adds up to a day.
  const duration = (field: string, required: boolean, maxMs = LIMITS.shapeDurationMs): number | undefined => {
    const raw = item[field];
    if (raw === undefined) {
      if (required) {
        valid = false;
        at(path, `'${field}' is required (a duration such as 10s)`);
      }
      return undefined;
    }
    const parsed = parseDuration(String(raw));
    if (!parsed.ok) {
      fail(field, parsed.message);
      return undefined;
    }
    if (parsed.value > maxMs) {
      fail(field, `${String(raw)} is longer than ${formatLimitDuration(maxMs)}, the most the proxy can time`);
      return undefined;
    }
    return parsed.value;
  };
  const startMs = duration('at', true);
  const lengthMs = duration('for', true);
  if (lengthMs === 0) fail('for', 'the window must last longer than 0s');
  const status = (fallback: number): number => {
    const raw = item.status;
    if (raw === undefined) return fallback;
    if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 400 || raw > 599) {
      fail('status', `expected an HTTP error status from 400 to 599, got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return raw;
  };
  const positive = (field: string, required: boolean): number | undefined => {
    const raw = item[field];
    if (raw === undefined) {
      if (required) {
        valid = false;
        at(path, `'${field}' is required for kind ${k}`);
      }
      return undefined;
    }
    if (typeof raw !== 'number' || !Number.isFinite(raw) || raw <= 0) {
      fail(field, `expected a number above 0, got ${JSON.stringify(raw)}`);
      return undefined;
    }
    return raw;
  };

  let fault: PlanFault | null = null;
  const window = { startMs: startMs ?? 0, endMs: (startMs ?? 0) + (lengthMs ?? 0) };
  switch (k) {
    case 'outage': {
      const mode = item.mode ?? 'status';
      if (mode !== 'status' && mode !== 'refuse') fail('mode', `expected status or refuse, got ${JSON.stringify(mode)}`);
      fault = { kind: 'outage', ...window, mode: mode === 'refuse' ? 'refuse' : 'status', status: status(503) };
      break;
    }
    case 'error-rate': {
      let rate = 0;
      if (item.rate === undefined) {
        valid = false;
        at(path, "'rate' is required for kind error-rate (e.g. 20% or 0.2)");
      } else {
        const parsed = typeof item.rate === 'string' || typeof item.rate === 'number' ? parseFraction(item.rate) : { ok: false as const, message: 'expected e.g. 20% or 0.2' };
        if (parsed.ok) rate = parsed.value;
        else fail('rate', parsed.message);
      }
      fault = { kind: 'error-rate', ...window, rate, status: status(500) };
      break;
    }
    case 'latency':
      fault = { kind: 'latency', ...window, addMs: duration('add', true, LIMITS.durationMs) ?? 0 };
      break;
    case 'rate-limit': {
      const rpm = positive('rpm', false);
      const tpm = positive('tpm', false);
      if (item.rpm === undefined && item.tpm === undefined) {
        valid = false;
        at(path, "kind rate-limit needs 'rpm', 'tpm' or both");
      }
      fault = { kind: 'rate-limit', ...window, ...(rpm !== undefined ? { rpm } : {}), ...(tpm !== undefined ? { tpm } : {}) };
      break;
    }
    case 'slow-stream':
      {
        // Slower than one token in 1,000 s would space tokens further apart than a timer can wait.
        const rate = positive('tokensPerSecond', true);
        if (rate !== undefined && rate < 0.001) fail('tokensPerSecond', `expected at least 0.001, got ${rate}`);
        fault = { kind: 'slow-stream', ...window, tokensPerSecond: rate ?? 1 };
      }
      break;
  }
  return valid ? fault : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** One line per window for the proxy's start-up banner. */
export function describeFault(fault: PlanFault): string {
  const window = `${seconds(fault.startMs)}..${seconds(fault.endMs)}`;
  switch (fault.kind) {
    case 'outage':
      return `${window} outage (${fault.mode === 'refuse' ? 'connections refused' : `${fault.status} answers`})`;
    case 'error-rate':
      return `${window} error rate ${Math.round(fault.rate * 1000) / 10}% answered ${fault.status}`;
    case 'latency':
      return `${window} +${fault.addMs} ms before the first byte`;
    case 'rate-limit':
      return `${window} rate limit ${[fault.rpm !== undefined ? `${fault.rpm} RPM` : '', fault.tpm !== undefined ? `${fault.tpm} TPM` : ''].filter(Boolean).join(', ')}`;
    case 'slow-stream':
      return `${window} streams capped at ${fault.tokensPerSecond} events/s`;
  }
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}
