// Turns ajv's errors into problems a person can act on: one per location, at the key for an
// unknown field, at the value for a bad value, at the parent's key for a missing field.
import type { ErrorObject } from 'ajv';
import type { SchemaNode } from './scenario-schema';
import { formatPath, type Problem } from './problem';
import type { PathSegment, SourceLocator } from './yaml-source';
import { suggestionSuffix } from './did-you-mean';
import { parseDuration, parseFraction, parseRange, parseRate, parseUsd, parseUsers, type Parsed } from './units';
import { parseExtractRule } from './extract-rule';
import { formatLimitDuration } from './limits';

interface UnitDefinition {
  code: string;
  parse?: (value: string | number) => Parsed<unknown>;
}

// Definitions whose values are strings in a unit: their errors get the unit parser's message.
const UNIT_DEFINITIONS: Record<string, UnitDefinition> = {
  duration: { code: 'bad-duration', parse: (v) => parseDuration(String(v)) },
  shapeDuration: { code: 'bad-duration', parse: (v) => parseDuration(String(v)) },
  durationRange: { code: 'bad-range', parse: (v) => parseRange(String(v)) },
  rate: { code: 'bad-rate', parse: (v) => parseRate(v) },
  level: { code: 'bad-rate', parse: (v) => parseRate(v) },
  users: { code: 'bad-users', parse: (v) => parseUsers(v) },
  fraction: { code: 'bad-fraction', parse: (v) => parseFraction(v) },
  usd: { code: 'bad-amount', parse: (v) => parseUsd(v) },
  extractRule: {
    code: 'bad-extract',
    parse: (v) => {
      const parsed = parseExtractRule(String(v));
      return parsed.ok ? { ok: true, value: parsed.rule } : { ok: false, message: parsed.message };
    },
  },
};

// When several keywords fail at one place, the first in this list speaks for them.
const KEYWORD_PRIORITY = ['type', 'enum', 'const', 'pattern', 'minimum', 'exclusiveMinimum', 'maximum', 'minLength', 'minItems', 'maxItems', 'uniqueItems'];

/** The keys and indices of an ajv instancePath (JSON Pointer) into `root`. */
export function decodePath(instancePath: string, root: unknown): PathSegment[] {
  if (instancePath === '') return [];
  const segments: PathSegment[] = [];
  let current: unknown = root;
  for (const raw of instancePath.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      const index = Number(key);
      segments.push(index);
      current = current[index];
    } else {
      segments.push(key);
      current = current && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined;
    }
  }
  return segments;
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (ArrayBuffer.isView(value)) return 'binary data';
  if (typeof value === 'object') return 'a map';
  if (value === '(value hidden)') return 'a value (hidden)';
  if (typeof value === 'string') return `'${value.length > 40 ? value.slice(0, 40) + '…' : value}'`;
  return String(value);
}

function typeWords(type: unknown): string {
  const words: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    integer: 'a whole number',
    boolean: 'true or false',
    object: 'a map of fields',
    array: 'a list',
    null: 'nothing',
  };
  const list = Array.isArray(type) ? type : [type];
  return list.map((t) => words[String(t)] ?? String(t)).join(' or ');
}

function definitionOf(error: ErrorObject): string | undefined {
  return /^#\/definitions\/(\w+)\/[A-Za-z-]+$/.exec(error.schemaPath)?.[1];
}

interface Candidate {
  problem: Problem;
  priority: number;
}

