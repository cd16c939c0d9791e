// Types of scenario-validator.mjs for the tests that import it.
import type Ajv from 'ajv';

export const VALIDATOR: string;
export const JSON_SCHEMA_VALIDATOR: string;
export const AJV_OPTIONS: Record<string, unknown>;
export const ANNOTATION_KEYWORDS: string[];
export const BOUND_KEYWORDS: { keyword: string; check: string }[];
/** `checks`: the bound functions of src/core/units.ts by name, for a validator run in-process. */
export function newAjv(extra?: Record<string, unknown>, checks?: Record<string, (text: string, limit: number) => boolean>): Ajv;
export function readSchema(): object;
export function generateValidatorSource(): string;
export function generateJsonSchemaValidatorSource(): string;
export function writeValidatorIfStale(): boolean;
