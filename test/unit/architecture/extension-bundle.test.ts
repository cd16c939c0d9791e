// What loads when the extension activates: extension.js must not carry the runner's histogram code
// (hdr-histogram-js and its WASM loader, which the runner's worker uses) nor ajv's schema compiler
// (the scenario validator is generated at build time). Checked on esbuild's metafile of the bundle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '../../..');

test('extension.js bundles neither hdr-histogram-js nor the ajv compiler', async () => {
  const result = await build({
    entryPoints: [join(root, 'src/extension/extension.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: root,
  });
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(inputs.some((i) => i.includes('src/core/generated/scenario-validator')), 'the generated validator is in the bundle');
  const unwanted = inputs.filter((i) => /node_modules\/(hdr-histogram-js|@assemblyscript|pako)\/|node_modules\/ajv\/dist\/(core|ajv|compile)/.test(i) || i.includes('src/runner/latency-histogram'));
  assert.deepEqual(unwanted, []);
});
