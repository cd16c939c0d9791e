// Types of scenario-validator.mjs for the tests that import it.
import type Ajv from 'ajv';

export const VALIDATOR: string;
export const JSON_SCHEMA_VALIDATOR: string;
export const AJV_OPTIONS: Record<string, unknown>;
export const ANNOTATION_KEYWORDS: string[];
export function newAjv(extra?: Record<string, unknown>): Ajv;
export function readSchema(): object;
export function generateValidatorSource(): string;
export function generateJsonSchemaValidatorSource(): string;
export function writeValidatorIfStale(): boolean;
