// Regression tests for issue 11's hostile files: `validate` and `run` read scenario files by the
// same rules (size, binary, regular files only), prompt and data files are capped and must be
// regular files, and terminal output never carries raw control bytes from a scenario.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { escapeControlChars } from '../../../src/cli/terminal-style';
import { mockScenarioYaml, spawnCli, tempFolder } from '../cli/run-cli';

async function both(file: string, cwd: string): Promise<{ validate: { code: number | null; out: string }; run: { code: number | null; out: string } }> {
  const v = spawnCli(['validate', file], { cwd });
  const r = spawnCli(['run', file, '--quiet'], { cwd });
  const [ve, re] = await Promise.all([v.exit, r.exit]);
  return { validate: { code: ve.code, out: v.stdout() + v.stderr() }, run: { code: re.code, out: r.stdout() + r.stderr() } };
}

test('validate and run refuse a file over 5 MB alike', async () => {
  const tmp = tempFolder();
  try {
    const big = tmp.file('big.stampede.yaml', mockScenarioYaml() + `description: "${'x'.repeat(5 * 1024 * 1024)}"\n`);
    const { validate, run } = await both(big, tmp.dir);
    assert.equal(validate.code, 2, validate.out);
    assert.equal(run.code, 2, run.out);
    assert.match(validate.out, /larger than 5 MB|too large/);
    assert.match(run.out, /larger than 5 MB|too large/);
    assert.ok(!existsSync(join(tmp.dir, '.stampede')), 'run wrote nothing');
  } finally {
    tmp.remove();
  }
});

test('a NUL byte after the first 8 KB is binary for validate, as it is for run', async () => {
  const tmp = tempFolder();
  try {
    const text = mockScenarioYaml() + `description: "${'x'.repeat(9000)}"\n`;
    const file = tmp.file('nul.stampede.yaml', Buffer.concat([Buffer.from(text), Buffer.from([0]), Buffer.from('\n')]));
    const { validate, run } = await both(file, tmp.dir);
    assert.equal(validate.code, 2, validate.out);
    assert.equal(run.code, 2, run.out);
    assert.match(validate.out, /binary/);
    assert.match(run.out, /binary/);
  } finally {
    tmp.remove();
  }
});

test('a scenario path that is not a regular file (a device) is refused by both, without reading it', async () => {
  const tmp = tempFolder();
  try {
    const { validate, run } = await both('/dev/zero', tmp.dir);
    assert.equal(validate.code, 2, validate.out);
    assert.equal(run.code, 2, run.out);
    assert.match(validate.out, /not a regular file/);
    assert.match(run.out, /not a regular file/);
  } finally {
    tmp.remove();
  }
});

test('--dry-run and validate escape control bytes from the scenario instead of printing them raw', async () => {
  const tmp = tempFolder();
  try {
    const name = 'evil\u001b[2J\u001b]0;owned\u0007\rname\u0008';
    const file = tmp.file('ctl.stampede.yaml', mockScenarioYaml('', name));
    const dry = spawnCli(['run', file, '--dry-run'], { cwd: tmp.dir });
    const { code } = await dry.exit;
    assert.equal(code, 0, dry.stderr());
    assert.match(dry.stdout(), /Dry run of "evil/);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(dry.stdout(), /[\u0000-\u0008\u000b-\u001f\u007f]/, 'no raw control byte on stdout');
    assert.match(dry.stdout(), /\\u001b\[2J/);
    const bad = tmp.file('ctl-bad.stampede.yaml', `name: x\nload:\n  stages:\n    - { for: 1s, rate: "fast\u001b[2J" }\n`);
    const v = spawnCli(['validate', bad], { cwd: tmp.dir });
    await v.exit;
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(v.stdout() + v.stderr(), /[\u0000-\u0008\u000b-\u001f\u007f]/);
  } finally {
    tmp.remove();
  }
});

test('escapeControlChars: every control byte is shown as an escape; only our own colours and cursor moves pass, and only when allowed', () => {
  const hostile = 'a\u001b]0;title\u0007b\u001b[2Jc\rd\u0008e\u009bf\u202eg\tok\n';
  assert.equal(escapeControlChars(hostile), 'a\\u001b]0;title\\u0007b\\u001b[2Jc\\u000dd\\u0008e\\u009bf\\u202eg\tok\n');
  const styled = '\u001b[1mVerdict:\u001b[22m \u001b[31mFAIL\u001b[39m\u001b[?25l\u001b[3F\u001b[J';
  assert.equal(escapeControlChars(styled, true), styled);
  assert.equal(escapeControlChars(styled + '\u001b[2J', true), styled + '\\u001b[2J');
  assert.equal(escapeControlChars('\u001b[31mred\u001b[39m'), '\\u001b[31mred\\u001b[39m');
});
