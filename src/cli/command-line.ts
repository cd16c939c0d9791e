// The one argument parser of every subcommand, on node:util's parseArgs: each command declares
// its options once, and gets from that declaration its parsing, its --help text (flags with their
// defaults) and its usage errors (an unknown flag names the closest known one).
import { parseArgs } from 'node:util';
import { didYouMean } from '../core/did-you-mean';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Placeholder of the value in --help, e.g. PATH. */
  value?: string;
  description: string;
  /** Shown in --help as "(default: …)"; the command applies it. */
  default?: string;
  /** The value names an output file: `-` means stdout, and a scenario file is refused (so
   * `validate --json a.stampede.yaml` cannot overwrite the scenario). */
  output?: boolean;
}

export interface CommandSpec {
  /** `run`, `validate`, …: the prefix of every message. */
  name: string;
  /** What follows `stampede <name>` in the usage line, e.g. `FILE [options]`. */
  synopsis: string;
  summary: string;
  options: Record<string, OptionSpec>;
  /** Lines after the options (examples, exit codes). */
  epilog?: string;
}

export interface ParsedCommandLine {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  help: boolean;
}

/** Bad usage: the command prints it as one line and exits 2. */
export class UsageError extends Error {}

const HELP: OptionSpec = { type: 'boolean', short: 'h', description: 'show this help and exit' };

function withHelp(spec: CommandSpec): Record<string, OptionSpec> {
  return { ...spec.options, help: HELP };
}

export function parseCommandLine(spec: CommandSpec, argv: readonly string[]): ParsedCommandLine {
  const options = withHelp(spec);
  const { tokens } = parseArgs({
    args: [...argv],
    options: Object.fromEntries(Object.entries(options).map(([name, o]) => [name, { type: o.type, multiple: o.multiple ?? false, ...(o.short ? { short: o.short } : {}) }])),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: ParsedCommandLine['values'] = {};
  const positionals: string[] = [];
  let help = false;
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const option = options[token.name];
    if (!option) throw new UsageError(unknownOptionMessage(token.rawName, options));
    if (token.name === 'help') {
      help = true;
      continue;
    }
    if (option.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value (got '${token.rawName}=${token.value}')`);
      values[token.name] = true;
      continue;
    }
    const value = token.value;
    // parseArgs takes the next argument as the value even when it is another flag
    // (`--json --quiet`); that is almost always a forgotten value.
    if (value === undefined || value === '' || (!token.inlineValue && value.length > 1 && value.startsWith('-'))) {
      throw new UsageError(`${token.rawName} needs a value${option.value ? ` (${option.value})` : ''}`);
    }
    if (option.output && value !== '-' && /\.ya?ml$/i.test(value)) {
      throw new UsageError(`${token.rawName} writes ${value}, which looks like a scenario; give it an output file, or - for stdout`);
    }
    if (option.multiple) values[token.name] = [...((values[token.name] as string[] | undefined) ?? []), value];
    else values[token.name] = value;
  }
  return { values, positionals, help };
}

function unknownOptionMessage(raw: string, options: Record<string, OptionSpec>): string {
  // A one-letter flag is too short to guess from.
  const guess = raw.startsWith('--') ? didYouMean(raw, Object.keys(options).map((name) => `--${name}`)) : undefined;
  return `unknown option '${raw}'${guess ? ` — did you mean '${guess}'?` : ''}`;
}

/** The --help text: usage, summary, every option with its value and default, the epilog. */
export function formatHelp(spec: CommandSpec): string {
  const rows = Object.entries(withHelp(spec)).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
    const notes = [o.multiple ? 'repeatable' : '', o.default !== undefined ? `default: ${o.default}` : ''].filter(Boolean).join('; ');
    return [flag, `${o.description}${notes ? ` (${notes})` : ''}`];
  });
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  const lines = [`Usage: stampede ${spec.name} ${spec.synopsis}`, '', spec.summary, '', 'Options:', ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}${text}`)];
  if (spec.epilog) lines.push('', spec.epilog);
  return lines.join('\n');
}

/** Parses, or prints help (exit 0) or a one-line usage error (exit 2). Returns the parse, or the
 * exit code when the command should end now. */
export function parseOrExit(spec: CommandSpec, argv: readonly string[]): ParsedCommandLine | number {
  try {
    const parsed = parseCommandLine(spec, argv);
    if (parsed.help) {
      process.stdout.write(formatHelp(spec) + '\n');
      return 0;
    }
    return parsed;
  } catch (error) {
    if (error instanceof UsageError) return usageError(spec, error.message);
    throw error;
  }
}

/** A whole number flag value within [min, max], or a UsageError naming the flag. */
export function parseWhole(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got '${text}'`);
  }
  return value;
}

export function usageError(spec: CommandSpec, message: string): number {
  process.stderr.write(`stampede ${spec.name}: ${message} (see stampede ${spec.name} --help)\n`);
  return 2;
}
