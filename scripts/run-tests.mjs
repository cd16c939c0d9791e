// Runs node's test runner over the given *.test.ts files and every one under the given folders (Node 20's --test
// does not match .ts files by itself), with tsx as the TypeScript loader.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

// --timeout=MS: how long one test file may run (node's --test-timeout, which in Node 20 bounds a
// whole file). It is a hang guard, not a speed check: the largest files take about a minute on a
// quiet machine yet hit a 120 s limit at load 25 (panel.browser, run-command.e2e), so the default is 300 s. The scale-out
// test's Artillery processes need longer still.
const timeoutArg = process.argv.slice(2).find((a) => a.startsWith('--timeout='));
const timeoutMs = timeoutArg ? Number(timeoutArg.slice('--timeout='.length)) : 300_000;
if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
  console.error(`${timeoutArg}: expected --timeout=MS, a whole number of milliseconds`);
  process.exit(2);
}
const roots = process.argv.slice(2).filter((a) => a !== timeoutArg);
const filter = process.env.TEST_FILTER;
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.test.ts') && (!filter || path.includes(filter))) files.push(path);
  }
};
// Browser tests drive Debian's Chromium; on a machine without it they are left out with a
// line saying how to get it (CI installs it first, so there they always run).
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
for (const root of roots.length ? roots : ['test/unit']) {
  if (root.replace(/\/$/, '').endsWith('test/browser') && !existsSync(chromium)) {
    console.log(`note: ${root} left out: ${chromium} not found (install it with: apt-get install chromium, or bash scripts/install-editor.sh)`);
    continue;
  }
  if (statSync(root).isFile()) files.push(root);
  else walk(root);
}
if (files.length === 0) {
  console.error('no test files found under ' + roots.join(', '));
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, `--test-timeout=${timeoutMs}`, ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
