// The one JSON Schema of the scenario language, and its validator. Completion, hover, the docs
// page and validation all read this object; the validator is generated from it at build time
// (scripts/scenario-validator.mjs), so loading this module compiles nothing.
import type { ErrorObject } from 'ajv';
import schemaJson from '../../media/stampede.schema.json';
import validate from './generated/scenario-validator';

/** A node of the schema, loosely typed: enough for walkers (completion, hover, docs). */
export interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  description?: string;
  markdownDescription?: string;
  default?: unknown;
  examples?: unknown[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  required?: string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  definitions?: Record<string, SchemaNode>;
  'x-expected'?: string;
  [keyword: string]: unknown;
}

export const scenarioSchema = schemaJson as unknown as SchemaNode;

export function validateAgainstSchema(value: unknown): ErrorObject[] {
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

/** Follows a local `$ref` such as "#/definitions/duration". */
export function resolveSchemaRef(node: SchemaNode): SchemaNode {
  let current = node;
  for (let hops = 0; current.$ref && hops < 10; hops++) {
    const name = current.$ref.replace(/^#\/definitions\//, '');
    const target = scenarioSchema.definitions?.[name];
    if (!target) break;
    // Keywords beside the $ref (description, default) describe this use of the definition.
    const { $ref: _ref, ...siblings } = current;
    current = { ...target, ...siblings };
  }
  return current;
}

/** The schema node for a value at a path of keys and indices, or undefined if the path leaves the schema. */
export function schemaAt(path: ReadonlyArray<string | number>): SchemaNode | undefined {
  let node: SchemaNode | undefined = resolveSchemaRef(scenarioSchema);
  for (const segment of path) {
    if (!node) return undefined;
    if (typeof segment === 'number') node = node.items ? resolveSchemaRef(node.items) : undefined;
    else if (node.properties?.[segment]) node = resolveSchemaRef(node.properties[segment]);
    else if (typeof node.additionalProperties === 'object') node = resolveSchemaRef(node.additionalProperties);
    else return undefined;
  }
  return node;
}
