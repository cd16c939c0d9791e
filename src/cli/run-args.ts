// Command-line arguments of `stampede run`. Pure.

export interface RunArgs {
  file: string;
  json?: string;
  report?: string;
  md?: string;
  junit?: string;
  /** Folder for default output paths; `<cwd>/.stampede/runs` when absent. */
  resultsDir?: string;
  quiet: boolean;
  color?: boolean;
  sets: string[];
  help: boolean;
  /** Print the estimate and send nothing. */
  dryRun?: boolean;
}

export type ParseRunArgsResult = { ok: true; args: RunArgs } | { ok: false; message: string };

export const RUN_USAGE = `Usage: stampede run FILE [options]

Options:
  --json PATH         results file (default: .stampede/runs/<time>-<scenario>/results.json)
  --report PATH       HTML report (default: report.html beside the default results file)
  --md PATH           Markdown summary, e.g. for $GITHUB_STEP_SUMMARY
  --junit PATH        JUnit XML, one test case per threshold
  --results-dir DIR   folder for default output paths (default: .stampede/runs)
  --set PATH=VALUE    override a scenario value, e.g. --set load.timeScale=120 (repeatable)
  --dry-run           print expected requests, tokens and cost per stage; send nothing
  --quiet, -q         print only the verdict and where the results are
  --no-color          plain text even on a terminal

Exit codes: 0 all thresholds passed, 1 a threshold failed (a threshold with no data fails,
and so does a run in which no request finished), 2 invalid scenario or usage,
3 run aborted (budget or abortOnFail), 130 stopped by Ctrl-C (143 by SIGTERM).`;

const VALUE_OPTIONS: Record<string, 'json' | 'report' | 'md' | 'junit' | 'resultsDir' | 'set'> = {
  '--json': 'json',
  '--report': 'report',
  '--md': 'md',
  '--junit': 'junit',
  '--results-dir': 'resultsDir',
  '--set': 'set',
};

export function parseRunArgs(argv: readonly string[]): ParseRunArgsResult {
  const files: string[] = [];
  const sets: string[] = [];
  const out: Partial<RunArgs> = {};
  let quiet = false;
  let help = false;
  let dryRun = false;
  let color: boolean | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--') {
      files.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '--quiet' || arg === '-q') quiet = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--dry-run') dryRun = true;
    else if (arg === '--no-color') color = false;
    else if (arg === '--color') color = true;
    else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq > 0 ? arg.slice(0, eq) : arg;
      const key = VALUE_OPTIONS[name];
      if (!key) return { ok: false, message: `unknown option '${name}'` };
      let value: string | undefined;
      if (eq > 0) value = arg.slice(eq + 1);
      else {
        value = argv[i + 1];
        i += 1;
      }
      if (value === undefined || value === '') return { ok: false, message: `${name} needs a value` };
      if (key === 'set') sets.push(value);
      else out[key] = value;
    } else if (arg.startsWith('-') && arg !== '-') return { ok: false, message: `unknown option '${arg}'` };
    else files.push(arg);
  }
  if (help) return { ok: true, args: { file: files[0] ?? '', quiet, sets, help: true } };
  if (files.length === 0) return { ok: false, message: 'missing the scenario file' };
  if (files.length > 1) return { ok: false, message: `one scenario file expected, got ${files.length}: ${files.join(' ')}` };
  return { ok: true, args: { ...out, file: files[0], quiet, sets, help: false, ...(dryRun ? { dryRun } : {}), ...(color === undefined ? {} : { color }) } };
}
