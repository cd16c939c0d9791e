// Answer checks (issue 12): whether an answer that arrived is acceptable — the model it came
// from, text it must contain or match, a JSON Schema for structured answers, its length in
// output tokens and its finish reason. A failed check makes the request's outcome `unacceptable`.
import Ajv, { type ValidateFunction } from 'ajv';
import { RE2JS } from 're2js';
import type { PlanAnswerCheck } from '../core/plan-gateway';

/** What a check reads of an answer. */
export interface AnswerFacts {
  /** The answer's text: an OpenAI message's content, or an http target's body. */
  text: string;
  model: string | null;
  finishReason: string | null;
  outputTokens: number;
}

const ajv = new Ajv({ allErrors: false, strict: false });
const compiled = new WeakMap<PlanAnswerCheck, { schema: ValidateFunction | null; pattern: ((text: string) => boolean) | null }>();

/** The answer comes from the server under test: a pattern such as (a+)+$ must not let a crafted
 * answer stall the run, so a pattern RE2 understands (nearly all) is matched by re2js in linear
 * time; only one that needs JavaScript's lookarounds or back-references is run by RegExp. */
function answerPattern(source: string): (text: string) => boolean {
  try {
    const re = RE2JS.compile(source);
    return (text) => re.matcher(text).find();
  } catch {
    const re = new RegExp(source);
    return (text) => re.test(text);
  }
}

function prepared(check: PlanAnswerCheck): { schema: ValidateFunction | null; pattern: ((text: string) => boolean) | null } {
  let p = compiled.get(check);
  if (!p) {
    p = { schema: check.jsonSchema ? ajv.compile(check.jsonSchema) : null, pattern: check.matches !== undefined ? answerPattern(check.matches) : null };
    compiled.set(check, p);
  }
  return p;
}

/** Compiles the checks' schemas and patterns before the run, so a bad one fails the start, not a request. */
export function prepareChecks(checks: ReadonlyArray<PlanAnswerCheck | undefined>): void {
  for (const c of checks) if (c) prepared(c);
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** Why the answer is not acceptable, or null when it passes every check. */
export function failedCheck(check: PlanAnswerCheck, facts: AnswerFacts): string | null {
  if (check.models && !(facts.model !== null && check.models.includes(facts.model))) {
    return `model ${facts.model === null ? '(not named)' : JSON.stringify(facts.model)} is not one of ${check.models.join(', ')}`;
  }
  if (check.finishReasons && !(facts.finishReason !== null && check.finishReasons.includes(facts.finishReason))) {
    return `finish reason ${facts.finishReason ?? '(none)'} is not ${check.finishReasons.join(' or ')}`;
  }
  if (check.minOutputTokens !== undefined && facts.outputTokens < check.minOutputTokens) return `${facts.outputTokens} output tokens, fewer than ${check.minOutputTokens}`;
  if (check.maxOutputTokens !== undefined && facts.outputTokens > check.maxOutputTokens) return `${facts.outputTokens} output tokens, more than ${check.maxOutputTokens}`;
  for (const needle of check.contains ?? []) if (!facts.text.includes(needle)) return `the answer does not contain ${JSON.stringify(needle)}`;
  const p = prepared(check);
  if (p.pattern && !p.pattern(facts.text)) return `the answer does not match /${check.matches}/: ${JSON.stringify(clip(facts.text))}`;
  if (p.schema) {
    let value: unknown;
    try {
      value = JSON.parse(facts.text);
    } catch {
      return `the answer is not JSON: ${JSON.stringify(clip(facts.text))}`;
    }
    if (!p.schema(value)) {
      const e = p.schema.errors?.[0];
      return `the answer does not match the JSON Schema: ${e ? `${e.instancePath || '/'} ${e.message ?? ''}`.trim() : 'invalid'}`;
    }
  }
  return null;
}

/** Text, model and finish reason of an OpenAI chat answer: the JSON body, or the stream's events. */
export function chatAnswerFacts(bodyText: string, events: readonly string[] | null, outputTokens: number): AnswerFacts {
  let text = '';
  let model: string | null = null;
  let finishReason: string | null = null;
  if (events && events.length > 0) {
    for (const data of events) {
      let chunk: { model?: unknown; choices?: Array<{ delta?: { content?: unknown }; finish_reason?: unknown }> };
      try {
        chunk = JSON.parse(data) as typeof chunk;
      } catch {
        continue;
      }
      if (model === null && typeof chunk.model === 'string') model = chunk.model;
      const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
      if (typeof choice?.delta?.content === 'string') text += choice.delta.content;
      if (typeof choice?.finish_reason === 'string') finishReason = choice.finish_reason;
    }
    return { text, model, finishReason, outputTokens };
  }
  try {
    const body = JSON.parse(bodyText) as { model?: unknown; choices?: Array<{ message?: { content?: unknown }; finish_reason?: unknown }> };
    if (typeof body.model === 'string') model = body.model;
    const choice = Array.isArray(body.choices) ? body.choices[0] : undefined;
    if (typeof choice?.message?.content === 'string') text = choice.message.content;
    if (typeof choice?.finish_reason === 'string') finishReason = choice.finish_reason;
  } catch {
    text = bodyText;
  }
  return { text, model, finishReason, outputTokens };
}
