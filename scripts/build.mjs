// Bundles every entry point with esbuild. Entries whose source does not exist yet are skipped,
// so the script works at every stage of the project.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { writeValidatorIfStale } from './scenario-validator.mjs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

const entries = [
  // Node entries: the CLI, the runner worker and the extension host all run on Node >= 20.
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', target: 'node20', format: 'cjs', banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: ['src/runner/worker.ts'], outfile: 'dist/worker.js', platform: 'node', target: 'node20', format: 'cjs' },
  { entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', platform: 'node', target: 'node20', format: 'cjs', external: ['vscode'] },
  // The Artillery engine package (packages/artillery-engine-stampede): Artillery's workers run
  // Node 20 or later (its Fargate image, 24). No source map: the package ships index.js alone.
  { entryPoints: ['src/artillery/engine-entry.ts'], outfile: 'packages/artillery-engine-stampede/dist/index.js', platform: 'node', target: 'node20', format: 'cjs', sourcemap: false },
  // The webview runs in the editor's Chromium.
  { entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', target: 'es2022', format: 'iife' },
];

// The scenario schema's validator is generated code that src/core imports.
writeValidatorIfStale();
for (const entry of entries) {
  if (!existsSync(entry.entryPoints[0])) continue;
  await build({ ...common, ...entry });
}
if (watch) console.log('watch mode is not supported; rerun npm run build');
