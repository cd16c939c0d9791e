// Generates validators at build time (ajv standalone), so neither the extension's activation nor a
// CLI start loads ajv's compiler or compiles a schema (about 130-500 ms here):
// - src/core/generated/scenario-validator.js checks scenarios against media/stampede.schema.json;
// - src/core/generated/json-schema-validator.js checks a JSON Schema a scenario holds
//   (expect.jsonSchema) against the draft-07 meta-schema, the draft ajv compiles by default.
// Both are CommonJS that require only ajv's small runtime helpers; the .d.ts files beside them
// type them.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv, { _ } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';

const SCHEMA = fileURLToPath(new URL('../media/stampede.schema.json', import.meta.url));
export const VALIDATOR = fileURLToPath(new URL('../src/core/generated/scenario-validator.js', import.meta.url));
export const JSON_SCHEMA_VALIDATOR = fileURLToPath(new URL('../src/core/generated/json-schema-validator.js', import.meta.url));
const META_SCHEMA = fileURLToPath(new URL('../node_modules/ajv/dist/refs/json-schema-draft-07.json', import.meta.url));

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

// Bounds on values written with a unit, which `maximum` cannot express: the longest duration (or
// range end) in ms, the highest absolute rate per second. Other validators ignore these keywords.
// Ajv's standalone code takes only keywords that generate code, so each keyword emits a call to a
// function of src/core/units.ts, which the generated module requires (as ajv-formats does for its
// formats): the same parsers the runner uses decide the bound.
export const BOUND_KEYWORDS = [
  { keyword: 'x-maxMs', check: 'rangeWithinMaxMs' },
  { keyword: 'x-maxPerSecond', check: 'rateWithinMaxPerSecond' },
];

function generationOnly(name) {
  return () => {
    throw new Error(`${name} is only referenced while generating the validator: pass src/core/units.ts's functions to newAjv to run it`);
  };
}

/** An ajv instance with the scenario keywords. `checks` holds the bound functions by name (the
 * exports of src/core/units.ts) for a validator that runs in this process; generating code needs
 * none. */
export function newAjv(extra = {}, checks = {}) {
  const AjvClass = Ajv.default ?? Ajv;
  const ajv = new AjvClass({ ...AJV_OPTIONS, ...extra });
  ajv.addVocabulary(ANNOTATION_KEYWORDS);
  for (const { keyword, check } of BOUND_KEYWORDS) {
    const ref = checks[check] ?? generationOnly(check);
    ajv.addKeyword({
      keyword,
      type: 'string',
      schemaType: 'number',
      code(cxt) {
        const fn = cxt.gen.scopeValue('func', { key: check, ref, code: _`require("../units")[${check}]` });
        cxt.pass(_`${fn}(${cxt.data}, ${cxt.schemaCode})`);
      },
    });
  }
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

export function generateJsonSchemaValidatorSource() {
  const AjvClass = Ajv.default ?? Ajv;
  // The meta-schema is draft-07 itself: compiled as a plain schema, not added as a meta-schema.
  const ajv = new AjvClass({ allErrors: true, strict: false, meta: false, validateSchema: false, validateFormats: false, logger: false, code: { source: true } });
  const validate = ajv.compile(JSON.parse(readFileSync(META_SCHEMA, 'utf8')));
  const code = (standaloneCode.default ?? standaloneCode)(ajv, validate);
  return `// Generated from ajv's draft-07 meta-schema by scripts/scenario-validator.mjs at build time; do not edit.\n${code}\n`;
}

/** Writes each validator when it is missing or older than its inputs or this script. */
export function writeValidatorIfStale() {
  const common = [fileURLToPath(import.meta.url), fileURLToPath(new URL('../node_modules/ajv/package.json', import.meta.url))];
  let wrote = false;
  for (const [target, input, generate] of [
    [VALIDATOR, SCHEMA, generateValidatorSource],
    [JSON_SCHEMA_VALIDATOR, META_SCHEMA, generateJsonSchemaValidatorSource],
  ]) {
    if (existsSync(target)) {
      const built = statSync(target).mtimeMs;
      if ([input, ...common].every((file) => statSync(file).mtimeMs <= built)) continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, generate());
    wrote = true;
  }
  return wrote;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(writeValidatorIfStale() ? 'wrote the generated validators' : 'the generated validators are up to date');
}
