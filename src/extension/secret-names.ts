// The `${secret:NAME}` references of a plan, resolved (and asked for) before a run starts.

/** Every `${secret:NAME}` referenced anywhere in a value (a plan, usually), each name once. */
export function secretNames(value: unknown): string[] {
  const names = new Set<string>();
  for (const match of JSON.stringify(value ?? null).matchAll(/\$\{secret:([A-Za-z_][A-Za-z0-9_]*)\}/g)) names.add(match[1]);
  return [...names];
}
