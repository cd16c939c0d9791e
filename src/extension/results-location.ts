// Where an editor run writes its results: `<resultsFolder>/<yyyymmdd-hhmmss>-<scenario>/`, the
// same layout as `stampede run`, so the run history reads CLI and editor runs alike.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';

export const DEFAULT_RESULTS_FOLDER = '.stampede/runs';

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

/** The results root: the setting as is when absolute, else under `baseDir` (the workspace folder). */
export function resultsRoot(setting: string | undefined, baseDir: string): string {
  const folder = setting?.trim() || DEFAULT_RESULTS_FOLDER;
  return isAbsolute(folder) ? folder : join(baseDir, folder);
}

/** A new, unused folder for one run. */
export function newRunFolder(root: string, name: string, fileName: string | undefined, now: Date): { folder: string; runId: string } {
  const runId = `${runStamp(now)}-${scenarioSlug(name, fileName)}`;
  let folder = join(root, runId);
  for (let n = 2; existsSync(folder); n++) folder = join(root, `${runId}-${n}`);
  return { folder, runId: basename(folder) };
}

/** The newest `report.html` under a results root (CLI runs count too), if any. */
export function newestReport(root: string): string | undefined {
  let best: { path: string; mtime: number } | undefined;
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    const path = join(root, entry, 'report.html');
    try {
      const mtime = statSync(path).mtimeMs;
      if (!best || mtime > best.mtime) best = { path, mtime };
    } catch {
      // a run folder without a report (still running, or killed): skip it
    }
  }
  return best?.path;
}
