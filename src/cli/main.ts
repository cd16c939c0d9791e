import { runValidateCommand, VALIDATE_COMMAND } from './validate-command';
import { runRunCommand } from './run-command';
import { RUN_COMMAND } from './run-args';
import { MOCK_COMMAND, runMockCommand } from './mock-command';
import { REPORT_COMMAND, runReportCommand } from './report-command';
import { PROXY_COMMAND, runProxyCommand } from './proxy-command';
import { didYouMean } from '../core/did-you-mean';
import type { CommandSpec } from './command-line';
import { EXIT_CODES_HELP, EXIT_INTERNAL, EXIT_INVALID } from '../core/exit-codes';
import { toolVersion } from './version';
import { guardTerminalOutput } from './terminal-style';
import { EXPORT_COMMAND, runExportCommand } from './export-command';
import { FIT_COMMAND, runFitCommand } from './fit-command';

const COMMANDS: Record<string, { spec: CommandSpec; run: (argv: string[]) => Promise<number> }> = {
  run: { spec: RUN_COMMAND, run: runRunCommand },
  validate: { spec: VALIDATE_COMMAND, run: runValidateCommand },
  report: { spec: REPORT_COMMAND, run: runReportCommand },
  mock: { spec: MOCK_COMMAND, run: runMockCommand },
  proxy: { spec: PROXY_COMMAND, run: runProxyCommand },
  export: { spec: EXPORT_COMMAND, run: runExportCommand },
  fit: { spec: FIT_COMMAND, run: runFitCommand },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length)) + 2;
  return [
    'stampede — load tests for AI features',
    '',
    'Usage: stampede COMMAND [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}${c.spec.summary.split('\n')[0]}`),
    '',
    'Options:',
    '  -h, --help     show this help (stampede COMMAND --help for a command\'s options)',
    '  -v, --version  print the version',
    '',
    EXIT_CODES_HELP,
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== undefined && Object.hasOwn(COMMANDS, command)) return COMMANDS[command].run(rest);
  switch (command) {
    case undefined:
      process.stderr.write(usage() + '\n');
      return EXIT_INVALID;
    case 'help':
    case '--help':
    case '-h': {
      const topic = rest[0];
      if (topic !== undefined && Object.hasOwn(COMMANDS, topic)) return COMMANDS[topic].run(['--help']);
      process.stdout.write(usage() + '\n');
      return 0;
    }
    case 'version':
    case '--version':
    case '-v':
      process.stdout.write(`stampede ${toolVersion()}\n`);
      return 0;
    default: {
      const known = command.startsWith('-') ? ['--help', '--version'] : [...Object.keys(COMMANDS), 'help', 'version'];
      const guess = didYouMean(command, known);
      const what = command.startsWith('-') ? 'option' : 'command';
      process.stderr.write(`stampede: unknown ${what} '${command}'${guess ? ` — did you mean '${guess}'?` : ''} (see stampede --help)\n`);
      return EXIT_INVALID;
    }
  }
}

/** Last line of defence: a bug, never bad input, reaches here. One line and exit 70, so CI tells
 * it from a failed threshold; the stack trace only with STAMPEDE_DEBUG=1. */
function internalError(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  let version = '';
  try {
    version = ` ${toolVersion()}`;
  } catch {
    // the version is a courtesy here
  }
  const firstLine = message.split('\n')[0];
  process.stderr.write(`stampede: internal error: ${firstLine} (a bug in stampede${version}; STAMPEDE_DEBUG=1 shows the stack trace)\n`);
  if (process.env.STAMPEDE_DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(EXIT_INTERNAL);
}

process.on('uncaughtException', internalError);
process.on('unhandledRejection', internalError);
// A reader that goes away (`stampede validate … | head`) is not an error of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    internalError(error);
  });
}

// Control characters from a server, a trace or a scenario never reach the terminal as escapes.
guardTerminalOutput();
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, internalError);
