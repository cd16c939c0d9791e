// `stampede fit TRACE --out FILE`: fits an ordinary scenario (mix, sizes, stages, bursts, a
// daily wave) to a production trace and writes it; `--out -` prints it.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseColumnMapping, TRACE_FORMATS, type TimeUnit, type TraceColumns, type TraceFormat } from '../core/trace-record';
import { scenarioDuration } from '../core/trace-scenario-text';
import { fitTraceFile } from '../runner/trace-fit-file';
import { TraceFileError } from '../runner/trace-file';
import { EXIT_INVALID } from './verdict-view';

export const FIT_USAGE = `Usage: stampede fit TRACE --out FILE [options]

Fits a scenario to a production trace: a mix entry per route or model with its weight, prompt
and output sizes (median, p95), stages that follow the rate with bursts named, a daily wave when
the trace spans days, and a header comment with the source statistics. Prompt text is never read.

Options:
  --out FILE            scenario to write (*.stampede.yaml); '-' prints it
  --format F            jsonl | csv | otlp | mooncake (default: from the file name and first line)
  --columns K=F,...     field of each value: time, promptTokens, outputTokens, route, prefix,
                        prefixTokens (default: common names such as timestamp, prompt_tokens)
  --time-unit U         s | ms | us | ns | iso (default: from the first timestamp's size)
  --block-tokens N      tokens per Mooncake hash id block (default 512)
  --name NAME           scenario name (default: from the trace's file name)
  --force               overwrite FILE if it exists

Exit codes: 0 written, 2 unreadable or malformed trace (the message names the line), or usage.`;

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

class UsageError extends Error {}

export function parseFitArgs(argv: readonly string[]): FitArgs | 'help' {
  const files: string[] = [];
  const out: Partial<FitArgs> = { force: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--force') {
      out.force = true;
      continue;
    }
    if (!arg.startsWith('--') || arg === '-') {
      files.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    let value = eq > 0 ? arg.slice(eq + 1) : argv[i + 1];
    if (eq < 0) i++;
    if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
    value = value.trim();
    switch (name) {
      case '--out':
        out.out = value;
        break;
      case '--format':
        if (!TRACE_FORMATS.includes(value as TraceFormat)) throw new UsageError(`--format must be one of ${TRACE_FORMATS.join(', ')}, got '${value}'`);
        out.format = value as TraceFormat;
        break;
      case '--columns': {
        const parsed = parseColumnMapping(value);
        if (!parsed.ok) throw new UsageError(`--columns ${parsed.message}`);
        out.columns = parsed.columns;
        break;
      }
      case '--time-unit':
        if (!TIME_UNITS.includes(value as TimeUnit)) throw new UsageError(`--time-unit must be one of ${TIME_UNITS.join(', ')}, got '${value}'`);
        out.timeUnit = value as TimeUnit;
        break;
      case '--block-tokens': {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new UsageError(`--block-tokens must be a whole number from 1 to 1000000, got '${value}'`);
        out.blockTokens = n;
        break;
      }
      case '--name':
        out.name = value;
        break;
      default:
        throw new UsageError(`unknown option '${name}'`);
    }
  }
  if (files.length === 0) throw new UsageError('missing the trace file');
  if (files.length > 1) throw new UsageError(`one trace file expected, got ${files.length}: ${files.join(' ')}`);
  if (!out.out) throw new UsageError('missing --out FILE (or --out - to print the scenario)');
  return { ...(out as FitArgs), trace: files[0] };
}

export async function runFitCommand(argv: string[]): Promise<number> {
  let args: FitArgs | 'help';
  try {
    args = parseFitArgs(argv);
  } catch (error) {
    process.stderr.write(`stampede fit: ${(error as Error).message}\n\n${FIT_USAGE}\n`);
    return EXIT_INVALID;
  }
  if (args === 'help') {
    process.stdout.write(FIT_USAGE + '\n');
    return 0;
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
    mkdirSync(dirname(outPath), { recursive: true });
    writeFileSync(outPath, text);
  }
  const bursts = fit.bursts.length ? `, ${fit.bursts.length} burst${fit.bursts.length === 1 ? '' : 's'} (${fit.bursts.map((b) => `${b.name} ${Number(b.factor.toFixed(1))}x`).join(', ')})` : '';
  const wave = fit.diurnal ? ', a daily wave' : '';
  process.stderr.write(
    `stampede fit: ${fit.requests.toLocaleString('en-US')} requests over ${scenarioDuration(fit.spanMs)} -> ${fit.routes.length} mix entr${fit.routes.length === 1 ? 'y' : 'ies'}, ${fit.stages.length} stage${fit.stages.length === 1 ? '' : 's'}${bursts}${wave}${toStdout ? '' : `; wrote ${args.out}`}\n`,
  );
  return 0;
}
