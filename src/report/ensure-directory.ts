// `mkdir -p` for the files Stampede writes (results, reports, exports).
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Creates a folder and any missing parents. Node 20's `mkdirSync(path, { recursive: true })`
 * never returns for a path under /proc (the kernel answers ENOENT for the new folder and EEXIST
 * for its parent, and libuv tries again forever), so the missing folders are found first and
 * made one at a time from the top: such a path fails with the kernel's error instead.
 */
export function ensureDirectory(path: string): void {
  const missing: string[] = [];
  for (let at = resolve(path); ; ) {
    if (exists(at)) break;
    missing.push(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (let i = missing.length - 1; i >= 0; i--) {
    try {
      mkdirSync(missing[i]);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