function problemFor(original: ErrorObject, root: unknown, locator: SourceLocator): Candidate | undefined {
  let error = original;
  const path = decodePath(error.instancePath, root);
  const parentSchema = (error.parentSchema ?? {}) as SchemaNode;
  const pathText = formatPath(path);
  const at = (code: string, message: string, range = locator.valueRange(path), where = pathText): Candidate => ({
    problem: { severity: 'error', code, message, path: where, range },
    priority: KEYWORD_PRIORITY.indexOf(error.keyword) === -1 ? KEYWORD_PRIORITY.length : KEYWORD_PRIORITY.indexOf(error.keyword),
  });
  const label = pathText === '' ? 'the scenario' : `'${pathText}'`;
  // Never echo what may be a credential, even a mistyped one.
  if (path.some((segment) => segment === 'apiKey' || segment === 'headers')) error = { ...error, data: '(value hidden)' };

  switch (error.keyword) {
    case 'if':
      return undefined;
    case 'additionalProperties': {
      const field = String((error.params as { additionalProperty: string }).additionalProperty);
      const fieldPath = [...path, field];
      const known = Object.keys(parentSchema.properties ?? {});
      const suffix = suggestionSuffix(field, known);
      const message = suffix ? `unknown field '${field}'${suffix}` : `unknown field '${field}' in ${label}: expected one of ${known.join(', ')}`;
      return { ...at('unknown-field', message, locator.keyRange(fieldPath), formatPath(fieldPath)), priority: -1 };
    }
    case 'required': {
      const field = String((error.params as { missingProperty: string }).missingProperty);
      const type = (error.data as { type?: unknown } | null)?.type;
      const conditional = /\/then\/required$/.test(error.schemaPath) && typeof type === 'string' ? ` (required for ${type} providers)` : '';
      return { ...at('missing-field', `missing required field '${field}' in ${label}${conditional}`, locator.keyRange(path), formatPath([...path, field])), priority: -1 };
    }
  }

  const definition = definitionOf(error);
  const unit = definition ? UNIT_DEFINITIONS[definition] : undefined;
  const expected = parentSchema['x-expected'];
  if (unit && ['type', 'pattern', 'minimum', 'maximum'].includes(error.keyword)) {
    const data = error.data;
    if ((typeof data === 'string' || typeof data === 'number') && unit.parse) {
      const parsed = unit.parse(data);
      if (!parsed.ok) return at(unit.code, parsed.message);
      if (error.keyword === 'maximum' || error.keyword === 'minimum') {
        const params = error.params as { comparison: string; limit: number };
        return at('out-of-range', `${label} must be ${params.comparison} ${params.limit}, got ${describeValue(data)}`);
      }
    }
    return at(unit.code, `expected ${expected ?? typeWords(parentSchema.type)}, got ${describeValue(error.data)}`);
  }

  switch (error.keyword) {
    case 'x-maxMs': {
      const limit = parentSchema['x-maxMs'] as number;
      const scaled = definition === 'shapeDuration' ? ' before timeScale' : '';
      return at('out-of-range', `${label} is ${describeValue(error.data)}: at most ${formatLimitDuration(limit)}${scaled} (longer waits cannot be timed in one run)`);
    }
    case 'x-maxPerSecond':
      return at('out-of-range', `${label} is ${describeValue(error.data)}: at most ${(parentSchema['x-maxPerSecond'] as number).toLocaleString('en-US')}/s`);
    case 'maxProperties': {
      const limit = (error.params as { limit: number }).limit;
      return at('too-many-items', `${label} takes at most ${limit} entries`);
    }
    case 'type':
      return at('wrong-type', `${label} must be ${expected ?? typeWords((error.params as { type: unknown }).type)}, got ${describeValue(error.data)}`);
    case 'enum': {
      const allowed = ((error.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
      const unique = [...new Set(allowed)];
      const suffix = typeof error.data === 'string' ? suggestionSuffix(error.data, unique) : '';
      return at('bad-enum', `invalid value ${describeValue(error.data)} for ${label}: expected one of ${unique.join(', ')}${suffix}`);
    }
    case 'const':
      return at('bad-value', `${label} must be ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}`);
    case 'pattern':
      return at('bad-value', `invalid value ${describeValue(error.data)} for ${label}: expected ${expected ?? `text matching ${parentSchema.pattern}`}`);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const params = error.params as { comparison: string; limit: number };
      return at('out-of-range', `${label} must be ${params.comparison} ${params.limit}, got ${describeValue(error.data)}`);
    }
    case 'minLength':
      return at('empty-value', `${label} must not be empty`);
    case 'minItems': {
      const limit = (error.params as { limit: number }).limit;
      return at('too-few-items', `${label} needs at least ${limit} item${limit === 1 ? '' : 's'}`);
    }
    case 'maxItems': {
      const limit = (error.params as { limit: number }).limit;
      return at('too-many-items', `${label} takes at most ${limit} item${limit === 1 ? '' : 's'}`);
    }
    case 'uniqueItems': {
      const { j } = error.params as { i: number; j: number };
      return at('duplicate-item', `${label} lists the same value twice`, locator.valueRange([...path, j]), formatPath([...path, j]));
    }
    default:
      return at('schema', `${label} ${error.message ?? 'is invalid'}`);
  }
}

export function schemaProblems(errors: readonly ErrorObject[], root: unknown, locator: SourceLocator): Problem[] {
  const best = new Map<string, Candidate>();
  for (const error of errors) {
    const candidate = problemFor(error, root, locator);
    if (!candidate) continue;
    const { range, path } = candidate.problem;
    const key = `${path}@${range.line}:${range.column}`;
    const existing = best.get(key);
    if (!existing || candidate.priority < existing.priority) best.set(key, candidate);
  }
  return [...best.values()].map((c) => c.problem);
}
