// Generates the scenario schema's validator at build time (ajv standalone), so neither the
// extension's activation nor a CLI start compiles the schema (about 130-500 ms here). The output,
// src/core/generated/scenario-validator.js, is CommonJS that requires only ajv's small runtime
// helpers; src/core/generated/scenario-validator.d.ts types it.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';

const SCHEMA = fileURLToPath(new URL('../media/stampede.schema.json', import.meta.url));
export const VALIDATOR = fileURLToPath(new URL('../src/core/generated/scenario-validator.js', import.meta.url));

/** The options the validator is generated with; a test compiles the schema with them at run time
 * and checks the generated code agrees. */
export const AJV_OPTIONS = {
  allErrors: true,
  // Errors carry their schema node and value: schema-problems.ts words messages from them.
  verbose: true,
  strict: true,
  allowUnionTypes: true,
  strictTypes: false,
  strictRequired: false,
};
// Annotation-only keywords: markdownDescription is read by VS Code, x-expected by our messages.
export const ANNOTATION_KEYWORDS = ['markdownDescription', 'x-expected'];

export function newAjv(extra = {}) {
  const AjvClass = Ajv.default ?? Ajv;
  const ajv = new AjvClass({ ...AJV_OPTIONS, ...extra });
  ajv.addVocabulary(ANNOTATION_KEYWORDS);
  return ajv;
}

export function readSchema() {
  return JSON.parse(readFileSync(SCHEMA, 'utf8'));
}

export function generateValidatorSource() {
  const ajv = newAjv({ code: { source: true } });
  const validate = ajv.compile(readSchema());
  const code = (standaloneCode.default ?? standaloneCode)(ajv, validate);
  return `// Generated from media/stampede.schema.json by scripts/scenario-validator.mjs at build time; do not edit.\n${code}\n`;
}

/** Writes the validator when it is missing or older than the schema or this script. */
export function writeValidatorIfStale() {
  const inputs = [SCHEMA, fileURLToPath(import.meta.url), fileURLToPath(new URL('../node_modules/ajv/package.json', import.meta.url))];
  if (existsSync(VALIDATOR)) {
    const built = statSync(VALIDATOR).mtimeMs;
    if (inputs.every((input) => statSync(input).mtimeMs <= built)) return false;
  }
  mkdirSync(dirname(VALIDATOR), { recursive: true });
  writeFileSync(VALIDATOR, generateValidatorSource());
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(writeValidatorIfStale() ? `wrote ${VALIDATOR}` : `${VALIDATOR} is up to date`);
}
