// Activation cost of two builds of dist/extension.js, side by side: each sample is a fresh Node
// process that loads the bundle (with a stand-in for the `vscode` module that records calls and
// does nothing), calls activate() with one scenario already open, and reads the activation line
// the extension logs (bundle evaluation, activate() to language features ready). Builds alternate
// sample by sample, so a busy machine weighs on both alike; compare the medians as a ratio.
// The real-editor figures come from test/e2e/activation.e2e.ts; this isolates the bundle's own cost.
//   node bench/extension-activation.mjs BEFORE_EXTENSION_JS AFTER_EXTENSION_JS [samples=15] [scenario]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const [before, after, samplesArg, scenarioArg] = process.argv.slice(2);
if (!before || !after) {
  process.stderr.write('usage: node bench/extension-activation.mjs BEFORE_EXTENSION_JS AFTER_EXTENSION_JS [samples] [scenario]\n');
  process.exit(2);
}
const samples = Number(samplesArg ?? 15);
const scenario = resolve(scenarioArg ?? fileURLToPath(new URL('../examples/quickstart.stampede.yaml', import.meta.url)));
const child = fileURLToPath(new URL('./lib/activate-extension.cjs', import.meta.url));
const LINE = /extension\.js evaluated in (\d+) ms; language features ready (\d+) ms after activate\(\)/;

function sample(bundle) {
  const run = spawnSync(process.execPath, [child, resolve(bundle), scenario], { encoding: 'utf8', timeout: 60_000 });
  const match = LINE.exec(run.stdout);
  if (!match) throw new Error(`no activation line from ${bundle}: ${run.stdout}${run.stderr}`);
  return { evaluation: Number(match[1]), activate: Number(match[2]) };
}

for (const bundle of [before, after]) if (!existsSync(bundle)) throw new Error(`${bundle} does not exist`);
const results = { before: [], after: [] };
for (let i = 0; i < samples; i++) {
  for (const [name, bundle] of i % 2 === 0 ? [['before', before], ['after', after]] : [['after', after], ['before', before]]) results[name].push(sample(bundle));
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
for (const key of ['evaluation', 'activate']) {
  const b = median(results.before.map((s) => s[key]));
  const a = median(results.after.map((s) => s[key]));
  const label = key === 'evaluation' ? 'extension.js evaluation' : 'activate() to language features ready';
  console.log(`${label}: before ${b} ms, after ${a} ms (median of ${samples}; after/before ${(a / Math.max(1, b)).toFixed(2)})`);
}
const total = (s) => s.evaluation + s.activate;
const tb = median(results.before.map(total));
const ta = median(results.after.map(total));
console.log(`evaluation + activate(): before ${tb} ms, after ${ta} ms (after/before ${(ta / Math.max(1, tb)).toFixed(2)})`);
