// Issue 11: prompt and data files are read whole before a run, so they must be regular files
// within a size cap — /dev/zero as a prompt file filled 16.9 GB and aborted the process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mockScenarioYaml, spawnCli, tempFolder } from '../cli/run-cli';

for (const [field, device] of [
  ['prompt: { file: /dev/zero }', '/dev/zero'],
  ['prompt: { template: "{{a}}", data: { file: /dev/urandom, format: csv } }', '/dev/urandom'],
] as const) {
  test(`${device} as a ${field.startsWith('prompt: { file') ? 'prompt' : 'data'} file is refused at once as not a regular file (it used to fill 16.9 GB)`, async () => {
    const tmp = tempFolder();
    try {
      const file = tmp.file('dev.stampede.yaml', mockScenarioYaml('').replace('promptTokens: 20, ', `${field}, `));
      const run = spawnCli(['run', file, '--quiet'], { cwd: tmp.dir, limitMs: 60_000 });
      const { code, signal } = await run.exit;
      assert.equal(signal, null, `killed by ${signal}: ${run.stderr()}`);
      assert.equal(code, 2, run.stdout() + run.stderr());
      assert.match(run.stdout() + run.stderr(), new RegExp(`${device.replace(/\//g, '\\/')}.*not a regular file`));
    } finally {
      tmp.remove();
    }
  });
}

test('a prompt file over the size limit is refused with the limit named', async () => {
  const tmp = tempFolder();
  try {
    tmp.file('huge.txt', 'word '.repeat(4 * 1024 * 1024));
    const file = tmp.file('huge.stampede.yaml', mockScenarioYaml('').replace('promptTokens: 20, ', 'prompt: { file: huge.txt }, '));
    const run = spawnCli(['run', file, '--quiet'], { cwd: tmp.dir });
    const { code } = await run.exit;
    assert.equal(code, 2, run.stdout() + run.stderr());
    assert.match(run.stdout() + run.stderr(), /huge\.txt.*larger than 16 MiB/);
  } finally {
    tmp.remove();
  }
});

