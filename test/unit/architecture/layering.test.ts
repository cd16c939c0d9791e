// Enforces the layering of DESIGN.md §2 on every import in the tree, so the rule holds by test,
// not by convention.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const root = resolve(__dirname, '../../..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|tsx|mts|cts)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
    }
  };
  walk(join(root, dir));
  return out;
}

interface ImportRef {
  file: string;
  specifier: string;
  typeOnly: boolean;
}

// Static imports, re-exports, dynamic imports and require() calls.
const IMPORT_PATTERN =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

export function importsOf(file: string): ImportRef[] {
  const text = readFileSync(file, 'utf8');
  const refs: ImportRef[] = [];
  for (const match of text.matchAll(IMPORT_PATTERN)) {
    const specifier = match[3] ?? match[4] ?? match[5];
    if (!specifier) continue;
    refs.push({ file: relative(root, file), specifier, typeOnly: Boolean(match[2]) });
  }
  return refs;
}

/** The top-level area ('src/core', 'webview', …) an import resolves into, or the package name. */
function target(ref: ImportRef): string {
  if (!ref.specifier.startsWith('.')) return ref.specifier;
  const abs = resolve(root, dirname(ref.file), ref.specifier);
  const rel = relative(root, abs).split('\\').join('/');
  const parts = rel.split('/');
  return parts[0] === 'src' ? `src/${parts[1]}` : parts[0];
}

const NODE_BUILTINS = new Set([
  'fs', 'path', 'http', 'https', 'net', 'tls', 'os', 'child_process', 'worker_threads', 'crypto',
  'stream', 'events', 'url', 'util', 'zlib', 'dns', 'perf_hooks', 'readline', 'buffer', 'process',
]);
const isNodeModule = (s: string) => s.startsWith('node:') || NODE_BUILTINS.has(s.split('/')[0]);

// vocabulary/ (the metric catalog, the one number formatter, the figures' definitions) sits
// beside src/protocol at the bottom: src/ and the webview both use it, so the panel cannot
// drift from the reports as its own copy of the formatter did.
const ALLOWED_SRC: Record<string, string[]> = {
  'src/protocol': ['src/protocol'],
  'src/core': ['src/protocol', 'vocabulary', 'src/core', 'media'],
  'src/runner': ['src/protocol', 'vocabulary', 'src/core', 'src/runner', 'src/mock', 'media'],
  'src/mock': ['src/protocol', 'vocabulary', 'src/core', 'src/mock'],
  'src/report': ['src/protocol', 'vocabulary', 'src/core', 'src/report'],
  'src/artillery': ['src/protocol', 'vocabulary', 'src/core', 'src/runner', 'src/mock', 'src/report', 'src/artillery', 'media'],
  'src/cli': ['src/protocol', 'vocabulary', 'src/core', 'src/runner', 'src/mock', 'src/report', 'src/artillery', 'src/cli', 'media'],
  'src/extension': ['src/protocol', 'vocabulary', 'src/core', 'src/runner', 'src/mock', 'src/report', 'src/extension', 'media'],
};

test('only src/extension imports vscode', () => {
  const offenders = ['src', 'webview']
    .flatMap(sourceFiles)
    .flatMap(importsOf)
    .filter((r) => r.specifier === 'vscode' && !r.file.startsWith('src/extension/'));
  assert.deepEqual(offenders, []);
});

// Platform globals (process, Buffer, document) are kept out by tsconfig.core.json, which
// type-checks src/core without Node or DOM types (npm run typecheck).
test('src/core imports no Node modules, undici or vscode', () => {
  const offenders = sourceFiles('src/core')
    .flatMap(importsOf)
    .filter((r) => isNodeModule(r.specifier) || r.specifier === 'undici' || r.specifier === 'vscode');
  assert.deepEqual(offenders, []);
});

test('tsconfig.core.json type-checks src/core without platform types', () => {
  const config = readFileSync(join(root, 'tsconfig.core.json'), 'utf8');
  assert.match(config, /"types":\s*\[\]/);
  assert.match(config, /"lib":\s*\["ES2022"\]/);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  assert.match(pkg.scripts.typecheck, /tsconfig\.core\.json/);
});

test('each src area imports only the areas below it', () => {
  const offenders: string[] = [];
  for (const [area, allowed] of Object.entries(ALLOWED_SRC)) {
    for (const ref of sourceFiles(area).flatMap(importsOf)) {
      if (!ref.specifier.startsWith('.')) continue;
      const to = target(ref);
      if (!allowed.includes(to)) offenders.push(`${ref.file} -> ${ref.specifier} (${to})`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('webview imports types only from src/protocol, values only from packages, itself and vocabulary/', () => {
  const offenders = sourceFiles('webview')
    .flatMap(importsOf)
    .filter((r) => {
      if (!r.specifier.startsWith('.')) return isNodeModule(r.specifier) || r.specifier === 'vscode' || r.specifier === 'undici';
      const to = target(r);
      if (to === 'webview' || to === 'vocabulary') return false;
      return !(to === 'src/protocol' && r.typeOnly);
    });
  assert.deepEqual(offenders, []);
});

test('vocabulary/ is pure and imports only itself and src/protocol', () => {
  const offenders = sourceFiles('vocabulary')
    .flatMap(importsOf)
    .filter((r) => !r.specifier.startsWith('.') || !['vocabulary', 'src/protocol'].includes(target(r)));
  assert.deepEqual(offenders, []);
  const config = readFileSync(join(root, 'tsconfig.core.json'), 'utf8');
  assert.match(config, /"include":\s*\[[^\]]*"vocabulary"/, 'tsconfig.core.json type-checks it without platform types');
  // The webview uses it: the rule above is not about files nobody imports.
  const used = new Set(sourceFiles('webview').flatMap(importsOf).filter((r) => target(r) === 'vocabulary').map((r) => r.specifier.split('/').pop()));
  assert.ok(used.has('format') && used.has('figures'), [...used].join(', '));
});

test('the import scanner sees the forms it must police', () => {
  // Guards the guard: if the pattern stopped matching, every rule above would pass vacuously.
  const sample = join(root, 'src/core/plan.ts');
  assert.ok(readFileSync(sample, 'utf8').length > 0);
  const fake = ["import { a } from 'vscode';", "import type { B } from '../protocol/x';", "const c = require('node:fs');", "export { d } from './d';", "await import('undici');"].join('\n');
  const specs = [...fake.matchAll(IMPORT_PATTERN)].map((m) => m[3] ?? m[4] ?? m[5]);
  assert.deepEqual(specs, ['vscode', '../protocol/x', 'node:fs', './d', 'undici']);
});
