import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRunArgs } from '../../../src/cli/run-args';

test('options in both spellings, repeatable --set', () => {
  const r = parseRunArgs(['s.stampede.yaml', '--json', 'o.json', '--report=r.html', '--set', 'a=1', '--set=b.c[0]=x', '-q', '--md', 'm.md', '--junit', 'j.xml']);
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.equal(r.args.file, 's.stampede.yaml');
  assert.equal(r.args.json, 'o.json');
  assert.equal(r.args.report, 'r.html');
  assert.equal(r.args.md, 'm.md');
  assert.equal(r.args.junit, 'j.xml');
  assert.deepEqual(r.args.sets, ['a=1', 'b.c[0]=x']);
  assert.equal(r.args.quiet, true);
});

test('usage errors are one line', () => {
  for (const [argv, message] of [
    [[], /missing the scenario file/],
    [['a', 'b'], /one scenario file expected/],
    [['a', '--json'], /--json needs a value/],
    [['a', '--bogus'], /unknown option '--bogus'/],
    [['a', '-x'], /unknown option '-x'/],
  ] as Array<[string[], RegExp]>) {
    const r = parseRunArgs(argv);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.message, message);
  }
});
