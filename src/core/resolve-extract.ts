// `extract` on a provider: rules that read per-request facts from each response (header:NAME or
// json:/pointer), for every provider type, and `upstream`, which names the gateway upstream that
// served the answer.
import type { PlanExtract } from './plan-failure-modes';
import type { ProblemSink } from './problem-sink';
import type { PathSegment } from './yaml-source';
import { asFields, asString, has } from './read-value';
import { parseExtractRule } from './extract-rule';
import { suggestionSuffix } from './did-you-mean';

const EXTRACT_FIELDS = ['inputTokens', 'outputTokens', 'costUsd', 'cacheHit', 'agentSteps', 'degradationLevel', 'queueDepth'] as const;

function checkRule(rule: string, path: PathSegment[], sink: ProblemSink): boolean {
  const parsed = parseExtractRule(rule);
  if (!parsed.ok) sink.errorInString(/^json:/.test(rule) ? 'bad-pointer' : 'bad-extract', parsed.message, path, rule, parsed.start, parsed.end);
  return parsed.ok;
}

/** `upstreams`: the names in `gateway.upstreams` (null without a gateway section). */
export function resolveExtract(raw: unknown, path: PathSegment[], sink: ProblemSink, upstreams: readonly string[] | null): PlanExtract {
  const extract = asFields(raw);
  const out: PlanExtract = {};
  if (!extract) return out;
  for (const field of EXTRACT_FIELDS) {
    const rule = asString(extract[field]);
    if (rule !== undefined && checkRule(rule, [...path, field], sink)) out[field] = rule;
  }
  if (!has(extract, 'upstream')) return out;
  const upstreamPath = [...path, 'upstream'];
  if (upstreams === null) {
    sink.warning('no-effect', `extract.upstream names a gateway upstream, and there is no 'gateway' section: declare gateway.upstreams`, upstreamPath, 'key');
  }
  const known = upstreams ?? [];
  const checkName = (name: string, at: PathSegment[]): void => {
    if (upstreams !== null && !known.includes(name)) {
      sink.error('unknown-upstream', `unknown upstream '${name}'${suggestionSuffix(name, known) || ` (gateway.upstreams: ${known.join(', ')})`}`, at);
    }
  };
  const text = asString(extract.upstream);
  if (text !== undefined) {
    if (checkRule(text, upstreamPath, sink)) out.upstream = { from: text };
    return out;
  }
  const rule = asFields(extract.upstream);
  const from = asString(rule?.from);
  if (rule === undefined || from === undefined || !checkRule(from, [...upstreamPath, 'from'], sink)) return out;
  const map: Record<string, string> = {};
  for (const [value, name] of Object.entries(asFields(rule.map) ?? {})) {
    if (typeof name !== 'string') continue;
    map[value] = name;
    checkName(name, [...upstreamPath, 'map', value]);
  }
  out.upstream = has(rule, 'map') ? { from, map } : { from };
  return out;
}
