// `expect` on a mix entry: the checks every answer must pass. A regular expression or a JSON
// Schema that the runner could not use is reported here, at its field, rather than at run time.
// The schema is checked against the draft-07 meta-schema by a validator generated at build time
// (scripts/scenario-validator.mjs), so the editor never loads ajv's compiler; the runner compiles
// the schema again before the run starts, and refuses the run if anything this check missed fails.
import validateJsonSchema from './generated/json-schema-validator';
import type { PlanAnswerCheck } from './plan-gateway';
import type { ProblemSink } from './problem-sink';
import { decodePath } from './schema-problems';
import type { PathSegment } from './yaml-source';
import { asFields, asList, asNumber, asString, has } from './read-value';

function strings(raw: unknown): string[] | undefined {
  if (typeof raw === 'string') return [raw];
  const list = asList(raw).filter((v): v is string => typeof v === 'string' && v !== '');
  return list.length > 0 ? list : undefined;
}

/** A problem of a JSON Schema, at its path inside the schema. */
export interface JsonSchemaProblem {
  at: PathSegment[];
  message: string;
}

function regexProblem(pattern: string): string | null {
  try {
    // ajv compiles patterns with the u flag.
    new RegExp(pattern, 'u');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error);
  }
}

// ajv knows the draft-07 meta-schema by its id; any other schema a $ref names must be inside this one.
const DRAFT_07 = 'http://json-schema.org/draft-07/schema';

function pointsInside(root: unknown, ref: string): boolean {
  if (ref === '#' || ref.replace(/#$/, '') === DRAFT_07) return true;
  if (!ref.startsWith('#/')) return false;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!node || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, key)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}

function ids(node: unknown, found: Set<string>): Set<string> {
  if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$id' && typeof value === 'string') found.add(value.replace(/#$/, ''));
      else ids(value, found);
    }
  }
  return found;
}

/** What ajv would refuse to compile beyond the meta-schema: a pattern (or patternProperties key)
 * that is not a regular expression, a $ref that points nowhere. */
function compileProblems(root: unknown, node: unknown, at: PathSegment[], found: JsonSchemaProblem[], knownIds: Set<string>): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => compileProblems(root, item, [...at, i], found, knownIds));
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string' && !pointsInside(root, value) && !knownIds.has(value.replace(/#$/, ''))) {
      found.push({ at: [...at, key], message: `$ref ${value} points nowhere: write a path inside this schema, such as #/definitions/NAME` });
    } else if (key === 'pattern' && typeof value === 'string') {
      const problem = regexProblem(value);
      if (problem) found.push({ at: [...at, key], message: `pattern is not a valid regular expression: ${problem}` });
    } else if (key === 'patternProperties' && value && typeof value === 'object' && !Array.isArray(value)) {
      for (const name of Object.keys(value)) {
        const problem = regexProblem(name);
        if (problem) found.push({ at: [...at, key, name], message: `patternProperties key is not a valid regular expression: ${problem}` });
      }
    }
    // Values of const, enum, default and examples are data, not schemas.
    if (key !== 'const' && key !== 'enum' && key !== 'default' && key !== 'examples') compileProblems(root, value, [...at, key], found, knownIds);
  }
}

/** Why the runner could not compile this JSON Schema, or null when it can: the first
 * meta-schema error, else the first pattern or $ref ajv would refuse. */
export function jsonSchemaProblem(schema: Record<string, unknown>): JsonSchemaProblem | null {
  if (!validateJsonSchema(schema)) {
    const error = validateJsonSchema.errors?.[0];
    if (error) {
      const where = error.instancePath === '' ? 'the schema' : error.instancePath.slice(1).replace(/\//g, '.');
      const allowed = error.keyword === 'enum' && Array.isArray(error.params.allowedValues) ? ` (${error.params.allowedValues.join(', ')})` : '';
      return { at: decodePath(error.instancePath, schema), message: `${where} ${error.message ?? 'is not valid'}${allowed}` };
    }
  }
  const found: JsonSchemaProblem[] = [];
  compileProblems(schema, schema, [], found, ids(schema, new Set()));
  return found[0] ?? null;
}

/** `providerType`: the type of the entry's provider, for the checks only OpenAI answers allow. */
export function resolveExpect(raw: unknown, path: PathSegment[], sink: ProblemSink, providerType: string | undefined): PlanAnswerCheck | undefined {
  const expect = asFields(raw);
  if (!expect) return undefined;
  const check: PlanAnswerCheck = {};
  const models = strings(expect.models);
  if (models) check.models = models;
  const contains = strings(expect.contains);
  if (contains) check.contains = contains;
  const matches = asString(expect.matches);
  if (matches !== undefined) {
    try {
      new RegExp(matches);
      check.matches = matches;
    } catch (error) {
      sink.errorInString('bad-regex', `not a valid regular expression: ${error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error)}`, [...path, 'matches'], matches, 0, matches.length);
    }
  }
  const schema = asFields(expect.jsonSchema);
  if (schema) {
    const problem = jsonSchemaProblem(schema);
    if (problem === null) check.jsonSchema = schema;
    else sink.error('bad-json-schema', `not a valid JSON Schema (draft-07): ${problem.message}`, [...path, 'jsonSchema', ...problem.at]);
  }
  const min = asNumber(expect.minOutputTokens);
  const max = asNumber(expect.maxOutputTokens);
  if (min !== undefined) check.minOutputTokens = min;
  if (max !== undefined) check.maxOutputTokens = max;
  if (min !== undefined && max !== undefined && max < min) sink.error('out-of-range', `maxOutputTokens (${max}) is below minOutputTokens (${min})`, [...path, 'maxOutputTokens']);
  const finish = strings(expect.finishReason);
  if (finish) check.finishReasons = finish;
  if (providerType === 'http') {
    for (const field of ['models', 'finishReason'] as const) {
      if (has(expect, field)) sink.error('wrong-provider-type', `'${field}' is read from an OpenAI-format answer: it applies to entries sent to openai or mock providers, not to an http target`, [...path, field], 'key');
    }
  }
  if (Object.keys(check).length === 0 && Object.keys(expect).length === 0) {
    sink.warning('no-effect', `expect has no checks: add e.g. models, contains or jsonSchema`, path, 'key');
  }
  return Object.keys(check).length > 0 ? check : undefined;
}
