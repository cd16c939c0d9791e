// `${env:NAME}`, `${secret:NAME}` and `${upstream:NAME}` references: where they may appear, and
// spotting the ones that cannot be right. They are resolved at run time by the runner, never here
// (an upstream's reference is the URL of its fault proxy, known once the proxy listens).
import type { ProblemSink } from './problem-sink';
import type { PathSegment } from './yaml-source';

const VALID = /^(env|secret):([A-Za-z_][A-Za-z0-9_]*)$|^(upstream):([A-Za-z][A-Za-z0-9_-]*)$/;
/** `${upstream:NAME}`: the URL of the named gateway upstream's proxy; group 1 is the name. */
export const UPSTREAM_REFERENCE = /\$\{upstream:([A-Za-z][A-Za-z0-9_-]*)\}/g;

type Allowed = 'env-and-secret' | 'env' | 'none';

function allowedAt(path: readonly PathSegment[]): Allowed {
  if (path[0] === 'monitors' && typeof path[1] === 'number' && path[2] === 'url' && path.length === 3) return 'env';
  if (path[0] === 'gateway' && path[1] === 'upstreams' && typeof path[2] === 'number' && path[3] === 'url' && path.length === 4) return 'env-and-secret';
  if (path[0] !== 'providers' || typeof path[1] !== 'number') return 'none';
  const field = path[2];
  if (((field === 'baseUrl' || field === 'apiKey' || field === 'url') && path.length === 3) || (field === 'headers' && path.length === 4)) return 'env-and-secret';
  if (field === 'model' && path.length === 3) return 'env';
  // An http target's body may carry a credential (a tenant key): every output is scrubbed of it.
  if (field === 'body') return 'env-and-secret';
  return 'none';
}

// Prompt text may legitimately contain `${...}` (code samples); only real references are checked there.
function isFreeText(path: readonly PathSegment[]): boolean {
  const last = path[path.length - 1];
  if (path[0] === 'providers' && path[2] === 'body') return true;
  return last === 'system' || last === 'description' || (last === 'template' && path[path.length - 2] === 'prompt');
}

/** A `${…}` in a text: where it starts and ends (after its `}`) and what it holds. */
export interface ReferenceSpan {
  start: number;
  end: number;
  inner: string;
}

/**
 * Every `${…}` in `text`, left to right, as the pattern /\$\{([^}]*)\}/g finds them, in one
 * pass: each search goes on from where the last one stopped, so a text of many `${` with no
 * `}` costs its length, not its length squared.
 */
export function scanReferences(text: string): ReferenceSpan[] {
  const out: ReferenceSpan[] = [];
  let pos = 0;
  for (;;) {
    const start = text.indexOf('${', pos);
    if (start < 0) return out;
    const close = text.indexOf('}', start + 2);
    if (close < 0) return out;
    out.push({ start, end: close + 1, inner: text.slice(start + 2, close) });
    pos = close + 1;
  }
}

export type ReferenceKind = 'env' | 'secret' | 'upstream';
const ENV_AND_SECRET: readonly ReferenceKind[] = ['env', 'secret'];

/** The `${env:NAME}` and `${secret:NAME}` references of `text` (or of the `kinds` given; names as
 * written, untrimmed), as /\$\{(env|secret):([^}]+)\}/g finds them, in one pass. */
export function scanEnvSecretReferences<K extends ReferenceKind = 'env' | 'secret'>(text: string, kinds: readonly K[] = ENV_AND_SECRET as readonly K[]): Array<ReferenceSpan & { kind: K; name: string }> {
  const out: Array<ReferenceSpan & { kind: K; name: string }> = [];
  let pos = 0;
  for (;;) {
    const start = text.indexOf('${', pos);
    if (start < 0) return out;
    const kind = kinds.find((k) => text.startsWith(k, start + 2) && text.charCodeAt(start + 2 + k.length) === 58);
    if (kind === undefined) {
      pos = start + 2;
      continue;
    }
    const nameStart = start + 3 + kind.length;
    const close = text.indexOf('}', nameStart);
    if (close < 0) return out;
    if (close === nameStart) {
      pos = start + 2;
      continue;
    }
    out.push({ start, end: close + 1, inner: text.slice(start + 2, close), kind, name: text.slice(nameStart, close) });
    pos = close + 1;
  }
}

/** `text` with every `${env:…}` / `${secret:…}` (or `kinds`) reference replaced by `replace(kind, name, whole)`. */
export function replaceEnvSecretReferences<K extends ReferenceKind = 'env' | 'secret'>(text: string, replace: (kind: K, name: string, whole: string) => string, kinds: readonly K[] = ENV_AND_SECRET as readonly K[]): string {
  const refs = scanEnvSecretReferences(text, kinds);
  if (refs.length === 0) return text;
  let out = '';
  let last = 0;
  for (const r of refs) {
    out += text.slice(last, r.start) + replace(r.kind, r.name, text.slice(r.start, r.end));
    last = r.end;
  }
  return out + text.slice(last);
}

