import { runValidateCommand } from './validate-command';
import { runRunCommand } from './run-command';
import { runMockCommand } from './mock-command';
import { runReportCommand } from './report-command';
import { runProxyCommand } from './proxy-command';
import { guardTerminalOutput } from './terminal-style';
import { runFitCommand } from './fit-command';
import { runExportCommand } from './export-command';

const USAGE = `stampede — load tests for AI features

Usage:
  stampede run FILE [--json out.json] [--report out.html] [--md out.md] [--junit out.xml]
                    [--quiet] [--set path=value]...
  stampede report RESULTS.json [--report out.html] [--md out.md] [--junit out.xml]
  stampede report --from-artillery REPORT.json [--script artillery.yml] [--report out.html] [--md out.md] [--junit out.xml]
  stampede export artillery FILE --workers N --out DIR [--set path=value]...
  stampede validate FILE... [--json]
  stampede fit TRACE --out FILE [--format F] [--columns K=FIELD,...] [--time-unit U] [--force]
  stampede mock [--port N] [--host H] [--profile P] [--seed N]
  stampede proxy --upstream URL [--faults FILE] [--port N] [--host H] [--start-delay D] [--seed N]
  stampede help

Exit codes: 0 ok, 1 a threshold failed or had no data, 2 invalid scenario or usage, 3 run aborted,
130/143 stopped by SIGINT/SIGTERM (results are still written).`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return runRunCommand(rest);
    case 'validate':
      return runValidateCommand(rest);
    case 'mock':
      return runMockCommand(rest);
    case 'proxy':
      return runProxyCommand(rest);
    case 'report':
      return runReportCommand(rest);
    case 'fit':
      return runFitCommand(rest);
    case 'export':
      return runExportCommand(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE + '\n');
      return command === undefined ? 2 : 0;
    case '--version':
    case '-v':
      process.stdout.write('stampede 0.1.0\n');
      return 0;
    default:
      process.stderr.write(`stampede: unknown command '${command}'\n\n${USAGE}\n`);
      return 2;
  }
}

guardTerminalOutput();
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Last line of defence: a bug, never bad input, reaches here. One line, no stack trace
    // unless STAMPEDE_DEBUG is set.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`stampede: internal error: ${message}\n`);
    if (process.env.STAMPEDE_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = 70;
  },
);
