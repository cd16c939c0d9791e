// Every file the CLI writes into a folder it cannot create: a clear error and exit 2. Under /proc,
// Node 20's recursive mkdir never returned, so `run --json`, `validate --json`, reports and
// `export artillery --out` there hung with no output (the export case is in
// test/unit/artillery/export-command.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mockScenarioYaml, spawnCli, tempFolder } from './run-cli';

const UNDER_PROC = '/proc/stampede-no-such';

test('run and validate name the output they cannot write under /proc and exit 2 instead of hanging', async (t) => {
  const tmp = tempFolder();
  t.after(tmp.remove);
  const file = tmp.file('s.stampede.yaml', mockScenarioYaml());
  const cases: Array<[string[], RegExp]> = [
    [['run', file, '--json', `${UNDER_PROC}/r.json`], /cannot write results file \/proc\/stampede-no-such\/r\.json: .*ENOENT/],
    [['run', file, '--md', `${UNDER_PROC}/r.md`], /cannot write \/proc\/stampede-no-such\/r\.md: .*ENOENT/],
    [['validate', file, '--json', `${UNDER_PROC}/v.json`], /cannot write \/proc\/stampede-no-such\/v\.json: .*ENOENT/],
  ];
  for (const [args, message] of cases) {
    const run = spawnCli(args, { cwd: tmp.dir, limitMs: 60_000 });
    const { code } = await run.exit;
    assert.equal(code, 2, `${args.join(' ')}\n${run.stderr()}`);
    assert.match(run.stderr(), message);
    assert.doesNotMatch(run.stderr(), /at .*\.[jt]s:\d+/, 'no stack trace');
  }
});
