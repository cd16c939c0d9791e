// What every subcommand shares: --help exits 0 and lists its flags with defaults, an unknown flag
// exits 2 with a suggestion, --version comes from package.json, and a bug exits 70 with one line
// (the stack trace only with STAMPEDE_DEBUG=1). Run through the real CLI entry point.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnCli, tempFolder } from './run-cli';

const ROOT = resolve(__dirname, '..', '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'cli');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

// Flags each subcommand's help must list, with a default where one applies.
const HELP: Record<string, RegExp[]> = {
  run: [/--json PATH .*\(default: \.stampede\/runs\//, /--set PATH=VALUE .*repeatable/, /--dry-run/, /-q, --quiet/, /--no-color/, /^ {2}70 /m],
  validate: [/--json PATH/],
  report: [/--report PATH/, /--md PATH/, /--junit PATH/, /--from-artillery REPORT\.json/, /--script PATH .*\(default: artillery\.yml beside the report/],
  mock: [/--port N .*\(default: 8000\)/, /--profile NAME .*\(default: small-gpu\)/, /--seed N .*\(default: 1\)/],
  proxy: [/--upstream URL/, /--port N .*\(default: 8787\)/, /--start-delay DURATION .*\(default: 0s\)/],
  export: [/--workers N .*\(default: 1\)/, /--out DIR/, /--set PATH=VALUE .*\(repeatable\)/],
};

test('--help of every subcommand exits 0 and lists its flags with defaults', async () => {
  const tmp = tempFolder();
  try {
    const runs = Object.keys(HELP).map((command) => ({ command, cli: spawnCli([command, '--help'], { cwd: tmp.dir }) }));
    for (const { command, cli } of runs) {
      const { code } = await cli.exit;
      assert.equal(code, 0, `${command} --help: ${cli.stderr()}`);
      assert.match(cli.stdout(), new RegExp(`^Usage: stampede ${command} `));
      assert.match(cli.stdout(), /-h, --help/);
      for (const pattern of HELP[command]) assert.match(cli.stdout(), pattern, `${command} --help`);
    }
  } finally {
    tmp.remove();
  }
});

test('an unknown flag exits 2 with one line and a did-you-mean; --version is the package version', async () => {
  const tmp = tempFolder();
  try {
    const cases: Array<[string[], RegExp]> = [
      [['run', 'x.stampede.yaml', '--jsn', 'out.json'], /^stampede run: unknown option '--jsn' — did you mean '--json'\? \(see stampede run --help\)\n$/],
      [['validate', '--jsno', '-', 'x.yaml'], /^stampede validate: unknown option '--jsno' — did you mean '--json'\?/],
      [['report', 'r.json', '--junti', 'j.xml'], /^stampede report: unknown option '--junti' — did you mean '--junit'\?/],
      [['mock', '--prot', '0'], /^stampede mock: unknown option '--prot' — did you mean '--port'\?/],
      [['proxy', '--upstrem', 'http://127.0.0.1:9'], /^stampede proxy: unknown option '--upstrem' — did you mean '--upstream'\?/],
      [['export', 'artillery', 'x.yaml', '--wrkers', '2'], /^stampede export: unknown option '--wrkers' — did you mean '--workers'\?/],
      [['report', '--from-artilery', 'r.json'], /^stampede report: unknown option '--from-artilery' — did you mean '--from-artillery'\?/],
      [['rnu', 'x.yaml'], /^stampede: unknown command 'rnu' — did you mean 'run'\?/],
    ];
    const runs = cases.map(([args]) => spawnCli(args, { cwd: tmp.dir }));
    for (const [i, cli] of runs.entries()) {
      const { code } = await cli.exit;
      assert.equal(code, 2, `${cases[i][0].join(' ')}: ${cli.stderr()}`);
      assert.match(cli.stderr(), cases[i][1]);
      assert.equal(cli.stderr().trim().split('\n').length, 1, cli.stderr());
      assert.equal(cli.stdout(), '');
    }
    const version = spawnCli(['--version'], { cwd: tmp.dir });
    assert.equal((await version.exit).code, 0);
    assert.equal(version.stdout(), `stampede ${VERSION}\n`);
  } finally {
    tmp.remove();
  }
});

test('an internal error exits 70 with one line, the stack trace only with STAMPEDE_DEBUG=1', async () => {
  const tmp = tempFolder();
  try {
    const onMainPath = spawnCli(['--version'], { cwd: tmp.dir, nodeArgs: ['--import', join(FIXTURES, 'throw-on-stdout.mjs')] });
    const inATimer = spawnCli(['mock', '--port', '0', '--profile', 'instant'], { cwd: tmp.dir, nodeArgs: ['--import', join(FIXTURES, 'throw-in-timer.mjs')] });
    const debug = spawnCli(['--version'], { cwd: tmp.dir, env: { STAMPEDE_DEBUG: '1' }, nodeArgs: ['--import', join(FIXTURES, 'throw-on-stdout.mjs')] });
    for (const [cli, message] of [[onMainPath, 'forced failure: stdout.write is broken'], [inATimer, 'forced failure in a timer']] as const) {
      const { code } = await cli.exit;
      assert.equal(code, 70, cli.stderr());
      const lines = cli.stderr().trim().split('\n');
      assert.equal(lines.at(-1), `stampede: internal error: ${message} (a bug in stampede ${VERSION}; STAMPEDE_DEBUG=1 shows the stack trace)`);
      assert.doesNotMatch(cli.stderr(), /\n\s+at /, 'no stack trace');
    }
    assert.equal((await debug.exit).code, 70);
    assert.match(debug.stderr(), /internal error: forced failure[\s\S]*\n\s+at /, 'STAMPEDE_DEBUG=1 prints the stack');
  } finally {
    tmp.remove();
  }
});
