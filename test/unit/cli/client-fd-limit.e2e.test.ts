// A run that outgrows its own process's file-descriptor limit (`ulimit -n` lowered in a child
// process): the preflight warns with the numbers before the first request, and when connections
// then fail with EMFILE the results and "what broke first" name the client's own limit, never
// the system under test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseResults } from '../../../src/report/results-document';
import { spawnCli, tempFolder } from './run-cli';
import { startScriptedServer } from './scripted-openai-server';

const FD_LIMIT = 160;
const USERS = 400;

test('a run past a lowered file-descriptor limit is warned of with the numbers, and its EMFILE failures are named as the client limit in the results and in what broke first', async () => {
  // Slow streams (a token every 100 ms after 200 ms) so each user holds its connection long
  // enough for the 400 of them to need more descriptors than the child may open.
  const server = await startScriptedServer({ ttftMs: 200, tokens: 10, itlMs: 100 });
  const tmp = tempFolder();
  try {
    const file = tmp.file(
      'fds.stampede.yaml',
      `name: fd limit
providers:
  - id: api
    type: openai
    baseUrl: ${server.url}
    model: test-model
workload:
  stream: true
  mix:
    - { name: chat, promptTokens: 20, maxTokens: 10 }
load:
  model: closed
  thinkTime: 50ms
  stages:
    - { name: hold, for: 3s, users: ${USERS} }
thresholds:
  - errors.rate < 50%
`,
    );
    // `ulimit -n` lowers the soft and hard limits together, so Node cannot raise it back. The
    // built CLI: through tsx with a cold cache (a fresh clone) the child ran out of descriptors
    // while loading its own modules, before the run began.
    const run = spawnCli(['run', file], { cwd: tmp.dir, limitMs: 120_000, shell: `ulimit -n ${FD_LIMIT}`, built: true });
    const { code } = await run.exit;
    const output = run.stdout() + run.stderr();
    assert.notEqual(code, 0, output);

    // The preflight, before any request: the numbers and the setting to change.
    assert.match(output, new RegExp(`preflight: the plan may open up to [\\d,]+ file descriptors of connections \\(${USERS} users\\b.*this process may open ${FD_LIMIT} files \\(ulimit -n\\)`));

    const folder = join(tmp.dir, '.stampede', 'runs', readdirSync(join(tmp.dir, '.stampede', 'runs'))[0]);
    const results = parseResults(readFileSync(join(folder, 'results.json'), 'utf8'));
    const summary = results.summary!;
    const emfile = summary.networkErrors?.find((e) => e.code === 'EMFILE');
    assert.ok(emfile && emfile.count > 0, `networkErrors ${JSON.stringify(summary.networkErrors)}`);
    assert.equal(emfile.phase, 'connect');
    assert.equal(emfile.clientLimit, 'file-descriptors');
    const finding = summary.clientLimits?.find((f) => f.kind === 'file-descriptors');
    assert.ok(finding, `clientLimits ${JSON.stringify(summary.clientLimits)}`);
    assert.match(finding.message, new RegExp(`^file descriptors at the limit \\(${FD_LIMIT}\\): EMFILE at [\\d.]+ s, [\\d,]+ attempts failed in Stampede before reaching the server`));
    assert.match(finding.hint, /ulimit -n/);
    assert.equal(finding.failed, emfile.count);

    // "What broke first" is the client's own limit, and the verdict does not blame the server.
    assert.equal(summary.analysis?.firstBreak?.kind, 'client-limit');
    assert.match(summary.analysis!.firstBreak!.message, /file descriptors at the limit .* a limit of the load tester, not of the system under test/);
    assert.equal(summary.verdict.pass, false);
    assert.equal(summary.verdict.inconclusive, true);
    assert.match(summary.verdict.headline, /^INCONCLUSIVE — file descriptors at the limit/);
    assert.match(run.stdout(), /Verdict: INCONCLUSIVE — file descriptors at the limit/);
  } finally {
    tmp.remove();
    await server.close();
  }
});
