// Keeps secrets out of everything Stampede writes: the plan copied into results files and
// reports, and (through a scrubber) every log line, message and file body. Pure.
import type { PlanProvider, ResolvedPlan } from '../core/plan';

export const REDACTED = '[redacted]';

const REFERENCE = /\$\{(secret|env):([^}]+)\}/g;
/** Words of a header (or JSON field) name that mark it as a credential. A name is split into words
 * at '-', '_', '.' and camelCase, so `x-api-key`, `access_token` and `apiKey` are credentials while
 * a gateway's configuration header such as `x-portkey-config` is not (its credential fields are
 * redacted inside it instead, see redactHeaderValue). */
const SENSITIVE_WORDS = new Set(['authorization', 'auth', 'cookie', 'key', 'apikey', 'token', 'secret', 'password', 'passwd', 'credential', 'credentials', 'signature', 'session', 'bearer']);
const AUTH_SCHEME_ONLY = /^\s*(bearer|basic|token|apikey)?\s*$/i;

function nameWords(name: string): string[] {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
}

export function isSensitiveHeader(name: string): boolean {
  return nameWords(name).some((w) => SENSITIVE_WORDS.has(w));
}

/** A header value with its credentials hidden: the whole value for a credential header; inside a
 * JSON value (a gateway's configuration), every field whose name is a credential, at any depth. */
export function redactHeaderValue(name: string, value: string): string {
  if (isSensitiveHeader(name)) return redactSensitiveValue(value);
  const trimmed = value.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return value;
  }
  let changed = false;
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) {
        if (typeof v === 'string' && isSensitiveHeader(k)) {
          const hidden = redactSensitiveValue(v);
          if (hidden !== v) changed = true;
          out[k] = hidden;
        } else out[k] = walk(v);
      }
      return out;
    }
    return node;
  };
  const hidden = walk(parsed);
  return changed ? JSON.stringify(hidden) : value;
}

/** Keeps `${secret:NAME}` / `${env:NAME}` reference text (it holds no secret) and an auth scheme
 * word; anything else in a sensitive value is a literal credential and is replaced. */
export function redactSensitiveValue(value: string): string {
  const literal = value.replace(REFERENCE, '');
  return AUTH_SCHEME_ONLY.test(literal) ? value : REDACTED;
}

function redactHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name] = redactHeaderValue(name, value);
  return out;
}

/** Credentials passed in a query string (`?api_key=…`) are redacted like headers. */
export function redactUrl(url: string): string {
  return url.replace(/([?&])([^=&#]+)=([^&#]*)/g, (whole, sep: string, name: string, value: string) =>
    isSensitiveHeader(name) ? `${sep}${name}=${redactSensitiveValue(value)}` : whole,
  );
}

function redactProvider(provider: PlanProvider): PlanProvider {
  const headers = redactHeaders(provider.headers);
  if (provider.type === 'openai') {
    return { ...provider, headers, baseUrl: redactUrl(provider.baseUrl), ...(provider.apiKey !== undefined ? { apiKey: redactSensitiveValue(provider.apiKey) } : {}) };
  }
  if (provider.type === 'http') {
    return { ...provider, headers, target: { ...provider.target, url: redactUrl(provider.target.url), headers: redactHeaders(provider.target.headers) } };
  }
  return { ...provider, headers };
}

/** A copy of the plan that is safe to write: credentials redacted, references kept as text. */
export function redactPlan(plan: ResolvedPlan): ResolvedPlan {
  const copy = JSON.parse(JSON.stringify(plan)) as ResolvedPlan;
  copy.providers = copy.providers.map(redactProvider);
  return copy;
}

function referencesIn(value: string): Array<{ kind: 'secret' | 'env'; name: string }> {
  return [...value.matchAll(REFERENCE)].map((m) => ({ kind: m[1] as 'secret' | 'env', name: m[2] }));
}

/** Values that must never be written: every resolved `${secret:…}` anywhere in the plan, every
 * `${env:…}` used in a credential position, and literal credentials. `lookup` gives the value a
 * reference resolves to at run time. */
export function collectSecretValues(
  plan: ResolvedPlan,
  lookup: (kind: 'secret' | 'env', name: string) => string | undefined,
): string[] {
  const values = new Set<string>();
  const credential = (value: string | undefined): void => {
    if (value === undefined) return;
    for (const ref of referencesIn(value)) {
      const resolved = lookup(ref.kind, ref.name);
      if (resolved) values.add(resolved);
    }
    const literal = value.replace(REFERENCE, '').replace(/^\s*(bearer|basic|token|apikey)\s+/i, '').trim();
    if (literal && !AUTH_SCHEME_ONLY.test(literal)) values.add(literal);
  };
  const headerCredentials = (headers: Record<string, string> | undefined) => {
    for (const [name, value] of Object.entries(headers ?? {})) {
      if (isSensitiveHeader(name)) credential(value);
      else jsonCredentials(value);
    }
  };
  // A gateway's configuration header: its credential fields' literal values are never written either.
  const jsonCredentials = (value: string) => {
    const trimmed = value.trim();
    if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      return;
    }
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) (typeof v === 'string' && isSensitiveHeader(k) ? credential(v) : walk(v));
    };
    walk(parsed);
  };
  const queryCredentials = (url: string) => {
    for (const m of url.matchAll(/[?&]([^=&#]+)=([^&#]*)/g)) if (isSensitiveHeader(m[1])) credential(m[2]);
  };
  for (const provider of plan.providers) {
    if (provider.type === 'openai') {
      credential(provider.apiKey);
      queryCredentials(provider.baseUrl);
    }
    if (provider.type === 'http') {
      headerCredentials(provider.target.headers);
      queryCredentials(provider.target.url);
    }
    headerCredentials(provider.headers);
  }
  const walk = (node: unknown): void => {
    if (typeof node === 'string') {
      for (const ref of referencesIn(node)) {
        if (ref.kind !== 'secret') continue;
        const resolved = lookup('secret', ref.name);
        if (resolved) values.add(resolved);
      }
    } else if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') Object.values(node).forEach(walk);
  };
  walk(plan);
  return [...values];
}

/** Shorter values are not scrubbed: replacing "1" everywhere would wreck a report, and a
 * credential that short is not a credential worth hiding. */
const MIN_SCRUB_LENGTH = 4;

/** Returns a function that replaces every occurrence of the given values (also in their
 * JSON-escaped form) with `[redacted]`. */
export function createScrubber(values: readonly string[]): (text: string) => string {
  const needles = new Set<string>();
  for (const v of values) {
    if (v.length < MIN_SCRUB_LENGTH) continue;
    needles.add(v);
    needles.add(JSON.stringify(v).slice(1, -1));
    needles.add(encodeURIComponent(v));
  }
  const sorted = [...needles].sort((a, b) => b.length - a.length);
  if (sorted.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const needle of sorted) if (out.includes(needle)) out = out.split(needle).join(REDACTED);
    return out;
  };
}
