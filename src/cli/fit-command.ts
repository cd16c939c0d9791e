// `stampede fit TRACE --out FILE`: fits an ordinary scenario (mix, sizes, stages, bursts, a
// daily wave) to a production trace and writes it; `--out -` prints it.
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseColumnMapping, TRACE_FORMATS, type TimeUnit, type TraceColumns, type TraceFormat } from '../core/trace-record';
import { scenarioDuration } from '../core/trace-scenario-text';
import { fitTraceFile } from '../runner/trace-fit-file';
import { TraceFileError } from '../runner/trace-file';
import { EXIT_INVALID } from '../core/exit-codes';
import { parseOrExit, parseWhole, usageError, UsageError, type CommandSpec, type ParsedCommandLine } from './command-line';
import { ensureDirectory } from '../report/ensure-directory';

export const FIT_COMMAND: CommandSpec = {
  name: 'fit',
  synopsis: 'TRACE --out FILE [options]',
  summary: `Fits a scenario to a production trace: a mix entry per route or model with its weight, prompt
and output sizes (median, p95), stages that follow the rate with bursts named, a daily wave when
the trace spans days, and a header comment with the source statistics. Prompt text is never read.`,
  options: {
    out: { type: 'string', value: 'FILE', description: "scenario to write (*.stampede.yaml); '-' prints it" },
    format: { type: 'string', value: 'F', description: `${TRACE_FORMATS.join(' | ')}`, default: 'from the file name and first line' },
    columns: { type: 'string', value: 'K=F,...', description: 'field of each value: time, promptTokens, outputTokens, route, prefix, prefixTokens', default: 'common names such as timestamp, prompt_tokens' },
    'time-unit': { type: 'string', value: 'U', description: 's | ms | us | ns | iso', default: "from the first timestamp's size" },
    'block-tokens': { type: 'string', value: 'N', description: 'tokens per Mooncake hash id block', default: '512' },
    name: { type: 'string', value: 'NAME', description: 'scenario name', default: "from the trace's file name" },
    force: { type: 'boolean', description: 'overwrite FILE if it exists' },
  },
  epilog: 'Exit codes: 0 written, 2 unreadable or malformed trace (the message names the line), or usage, 70 internal error.',
};

const TIME_UNITS: readonly TimeUnit[] = ['auto', 's', 'ms', 'us', 'ns', 'iso'];

interface FitArgs {
  trace: string;
  out: string;
  format?: TraceFormat;
  columns?: TraceColumns;
  timeUnit?: TimeUnit;
  blockTokens?: number;
  name?: string;
  force: boolean;
}

/** The fit command line as FitArgs, or a UsageError naming the flag. */
export function fitArgsFrom(parsed: ParsedCommandLine): FitArgs {
  const v = parsed.values as Record<string, string | boolean | undefined>;
  const out: FitArgs = { trace: '', out: '', force: v.force === true };
  const format = v.format as string | undefined;
  if (format !== undefined) {
    if (!TRACE_FORMATS.includes(format as TraceFormat)) throw new UsageError(`--format must be one of ${TRACE_FORMATS.join(', ')}, got '${format}'`);
    out.format = format as TraceFormat;
  }
  const columns = v.columns as string | undefined;
  if (columns !== undefined) {
    const mapping = parseColumnMapping(columns.trim());
    if (!mapping.ok) throw new UsageError(`--columns ${mapping.message}`);
    out.columns = mapping.columns;
  }
  const unit = v['time-unit'] as string | undefined;
  if (unit !== undefined) {
    if (!TIME_UNITS.includes(unit.trim() as TimeUnit)) throw new UsageError(`--time-unit must be one of ${TIME_UNITS.join(', ')}, got '${unit}'`);
    out.timeUnit = unit.trim() as TimeUnit;
  }
  const block = v['block-tokens'] as string | undefined;
  if (block !== undefined) out.blockTokens = parseWhole('--block-tokens', block.trim(), 1, 1_000_000);
  if (typeof v.name === 'string') out.name = v.name.trim();
  const files = parsed.positionals;
  if (files.length === 0) throw new UsageError('missing the trace file');
  if (files.length > 1) throw new UsageError(`one trace file expected, got ${files.length}: ${files.join(' ')}`);
  if (typeof v.out !== 'string') throw new UsageError('missing --out FILE (or --out - to print the scenario)');
  out.out = v.out.trim();
  out.trace = files[0]!;
  return out;
}

export async function runFitCommand(argv: string[]): Promise<number> {
  const parsed = parseOrExit(FIT_COMMAND, argv);
  if (typeof parsed === 'number') return parsed;
  let args: FitArgs;
  try {
    args = fitArgsFrom(parsed);
  } catch (error) {
    if (error instanceof UsageError) return usageError(FIT_COMMAND, error.message);
    throw error;
  }
  const toStdout = args.out === '-';
  const outPath = toStdout ? '' : resolve(args.out);
  if (!toStdout && existsSync(outPath) && !args.force) {
    process.stderr.write(`stampede fit: ${args.out} exists: pass --force to overwrite it\n`);
    return EXIT_INVALID;
  }
  if (!toStdout && !/\.stampede\.ya?ml$/i.test(outPath)) {
    process.stderr.write(`stampede fit: note: ${args.out} does not end in .stampede.yaml, so the editor will not treat it as a scenario\n`);
  }
  let fitted;
  try {
    fitted = await fitTraceFile({ name: args.trace }, args);
  } catch (error) {
    if (error instanceof TraceFileError) {
      process.stderr.write(`stampede fit: ${error.message}\n`);
      return EXIT_INVALID;
    }
    throw error;
  }
  const { fit, text } = fitted;
  if (toStdout) process.stdout.write(text);
  else {
    ensureDirectory(dirname(outPath));
    writeFileSync(outPath, text);
  }
  const bursts = fit.bursts.length ? `, ${fit.bursts.length} burst${fit.bursts.length === 1 ? '' : 's'} (${fit.bursts.map((b) => `${b.name} ${Number(b.factor.toFixed(1))}x`).join(', ')})` : '';
  const wave = fit.diurnal ? ', a daily wave' : '';
  process.stderr.write(
    `stampede fit: ${fit.requests.toLocaleString('en-US')} requests over ${scenarioDuration(fit.spanMs)} -> ${fit.routes.length} mix entr${fit.routes.length === 1 ? 'y' : 'ies'}, ${fit.stages.length} stage${fit.stages.length === 1 ? '' : 's'}${bursts}${wave}${toStdout ? '' : `; wrote ${args.out}`}\n`,
  );
  return 0;
}
