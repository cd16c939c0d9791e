// Where a run's results go: `<root>/<yyyymmdd-hhmmss>-<scenario>/`, one layout for CLI and
// editor runs, so the run history reads both alike.
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';

export function runStamp(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
}

export function scenarioSlug(name: string, fileName?: string): string {
  const from = (text: string) =>
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/, '');
  return from(name) || (fileName ? from(basename(fileName).replace(/\.stampede\.ya?ml$|\.ya?ml$/i, '')) : '') || 'scenario';
}

/** A new, unused folder for one run, and the run id (its name). */
export function newRunFolder(root: string, name: string, fileName: string | undefined, now: Date): { folder: string; runId: string } {
  const runId = `${runStamp(now)}-${scenarioSlug(name, fileName)}`;
  let folder = join(root, runId);
  for (let n = 2; existsSync(folder); n++) folder = join(root, `${runId}-${n}`);
  return { folder, runId: basename(folder) };
}
