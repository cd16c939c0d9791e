// Where an editor run writes its results: `<resultsFolder>/<yyyymmdd-hhmmss>-<scenario>/`, the
// same layout as `stampede run`, so the run history reads CLI and editor runs alike.
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

export const DEFAULT_RESULTS_FOLDER = '.stampede/runs';

/** The results root: the setting as is when absolute, else under `baseDir` (the workspace folder). */
export function resultsRoot(setting: string | undefined, baseDir: string): string {
  const folder = setting?.trim() || DEFAULT_RESULTS_FOLDER;
  return isAbsolute(folder) ? folder : join(baseDir, folder);
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
