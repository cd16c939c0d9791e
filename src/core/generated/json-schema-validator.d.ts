// Types of json-schema-validator.js, which scripts/scenario-validator.mjs generates from ajv's
// draft-07 meta-schema at build time (ajv standalone code).
import type { ErrorObject } from 'ajv';

export interface JsonSchemaValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

declare const validate: JsonSchemaValidator;
export default validate;
