// Command-line arguments of `stampede run`.
import { parseCommandLine, UsageError, type CommandSpec } from './command-line';
import { EXIT_CODES_HELP } from '../core/exit-codes';

export interface RunArgs {
  file: string;
  /** Results file; `-` writes the results to stdout (everything else goes to stderr). */
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

export const RUN_COMMAND: CommandSpec = {
  name: 'run',
  synopsis: 'FILE [options]',
  summary: 'Runs a scenario: a live view while it goes, then the verdict, a results file and an HTML report.\nOutput paths may be - for stdout; then everything else is written to stderr.',
  options: {
    json: { type: 'string', value: 'PATH', output: true, description: 'results file; - for stdout', default: '.stampede/runs/<time>-<scenario>/results.json' },
    report: { type: 'string', value: 'PATH', output: true, description: 'HTML report', default: 'report.html beside the results file' },
    md: { type: 'string', value: 'PATH', output: true, description: 'Markdown summary, e.g. "$GITHUB_STEP_SUMMARY"' },
    junit: { type: 'string', value: 'PATH', output: true, description: 'JUnit XML, one test case per threshold' },
    'results-dir': { type: 'string', value: 'DIR', description: 'folder for the default output paths', default: '.stampede/runs' },
    set: { type: 'string', value: 'PATH=VALUE', multiple: true, description: 'override a scenario value, e.g. --set load.timeScale=120' },
    'dry-run': { type: 'boolean', description: 'print the expected requests, tokens and cost per stage; send nothing' },
    quiet: { type: 'boolean', short: 'q', description: 'print only the verdict and where the results are' },
    color: { type: 'boolean', description: 'colours even when stdout is not a terminal', default: 'on a terminal, unless NO_COLOR is set' },
    'no-color': { type: 'boolean', description: 'plain text even on a terminal' },
  },
  epilog: EXIT_CODES_HELP,
};

export function parseRunArgs(argv: readonly string[]): ParseRunArgsResult {
  let parsed;
  try {
    parsed = parseCommandLine(RUN_COMMAND, argv);
  } catch (error) {
    if (error instanceof UsageError) return { ok: false, message: error.message };
    throw error;
  }
  const { values: v, positionals: files, help } = parsed;
  const sets = (v.set as string[] | undefined) ?? [];
  const quiet = v.quiet === true;
  if (help) return { ok: true, args: { file: files[0] ?? '', quiet, sets, help: true } };
  if (files.length === 0) return { ok: false, message: 'missing the scenario file' };
  if (files.length > 1) return { ok: false, message: `one scenario file expected, got ${files.length}: ${files.join(' ')}` };
  const stdoutOutputs = (['json', 'report', 'md', 'junit'] as const).filter((k) => v[k] === '-');
  if (stdoutOutputs.length > 1) return { ok: false, message: `only one output can go to stdout; got - for ${stdoutOutputs.map((k) => `--${k}`).join(' and ')}` };
  const args: RunArgs = { file: files[0], quiet, sets, help: false };
  for (const [key, flag] of [['json', 'json'], ['report', 'report'], ['md', 'md'], ['junit', 'junit'], ['resultsDir', 'results-dir']] as const) {
    if (typeof v[flag] === 'string') args[key] = v[flag] as string;
  }
  if (v['dry-run'] === true) args.dryRun = true;
  if (v['no-color'] === true) args.color = false;
  else if (v.color === true) args.color = true;
  return { ok: true, args };
}
