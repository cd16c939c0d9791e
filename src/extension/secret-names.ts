// The `${secret:NAME}` references of a plan, resolved (and asked for) before a run starts.
import { scanEnvSecretReferences } from '../core/interpolation';

/** Every `${secret:NAME}` referenced anywhere in a value (a plan, usually), each name once. */
export function secretNames(value: unknown): string[] {
  const names = new Set<string>();
  for (const r of scanEnvSecretReferences(JSON.stringify(value ?? null))) if (r.kind === 'secret' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(r.name)) names.add(r.name);
  return [...names];
}
