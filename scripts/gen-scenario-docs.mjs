// Writes docs/scenario.md from the schema and metric catalog (src/core/scenario-docs.ts).
// `--check` exits 1 instead of writing when the file is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const target = fileURLToPath(new URL('../docs/scenario.md', import.meta.url));
const { renderScenarioDocs } = await tsImport('../src/core/scenario-docs.ts', import.meta.url);
const text = renderScenarioDocs();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {}
  if (current !== text) {
    console.error('docs/scenario.md is out of date: run node scripts/gen-scenario-docs.mjs');
    process.exit(1);
  }
  console.log('docs/scenario.md is up to date');
} else {
  writeFileSync(target, text);
  console.log(`wrote docs/scenario.md (${text.length} bytes)`);
}
