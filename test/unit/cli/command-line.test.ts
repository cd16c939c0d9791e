// The one argument parser: flags from a declaration, --help from the same declaration, usage
// errors as one line with a suggestion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatHelp, parseCommandLine, UsageError, type CommandSpec } from '../../../src/cli/command-line';

const SPEC: CommandSpec = {
  name: 'demo',
  synopsis: 'FILE [options]',
  summary: 'A command for the test.',
  options: {
    json: { type: 'string', value: 'PATH', output: true, description: 'results file', default: 'results.json' },
    set: { type: 'string', value: 'K=V', multiple: true, description: 'override' },
    quiet: { type: 'boolean', short: 'q', description: 'less output' },
  },
};

const usageError = (argv: string[]) => {
  try {
    parseCommandLine(SPEC, argv);
  } catch (error) {
    assert.ok(error instanceof UsageError, String(error));
    return error.message;
  }
  assert.fail(`no usage error for ${argv.join(' ')}`);
};

test('values in both spellings, repeatable options, short flags, positionals after --', () => {
  const parsed = parseCommandLine(SPEC, ['a.yaml', '--json=o.json', '--set', 'x=1', '--set=y=2', '-q', '--', '--literal']);
  assert.deepEqual(parsed.values, { json: 'o.json', set: ['x=1', 'y=2'], quiet: true });
  assert.deepEqual(parsed.positionals, ['a.yaml', '--literal']);
  assert.equal(parsed.help, false);
  assert.equal(parseCommandLine(SPEC, ['--json', '-']).values.json, '-');
  assert.equal(parseCommandLine(SPEC, ['-h']).help, true);
});

test('usage errors name the flag, and an unknown flag its closest known one', () => {
  assert.equal(usageError(['--jsn', 'o.json']), "unknown option '--jsn' — did you mean '--json'?");
  assert.equal(usageError(['--frobnicate']), "unknown option '--frobnicate'");
  assert.equal(usageError(['-x']), "unknown option '-x'");
  assert.equal(usageError(['--json']), '--json needs a value (PATH)');
  assert.equal(usageError(['--json', '--quiet']), '--json needs a value (PATH)');
  assert.equal(usageError(['--quiet=yes']), "--quiet takes no value (got '--quiet=yes')");
  assert.match(usageError(['--json', 'a.stampede.yaml']), /looks like a scenario/);
});

test('--help lists every flag with its value, default and repeatability', () => {
  const help = formatHelp(SPEC);
  assert.match(help, /^Usage: stampede demo FILE \[options\]$/m);
  assert.match(help, /^ {6}--json PATH\s+results file \(default: results\.json\)$/m);
  assert.match(help, /^ {6}--set K=V\s+override \(repeatable\)$/m);
  assert.match(help, /^ {2}-q, --quiet\s+less output$/m);
  assert.match(help, /^ {2}-h, --help\s+show this help and exit$/m);
});