export function hasReference(text: string): boolean {
  return /\$\{(env|secret|upstream):/.test(text);
}

export function checkInterpolations(value: unknown, sink: ProblemSink, path: PathSegment[] = []): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => checkInterpolations(item, sink, [...path, index]));
    return;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) checkInterpolations(item, sink, [...path, key]);
    return;
  }
  if (typeof value !== 'string' || !value.includes('${')) return;
  const allowed = allowedAt(path);
  for (const { start, end, inner } of scanReferences(value)) {
    const whole = clip(value.slice(start, end));
    const valid = VALID.exec(inner.trim());
    if (!valid) {
      if (/^\s*(env|secret)\s*:/.test(inner)) {
        sink.errorInString('bad-interpolation', `invalid reference '${whole}': the name must be letters, digits and '_', e.g. \${env:OPENAI_BASE_URL}`, path, value, start, end);
      } else if (/^\s*upstream\s*:/.test(inner)) {
        sink.errorInString('bad-interpolation', `invalid reference '${whole}': write \${upstream:NAME} with the name of a gateway upstream`, path, value, start, end);
      } else if (!isFreeText(path)) {
        sink.errorInString('bad-interpolation', `unknown reference '${whole}': write \${env:NAME}, \${secret:NAME} or \${upstream:NAME}`, path, value, start, end);
      }
      continue;
    }
    if (valid[3] === 'upstream') {
      if (allowed === 'none' || (path[0] === 'monitors' && allowed === 'env')) {
        sink.errorInString('upstream-not-allowed', `\${upstream:…} cannot be used here: it is allowed in a provider's baseUrl, url, headers and body`, path, value, start, end);
      }
      continue;
    }
    if (valid[1] === 'secret' && allowed !== 'env-and-secret') {
      sink.errorInString(
        'secret-not-allowed',
        `secrets cannot be used here: \${secret:…} is allowed only in a provider's baseUrl, url, apiKey, headers and body`,
        path,
        value,
        start,
        end,
      );
    } else if (valid[1] === 'env' && allowed === 'none') {
      sink.errorInString(
        'env-not-allowed',
        `\${env:…} cannot be used here: it is allowed only in a provider's baseUrl, url, apiKey, headers, model and body, and a monitor's url`,
        path,
        value,
        start,
        end,
      );
    }
  }
  if (!isFreeText(path) && /\$\{[^}]*$/.test(value.slice(value.lastIndexOf('${')))) {
    const start = value.lastIndexOf('${');
    sink.errorInString('bad-interpolation', `unterminated reference '${clip(value.slice(start))}': missing '}'`, path, value, start, value.length);
  }
}

/** A reference as a message quotes it: a long one is cut, so one bad value cannot make a
 * megabyte-long problem line. */
function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** A `${env:NAME}` or `${secret:NAME}` in a plan that has no value where the run would read it. */
export interface UnresolvedReference {
  kind: 'env' | 'secret';
  name: string;
  /** The field as the scenario names it, e.g. `providers[0].baseUrl`. */
  field: string;
}

const PLAN_REFERENCE = /\$\{(env|secret):([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Every reference of the plan's providers, monitors and gateway upstreams whose value `lookup`
 * does not have (or has empty): what the run would stop on at its first second, found before it
 * starts. */
export function unresolvedReferences(
  plan: { providers: readonly unknown[]; monitors?: readonly { url: string }[]; gateway?: { upstreams: readonly { url?: string }[] } },
  lookup: (kind: 'env' | 'secret', name: string) => string | undefined,
): UnresolvedReference[] {
  const out: UnresolvedReference[] = [];
  const seen = new Set<string>();
  const visit = (value: unknown, field: string) => {
    if (typeof value === 'string') {
      for (const m of value.matchAll(PLAN_REFERENCE)) {
        const kind = m[1] as 'env' | 'secret';
        const name = m[2]!;
        const v = lookup(kind, name);
        const key = `${kind}:${name}:${field}`;
        if ((v === undefined || v === '') && !seen.has(key)) {
          seen.add(key);
          out.push({ kind, name, field });
        }
      }
    } else if (Array.isArray(value)) value.forEach((item, i) => visit(item, `${field}[${i}]`));
    else if (value && typeof value === 'object') {
      // An http provider's target holds what the scenario writes on the provider itself.
      for (const [key, item] of Object.entries(value)) visit(item, key === 'target' ? field : /^[A-Za-z_]\w*$/.test(key) ? `${field}.${key}` : `${field}[${JSON.stringify(key)}]`);
    }
  };
  plan.providers.forEach((p, i) => visit(p, `providers[${i}]`));
  plan.monitors?.forEach((m, i) => visit(m.url, `monitors[${i}].url`));
  plan.gateway?.upstreams.forEach((u, i) => visit(u.url, `gateway.upstreams[${i}].url`));
  return out;
}

/** Line and column (1-based) of the first `${kind:name}` in a scenario's text, if written there. */
export function referenceLocation(text: string, kind: 'env' | 'secret', name: string): { line: number; column: number } | null {
  const match = new RegExp(`\\$\\{\\s*${kind}\\s*:\\s*${name}\\s*\\}`).exec(text);
  if (!match) return null;
  const before = text.slice(0, match.index);
  const line = before.split('\n').length;
  return { line, column: match.index - before.lastIndexOf('\n') };
}
