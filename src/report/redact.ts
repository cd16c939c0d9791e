// Keeps secrets out of everything Stampede writes: the plan copied into results files and
// reports, and (through a scrubber) every log line, message and file body. Pure.
import type { PlanProvider, ResolvedPlan } from '../core/plan';
import { replaceEnvSecretReferences, scanEnvSecretReferences } from '../core/interpolation';

export const REDACTED = '[redacted]';

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
  const literal = replaceEnvSecretReferences(value, () => '');
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
  if (provider.type === 'openai' || provider.type === 'anthropic' || provider.type === 'gemini') {
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
  return scanEnvSecretReferences(value).map((r) => ({ kind: r.kind, name: r.name }));
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
    const literal = replaceEnvSecretReferences(value, () => '').replace(/^\s*(bearer|basic|token|apikey)\s+/i, '').trim();
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
  // A URL with any part from a secret is a secret as a whole, and so is each part of it a
  // server may echo back (its path and query in a 404, say).
  const secretUrl = (template: string) => {
    if (!referencesIn(template).some((r) => r.kind === 'secret')) return;
    const resolved = replaceEnvSecretReferences(template, (kind, name, whole) => lookup(kind, name.trim()) ?? whole);
    for (const part of urlSecretParts(resolved)) values.add(part);
  };
  for (const provider of plan.providers) {
    if (provider.type === 'openai' || provider.type === 'anthropic' || provider.type === 'gemini') {
      credential(provider.apiKey);
      queryCredentials(provider.baseUrl);
      secretUrl(provider.baseUrl);
    }
    if (provider.type === 'http') {
      headerCredentials(provider.target.headers);
      queryCredentials(provider.target.url);
      secretUrl(provider.target.url);
    }
    headerCredentials(provider.headers);
  }
  for (const upstream of plan.gateway?.upstreams ?? []) {
    if (upstream.url === undefined) continue;
    queryCredentials(upstream.url);
    secretUrl(upstream.url);
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

/** A resolved URL that came (partly) from a secret, and the parts of it worth hiding on their
 * own: without the scheme, its path and query, its query values, its path segments and host.
 * Parts shorter than 8 characters (`/v1`, `?a=1`) say nothing and are left. */
export function urlSecretParts(url: string): string[] {
  const parts = new Set<string>([url]);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const rest = url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const path = parsed.pathname + parsed.search;
  const keep = (v: string) => {
    if (v.length >= 8) parts.add(v);
  };
  keep(rest);
  keep(path);
  keep(parsed.pathname);
  keep(parsed.search);
  keep(parsed.host);
  for (const segment of parsed.pathname.split('/')) keep(decodeSafe(segment));
  for (const [, value] of parsed.searchParams) if (value.length >= MIN_SCRUB_LENGTH) parts.add(value);
  if (parsed.password) parts.add(decodeSafe(parsed.password));
  if (parsed.username) keep(decodeSafe(parsed.username));
  return [...parts];
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Shorter values are not scrubbed: replacing "1" everywhere would wreck a report, and a
 * credential that short is not a credential worth hiding. */
const MIN_SCRUB_LENGTH = 4;
/** A cut secret is hidden from this many characters on: an error snippet or a truncated line
 * that ends inside a key must not leave its first half readable. */
const MIN_PREFIX = 8;

const HTML_FORMS: Array<Record<string, string>> = [
  { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' },
  { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#x27;' },
];

/** JSON as Go and some other servers write it: <, > and & and every non-ASCII character as \\u escapes. */
function jsonAsciiEscaped(value: string): string {
  return JSON.stringify(value)
    .slice(1, -1)
    .replace(/[<>&\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Every way a secret can reach an output: as it is, JSON-escaped (both ways), HTML-escaped
 * (also after JSON escaping, as a report embeds JSON), URL-encoded (upper and lower case hex,
 * `+` for spaces), and with runs of white space collapsed as error snippets print them. */
export function encodedForms(value: string): string[] {
  const forms = new Set<string>();
  const base = [value, value.replace(/\s+/g, ' '), JSON.stringify(value).slice(1, -1), jsonAsciiEscaped(value)];
  for (const b of base) {
    forms.add(b);
    for (const entities of HTML_FORMS) forms.add(b.replace(/[&<>"']/g, (c) => entities[c]));
  }
  const encoded = encodeURIComponent(value);
  forms.add(encoded);
  forms.add(encoded.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()));
  forms.add(encoded.replace(/%20/g, '+'));
  forms.add(encodeURI(value));
  return [...forms];
}

interface Needle {
  text: string;
  /** Shortest leading part of `text` that is hidden when it appears cut. */
  minPrefix: number;
}

/** Replaces each run of `text` that is `needle.text`, or a prefix of it at least
 * `needle.minPrefix` long, with [redacted]. One forward pass per needle. */
function replaceRuns(text: string, needle: Needle): string {
  const head = needle.text.slice(0, needle.minPrefix);
  let i = text.indexOf(head);
  if (i < 0) return text;
  const whole = needle.text;
  let out = '';
  let last = 0;
  while (i >= 0) {
    let m = head.length;
    while (m < whole.length && i + m < text.length && text.charCodeAt(i + m) === whole.charCodeAt(m)) m++;
    out += text.slice(last, i) + REDACTED;
    last = i + m;
    i = text.indexOf(head, last);
  }
  return out + text.slice(last);
}

/** Returns a function that replaces every occurrence of the given values, in every encoding of
 * encodedForms(), with `[redacted]`; a value cut after at least 8 characters is replaced too.
 * URLs are matched whole only (their first characters, `https://`, are not secret): the parts
 * that matter come as values of their own (urlSecretParts). */
export function createScrubber(values: readonly string[]): (text: string) => string {
  const byText = new Map<string, Needle>();
  for (const v of values) {
    if (v.length < MIN_SCRUB_LENGTH) continue;
    const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(v);
    for (const form of encodedForms(v)) {
      if (form.length < MIN_SCRUB_LENGTH) continue;
      const minPrefix = isUrl ? form.length : Math.min(form.length, MIN_PREFIX);
      const known = byText.get(form);
      if (!known || known.minPrefix > minPrefix) byText.set(form, { text: form, minPrefix });
    }
  }
  const needles = [...byText.values()].sort((a, b) => b.text.length - a.text.length);
  if (needles.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const needle of needles) out = replaceRuns(out, needle);
    return out;
  };
}

/** A copy of `value` with every string in it scrubbed (keys too): for events, before any
 * output (JSON, HTML, Markdown, terminal) is rendered from them. */
export function scrubDeep<T>(value: T, scrub: (text: string) => string): T {
  if (typeof value === 'string') return scrub(value) as unknown as T;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, scrub)) as unknown as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[scrub(k)] = scrubDeep(v, scrub);
    return out as T;
  }
  return value;
}

/** Scrubs serialized JSON and keeps it JSON: when a replacement would cut an escape sequence
 * in two, the document is scrubbed value by value instead. */
export function scrubJson(text: string, scrub: (text: string) => string): string {
  const out = scrub(text);
  if (out === text) return out;
  try {
    JSON.parse(out);
    return out;
  } catch {
    return JSON.stringify(scrubDeep(JSON.parse(text) as unknown, scrub));
  }
}
