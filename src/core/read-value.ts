// Defensive readers over the untyped YAML value: the resolver runs even when the schema has
// already reported problems, so a wrong type yields undefined rather than a crash.

export type Fields = Record<string, unknown>;

export function asFields(value: unknown): Fields | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Fields) : undefined;
}

export function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function asBoolean(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

export function asStringOrNumber(value: unknown): string | number | undefined {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) ? value : undefined;
}

export function has(fields: Fields | undefined, key: string): boolean {
  return fields !== undefined && Object.prototype.hasOwnProperty.call(fields, key) && fields[key] !== undefined;
}
