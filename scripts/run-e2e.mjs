// Runs the real-editor tests (test/e2e/*.e2e.ts) with node's test runner, one file at a time
// (each file starts its own code-server and Chromium). Needs scripts/install-editor.sh and a
// packaged stampede.vsix (npm run test:e2e does both steps before calling this).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const dir = 'test/e2e';
const filter = process.env.TEST_FILTER;
const files = readdirSync(dir)
  .filter((name) => name.endsWith('.e2e.ts') && (!filter || name.includes(filter)))
  .sort()
  .map((name) => join(dir, name));
if (files.length === 0) {
  console.error(`no *.e2e.ts files in ${dir}`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=300000', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
