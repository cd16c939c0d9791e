// `expect` on a mix entry: the checks every answer must pass. A regular expression or a JSON
// Schema that cannot compile is reported here, at its field, rather than at run time.
import Ajv from 'ajv';
import type { PlanAnswerCheck } from './plan-gateway';
import type { ProblemSink } from './problem-sink';
import type { PathSegment } from './yaml-source';
import { asFields, asList, asNumber, asString, has } from './read-value';

function strings(raw: unknown): string[] | undefined {
  if (typeof raw === 'string') return [raw];
  const list = asList(raw).filter((v): v is string => typeof v === 'string' && v !== '');
  return list.length > 0 ? list : undefined;
}

let ajv: Ajv | null = null;

/** Compiles a JSON Schema as the runner will; the error text, or null when it compiles. */
export function jsonSchemaProblem(schema: Record<string, unknown>): string | null {
  ajv ??= new Ajv({ allErrors: false, strict: false });
  try {
    ajv.compile(schema);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    // The editor resolves on every keystroke: keep nothing, and let a schema with an $id compile again.
    ajv.removeSchema(schema);
  }
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
    else sink.error('bad-json-schema', `the JSON Schema does not compile: ${problem}`, [...path, 'jsonSchema'], 'key');
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
