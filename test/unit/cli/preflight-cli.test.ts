// `stampede run` refuses a run whose configuration cannot work before it sends anything: a
// missing ${env:…} at its line, no provider reachable. Exit 2, and no results folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { spawnCli, tempFolder } from './run-cli';

const scenario = (baseUrl: string) => `name: Refused
providers:
  - id: staging
    type: openai
    baseUrl: ${baseUrl}
    model: m
    pricing: { input: 1, output: 1 }
workload:
  mix:
    - { name: chat, weight: 1, promptTokens: 10, maxTokens: 5 }
load:
  stages:
    - { for: 2s, rate: 1/s }
`;

test('a missing ${env:…} is reported at its line before the run, with exit 2 and nothing written', async () => {
  const tmp = tempFolder();
  try {
    const file = tmp.file('refused.stampede.yaml', scenario('${env:STAMPEDE_CLI_UNSET_URL}'));
    const run = spawnCli(['run', file], { cwd: tmp.dir });
    const { code } = await run.exit;
    assert.equal(code, 2, run.stdout() + run.stderr());
    assert.match(run.stderr(), /refused\.stampede\.yaml:5:14: error: providers\[0\]\.baseUrl: environment variable STAMPEDE_CLI_UNSET_URL is not set/);
    assert.match(run.stderr(), /the run was not started: nothing was sent and no results were written/);
    assert.doesNotMatch(run.stdout(), /Verdict/);
    assert.equal(existsSync(join(tmp.dir, '.stampede')), false);
  } finally {
    tmp.remove();
  }
});

test('a provider that refuses connections is reported before the run, with exit 2 and nothing written', async () => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  const tmp = tempFolder();
  try {
    const file = tmp.file('down.stampede.yaml', scenario(`http://127.0.0.1:${port}/v1`));
    const run = spawnCli(['run', file], { cwd: tmp.dir });
    const { code } = await run.exit;
    assert.equal(code, 2, run.stdout() + run.stderr());
    assert.match(run.stderr(), new RegExp(`127\\.0\\.0\\.1:${port}: refused the connection`));
    assert.equal(existsSync(join(tmp.dir, '.stampede')), false);
  } finally {
    tmp.remove();
  }
});
