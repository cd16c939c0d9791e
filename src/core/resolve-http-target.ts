// An `http` provider: the team's own AI feature endpoint, its body template and the rules
// that read tokens, cost and the rest from its responses.
import type { PlanHttpTarget } from './plan-failure-modes';
import type { ProblemSink } from './problem-sink';
import type { PathSegment } from './yaml-source';
import { asFields, asString, has, type Fields } from './read-value';
import { hasReference } from './interpolation';
import { resolveExtract } from './resolve-extract';
import { parseJsonPointer } from './json-pointer';

export const HTTP_URL = /^https?:\/\/[^\s/$.?#][^\s]*$/i;

export function resolveHttpTarget(provider: Fields, path: PathSegment[], headers: Record<string, string>, sink: ProblemSink, upstreams: readonly string[] | null = null): PlanHttpTarget {
  const url = asString(provider.url);
  if (!has(provider, 'url')) {
    sink.error('missing-field', `missing required field 'url' in 'providers[${path[1]}]' (required for http providers)`, [...path, 'url'], 'key');
  } else if (url !== undefined && !hasReference(url) && !HTTP_URL.test(url)) {
    sink.error('bad-url', `url is not an http(s) URL: write e.g. http://localhost:8080/api/answer or \${env:FEATURE_URL}`, [...path, 'url']);
  }
  const response = provider.response === 'sse' ? 'sse' : 'json';
  const target: PlanHttpTarget = {
    method: asString(provider.method) ?? 'POST',
    url: url ?? '',
    headers: { ...headers },
    response,
    doneData: asString(provider.doneData) ?? '[DONE]',
    extract: {},
  };

  const bodyMap = asFields(provider.body);
  if (typeof provider.body === 'string') {
    target.body = provider.body;
    target.bodyEncoding = 'text';
  } else if (bodyMap) {
    target.body = JSON.stringify(bodyMap);
    target.bodyEncoding = 'json';
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) target.headers['content-type'] = 'application/json';
  }
  if (target.body !== undefined && target.method === 'GET') {
    sink.error('conflict', `a GET request has no body: use method: POST, or remove 'body'`, [...path, 'body'], 'key');
  }

  if (has(provider, 'contentPointer') || has(provider, 'doneData')) {
    if (response !== 'sse') {
      const field = has(provider, 'contentPointer') ? 'contentPointer' : 'doneData';
      sink.error('wrong-response-type', `'${field}' applies to streamed answers only: set response: sse, or remove it`, [...path, field], 'key');
    }
  }
  const contentPointer = asString(provider.contentPointer);
  if (contentPointer !== undefined) {
    const parsed = parseJsonPointer(contentPointer);
    if (parsed.ok) target.contentPointer = contentPointer;
    else sink.errorInString('bad-pointer', parsed.message, [...path, 'contentPointer'], contentPointer, parsed.start, parsed.end);
  }

  target.extract = resolveExtract(provider.extract, [...path, 'extract'], sink, upstreams);
  const serverTiming = asString(provider.serverTiming);
  if (serverTiming !== undefined) target.serverTimingEntry = serverTiming;
  return target;
}
