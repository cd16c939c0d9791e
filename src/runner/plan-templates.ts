// ${env:NAME}, ${secret:NAME} and ${upstream:NAME} references in provider fields, resolved once at
// run start (an upstream's reference after its fault proxy listens).
import type { ResolvedPlan } from '../core/plan';
import { replaceEnvSecretReferences, scanEnvSecretReferences } from '../core/interpolation';
import { RunConfigError } from './prompt-source';

const ALL_KINDS = ['env', 'secret', 'upstream'] as const;

export interface TemplateSources {
  env: Record<string, string | undefined>;
  resolveSecret?: (name: string) => Promise<string | undefined>;
  /** Gateway upstream name → its fault proxy's URL, once the proxies listen. */
  upstreams?: Record<string, string>;
}

export function secretNamesIn(plan: ResolvedPlan): string[] {
  const names = new Set<string>();
  for (const p of plan.providers) {
    const hosted = p.type === 'openai' || p.type === 'anthropic' || p.type === 'gemini';
    const fields = [hosted ? p.baseUrl : '', hosted ? p.apiKey ?? '' : '', ...Object.values(p.headers)];
    if (p.type === 'http') fields.push(p.target.url, p.target.body ?? '', ...Object.values(p.target.headers));
    for (const f of fields) for (const r of scanEnvSecretReferences(f)) if (r.kind === 'secret') names.add(r.name.trim());
  }
  return [...names];
}

export function hasSecretRef(value: string): boolean {
  return /\$\{secret:/.test(value);
}

/** Resolves every reference in `value`; a missing one is a RunConfigError naming `field`.
 * `encode` turns each resolved value into the text that replaces it (a JSON body escapes it). */
export async function resolveTemplate(value: string, field: string, sources: TemplateSources, encode: (resolved: string) => string = (v) => v): Promise<string> {
  const refs = scanEnvSecretReferences(value, ALL_KINDS);
  if (refs.length === 0) return value;
  const found = new Map<string, string>();
  for (const r of refs) {
    const whole = value.slice(r.start, r.end);
    if (found.has(whole)) continue;
    const name = r.name.trim();
    let v: string | undefined;
    if (r.kind === 'upstream') {
      v = sources.upstreams?.[name];
      if (v === undefined) throw new RunConfigError(`${field}: \${upstream:${name}} names no upstream of gateway.upstreams`);
    } else if (r.kind === 'env') v = sources.env[name];
    else v = sources.resolveSecret ? await sources.resolveSecret(name) : undefined;
    if (v === undefined || v === '') {
      throw new RunConfigError(
        r.kind === 'env'
          ? `${field}: environment variable ${name} is not set (referenced as \${env:${name}})`
          : `${field}: secret ${name} is not set (referenced as \${secret:${name}})`,
      );
    }
    found.set(whole, encode(v));
  }
  return replaceEnvSecretReferences(value, (_kind, _name, whole) => found.get(whole) ?? whole, ALL_KINDS);
}
