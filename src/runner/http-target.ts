// `type: http` targets: the team's own AI feature endpoint. Builds the request body from the
// template, tells the attempt which SSE events are content tokens, and reads the per-request
// facts (tokens, cost, cache hit, agent steps, degradation level, queue depth, provider
// latency from Server-Timing) with the target's extraction rules.
import { parseExtractRule, type ParsedExtractRule } from '../core/extract-rule';
import { evaluateJsonPointer, parseJsonPointer } from '../core/json-pointer';
import type { PlanExtract, PlanHttpTarget } from '../core/plan-failure-modes';
import type { ResponseReader } from './attempt';
import { headerValue, type ResponseHeaders } from './degradation';

export type BodyValues = Record<string, string | number | boolean>;

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;
/** A JSON string that is nothing but one placeholder, e.g. "{{maxTokens}}". */
const WHOLE_STRING = /"\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}"/g;

/**
 * The request body. With `json` encoding the template is JSON text: a string that is exactly
 * one placeholder becomes the value itself (so "{{maxTokens}}" sends a number and "{{stream}}"
 * a boolean), and placeholders inside longer strings are inserted JSON-escaped. With `text`
 * encoding values go in as they are. Unknown placeholders are left as written.
 */
export function buildHttpBody(template: string, encoding: 'json' | 'text', values: BodyValues): string {
  if (encoding === 'text') return template.replace(PLACEHOLDER, (whole, name: string) => (name in values ? String(values[name]) : whole));
  return template
    .replace(WHOLE_STRING, (whole, name: string) => (name in values ? JSON.stringify(values[name]) : whole))
    .replace(PLACEHOLDER, (whole, name: string) => (name in values ? JSON.stringify(String(values[name])).slice(1, -1) : whole));
}

/** SSE reading: `doneData` ends the stream; an event is a token when its content (the whole
 * data, or the string at `contentPointer`) is not empty. */
export function httpResponseReader(target: PlanHttpTarget): ResponseReader {
  const pointer = target.contentPointer !== undefined ? parseJsonPointer(target.contentPointer) : null;
  const tokens = pointer && pointer.ok ? pointer.tokens : null;
  return {
    jsonBody: target.response === 'json',
    sseEvent(data: string) {
      if (data === target.doneData) return 'done';
      if (tokens === null) return data.length > 0 ? 'token' : 'none';
      let value: unknown;
      try {
        value = evaluateJsonPointer(JSON.parse(data), tokens);
      } catch {
        return 'none';
      }
      return typeof value === 'string' ? (value.length > 0 ? 'token' : 'none') : value !== undefined && value !== null ? 'token' : 'none';
    },
  };
}

export interface HttpFacts {
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  cacheHit: boolean | null;
  agentSteps: number | null;
  /** Raw degradation value (a number or a level name), mapped by the caller. */
  degradationLevel: string | null;
  queueDepth: number | null;
  providerLatencyMs: number | null;
  /** The gateway upstream that served the answer (mapped by `extract.upstream`). */
  upstream: string | null;
}

export type HttpExtractField = Exclude<keyof PlanExtract, 'upstream'>;

/** Parsed once per provider: an http target's rules, or `extract` on any other provider. */
export class HttpExtractor {
  private readonly rules: Array<[HttpExtractField, ParsedExtractRule]> = [];
  private readonly upstreamRule: ParsedExtractRule | null = null;
  private readonly needsJson: boolean;

  constructor(
    private readonly extract: PlanExtract,
    private readonly serverTimingEntry?: string,
  ) {
    for (const [field, text] of Object.entries(extract) as Array<[keyof PlanExtract, unknown]>) {
      if (field === 'upstream' || typeof text !== 'string') continue;
      const parsed = parseExtractRule(text);
      if (parsed.ok) this.rules.push([field, parsed.rule]);
    }
    if (extract.upstream) {
      const parsed = parseExtractRule(extract.upstream.from);
      if (parsed.ok) this.upstreamRule = parsed.rule;
    }
    this.needsJson = this.rules.some(([, r]) => r.source === 'json') || this.upstreamRule?.source === 'json';
  }

  /** Whether the response body must be kept to read the rules. */
  get wantsBody(): boolean {
    return this.needsJson;
  }

  /** `body` is the JSON body, or the last SSE event's data for streamed answers. */
  read(headers: ResponseHeaders | null, body: string | null): HttpFacts {
    let doc: unknown;
    let parsed = false;
    const raw = (rule: ParsedExtractRule): unknown => {
      if (rule.source === 'header') return headerValue(headers, rule.name);
      if (!parsed) {
        parsed = true;
        try {
          doc = body === null || body === '' ? undefined : JSON.parse(body);
        } catch {
          doc = undefined;
        }
      }
      return doc === undefined ? undefined : evaluateJsonPointer(doc, rule.tokens);
    };
    const facts: HttpFacts = { inputTokens: null, outputTokens: null, costUsd: null, cacheHit: null, agentSteps: null, degradationLevel: null, queueDepth: null, providerLatencyMs: null, upstream: null };
    for (const [field, rule] of this.rules) {
      const v = raw(rule);
      if (v === undefined || v === null) continue;
      switch (field) {
        case 'cacheHit':
          facts.cacheHit = truthy(v);
          break;
        case 'degradationLevel':
          facts.degradationLevel = String(v);
          break;
        default: {
          const n = typeof v === 'number' ? v : Number(String(v).trim());
          if (Number.isFinite(n)) facts[field] = n;
        }
      }
    }
    if (this.serverTimingEntry !== undefined) facts.providerLatencyMs = serverTimingMs(headerValue(headers, 'server-timing'), this.serverTimingEntry);
    if (this.upstreamRule) {
      const v = raw(this.upstreamRule);
      if (v !== undefined && v !== null && typeof v !== 'object') {
        const text = String(v).trim();
        const map = this.extract.upstream?.map;
        facts.upstream = map ? map[text] ?? null : text;
      }
    }
    return facts;
  }
}

/** `hit`, `true`, `1`, `yes` (any case) and true / non-zero numbers are hits. */
function truthy(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  return /^(hit|true|1|yes)\b/i.test(String(v).trim());
}

/** The `dur` of the named entry of a Server-Timing header, e.g. `provider;dur=812.5`. */
export function serverTimingMs(header: string | undefined, entry: string): number | null {
  if (header === undefined) return null;
  for (const part of header.split(',')) {
    const [name, ...params] = part.split(';').map((s) => s.trim());
    if (name.toLowerCase() !== entry.toLowerCase()) continue;
    for (const p of params) {
      const m = /^dur\s*=\s*"?([0-9.]+)"?$/i.exec(p);
      if (m) return Number(m[1]);
    }
  }
  return null;
}
