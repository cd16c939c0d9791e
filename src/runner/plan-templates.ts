// ${env:NAME}, ${secret:NAME} and ${upstream:NAME} references in provider fields, resolved once at
// run start (an upstream's reference after its fault proxy listens).
import type { ResolvedPlan } from '../core/plan';
import { RunConfigError } from './prompt-source';

const REF = /\$\{(env|secret|upstream):([^}]+)\}/g;

export interface TemplateSources {
  env: Record<string, string | undefined>;
  resolveSecret?: (name: string) => Promise<string | undefined>;
  /** Gateway upstream name → its fault proxy's URL, once the proxies listen. */
  upstreams?: Record<string, string>;
}

export function secretNamesIn(plan: ResolvedPlan): string[] {
  const names = new Set<string>();
  for (const p of plan.providers) {
    const fields = [p.type === 'openai' ? p.baseUrl : '', p.type === 'openai' ? p.apiKey ?? '' : '', ...Object.values(p.headers)];
    if (p.type === 'http') fields.push(p.target.url, ...Object.values(p.target.headers));
    for (const f of fields) for (const m of f.matchAll(REF)) if (m[1] === 'secret') names.add(m[2].trim());
  }
  return [...names];
}

export function hasSecretRef(value: string): boolean {
  return /\$\{secret:/.test(value);
}

/** Resolves every reference in `value`; a missing one is a RunConfigError naming `field`. */
export async function resolveTemplate(value: string, field: string, sources: TemplateSources): Promise<string> {
  const refs = [...value.matchAll(REF)];
  if (refs.length === 0) return value;
  const found = new Map<string, string>();
  for (const m of refs) {
    const kind = m[1];
    const name = m[2].trim();
    let v: string | undefined;
    if (kind === 'upstream') {
      v = sources.upstreams?.[name];
      if (v === undefined) throw new RunConfigError(`${field}: \${upstream:${name}} names no upstream of gateway.upstreams`);
    } else if (kind === 'env') v = sources.env[name];
    else v = sources.resolveSecret ? await sources.resolveSecret(name) : undefined;
    if (v === undefined || v === '') {
      throw new RunConfigError(
        kind === 'env'
          ? `${field}: environment variable ${name} is not set (referenced as \${env:${name}})`
          : `${field}: secret ${name} is not set (referenced as \${secret:${name}})`,
      );
    }
    found.set(m[0], v);
  }
  return value.replace(REF, (whole) => found.get(whole) ?? whole);
}
