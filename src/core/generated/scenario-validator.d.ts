// Types of scenario-validator.js, which scripts/scenario-validator.mjs generates from
// media/stampede.schema.json at build time (ajv standalone code).
import type { ErrorObject } from 'ajv';

export interface ScenarioValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

declare const validate: ScenarioValidator;
export default validate;
