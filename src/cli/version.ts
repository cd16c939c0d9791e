// The CLI's version, read from the package.json it ships in: the repository's when run from a
// clone (dist/cli.js, or src/cli through tsx), the npm package's when installed.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: string | undefined;

export function toolVersion(): string {
  if (cached !== undefined) return cached;
  let dir = __dirname;
  for (let depth = 0; depth < 5; depth++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const version = (JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version;
      if (typeof version === 'string') return (cached = version);
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`no package.json with a version above ${__dirname}`);
}
