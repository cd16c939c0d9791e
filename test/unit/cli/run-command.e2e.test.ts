// `stampede run` end to end: the real CLI process, the real engine, a scripted server on
// 127.0.0.1 port 0 (or the embedded mock).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseResults, type ResultsDocument } from '../../../src/report/results-document';
import { scenarioYaml, spawnCli, tempFolder, waitFor } from './run-cli';
import { startScriptedServer } from './scripted-openai-server';

const DOCS = join(__dirname, '..', '..', '..', 'docs', 'results.md');

/** Reads a documented jq path such as `.summary.thresholds[].pass` from a results document. */
function lookup(doc: unknown, path: string): unknown[] {
  let values: unknown[] = [doc];
  for (const part of path.replace(/^\./, '').split('.')) {
    const m = /^([A-Za-z0-9_<>]+)?(\[\])?$/.exec(part);
    assert.ok(m, `documented path ${path} has an unexpected form`);
    const key = m[1] === '<class>' ? 'ok' : m[1];
    if (key !== undefined) values = values.map((v) => (v as Record<string, unknown> | null)?.[key]);
    if (m[2]) values = values.flatMap((v) => (Array.isArray(v) ? v : [undefined]));
  }
  return values;
}

test('a passing run exits 0 and writes results and a report to the default folder; documented jq paths exist', async () => {
  const server = await startScriptedServer();
  const tmp = tempFolder();
  try {
    const file = tmp.file('pass.stampede.yaml', scenarioYaml({ url: server.url, name: 'Pass run' }));
    const run = spawnCli(['run', file, '--md', 'summary.md', '--junit', 'junit.xml'], { cwd: tmp.dir });
    const { code } = await run.exit;
    assert.equal(code, 0, run.stdout() + run.stderr());
    const runs = readdirSync(join(tmp.dir, '.stampede', 'runs'));
    assert.equal(runs.length, 1);
    assert.match(runs[0], /^\d{8}-\d{6}-pass-run$/);
    const folder = join(tmp.dir, '.stampede', 'runs', runs[0]);
    assert.ok(existsSync(join(folder, 'report.html')));
    assert.match(run.stdout(), /Verdict: PASS/);
    assert.match(run.stdout(), new RegExp(`Results: \\.stampede/runs/${runs[0]}/results\\.json`));
    assert.match(run.stdout(), /Report: +\.stampede\/runs\/.*report\.html/);
    assert.match(run.stdout(), /\[\d+s\/2s\] steady · target 5\/s/, 'plain live lines when not a TTY');
    const doc = parseResults(readFileSync(join(folder, 'results.json'), 'utf8'));
    assert.equal(doc.status, 'completed');
    assert.ok((doc.summary?.requests.total ?? 0) >= 5);
    assert.ok(server.requests >= 5);
    assert.match(readFileSync(join(tmp.dir, 'summary.md'), 'utf8'), /✅ PASS/);
    assert.match(readFileSync(join(tmp.dir, 'junit.xml'), 'utf8'), /failures="0"/);
    // Every jq path that docs/results.md lists must resolve in a real file.
    // Rows typed "absent" are features this run does not use (breaking point, cache A/B, herd).
    const documented = [...readFileSync(DOCS, 'utf8').matchAll(/^\| `(\.[^`]+)` \| ((?:[^|\\]|\\.)*)\|/gm)]
      .filter((m) => !/absent/.test(m[2]))
      .map((m) => m[1]);
    assert.ok(documented.length >= 30, `docs/results.md lists its paths (${documented.length} found)`);
    for (const path of documented) {
      const values = lookup(doc, path);
      assert.ok(values.length > 0 && values.every((v) => v !== undefined), `${path} is missing from a real results file`);
    }
  } finally {
    tmp.remove();
    await server.close();
  }
});

test('a breached threshold exits 1 and the verdict names it with its first breach', async () => {
  const server = await startScriptedServer({ ttftMs: 30 });
  const tmp = tempFolder();
  try {
    const file = tmp.file('fail.stampede.yaml', scenarioYaml({ url: server.url, thresholds: ['ttft.p95 < 5ms', 'errors.rate < 50%'] }));
    const run = spawnCli(['run', file, '--json', 'out/r.json'], { cwd: tmp.dir });
    const { code } = await run.exit;
    assert.equal(code, 1, run.stdout() + run.stderr());
    assert.match(run.stdout(), /Verdict: FAIL/);
    assert.match(run.stdout(), /First breach: ttft\.p95 < 5ms at \d+s in stage steady \(target 5\/s/);
    assert.match(run.stdout(), /✘ ttft\.p95 < 5ms/);
    assert.match(run.stdout(), /✔ errors\.rate < 50%/);
    assert.ok(existsSync(join(tmp.dir, 'out', 'r.html')), 'report goes beside --json');
    const doc = parseResults(readFileSync(join(tmp.dir, 'out', 'r.json'), 'utf8'));
    assert.equal(doc.summary?.thresholds[0].pass, false);
    assert.ok(doc.summary?.thresholds[0].firstBreach);
  } finally {
    tmp.remove();
    await server.close();
  }
});

test('abortOnFail and a budget abort exit 3 with results kept', async () => {
  const server = await startScriptedServer({ ttftMs: 30 });
  const tmp = tempFolder();
  try {
    const abortOnFail = tmp.file('a.stampede.yaml', scenarioYaml({ url: server.url, seconds: 30, thresholds: ['{ expr: "ttft.p95 < 5ms", abortOnFail: true }'] }));
    const budget = tmp.file(
      'b.stampede.yaml',
      scenarioYaml({
        url: server.url,
        seconds: 30,
        rate: '20/s',
        provider: '    pricing: { input: 100000, output: 100000 }',
        extra: 'budget: { maxCostUsd: 1, onExceed: abort }',
      }),
    );
    const [a, b] = [spawnCli(['run', abortOnFail, '--json', 'a.json', '-q'], { cwd: tmp.dir }), spawnCli(['run', budget, '--json', 'b.json', '-q'], { cwd: tmp.dir })];
    const [ea, eb] = await Promise.all([a.exit, b.exit]);
    assert.equal(ea.code, 3, a.stdout() + a.stderr());
    assert.equal(eb.code, 3, b.stdout() + b.stderr());
    assert.match(a.stdout(), /Verdict: ABORTED/);
    assert.doesNotMatch(a.stdout(), /\[\d+s\//, '--quiet prints no live lines');
    for (const name of ['a.json', 'b.json']) {
      const doc = parseResults(readFileSync(join(tmp.dir, name), 'utf8'));
      assert.equal(doc.status, 'aborted', name);
      assert.ok((doc.summary?.durationMs ?? 1e9) < 25_000, `${name} ended early`);
    }
  } finally {
    tmp.remove();
    await server.close();
  }
});

test('invalid input exits 2 with one clear line: problems, bad --set, missing, empty and binary files, usage', async () => {
  const tmp = tempFolder();
  try {
    const bad = tmp.file('bad.stampede.yaml', 'name: bad\nload:\n  stages:\n    - { name: s, for: 2s, rate: fast }\n');
    const good = tmp.file('good.stampede.yaml', scenarioYaml({ url: 'http://127.0.0.1:9/v1' }));
    const empty = tmp.file('empty.stampede.yaml', '  \n');
    const binary = tmp.file('bin.stampede.yaml', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
    const cases: Array<[string[], RegExp]> = [
      [['run', bad], /bad\.stampede\.yaml:\d+:\d+: error: .+/],
      [['run', good, '--set', 'load.stages[3].rate=5/s'], /^stampede run: --set load\.stages\[3\]\.rate=5\/s: index \[3\] is out of range: load\.stages has 1 entry$/m],
      [['run', good, '--set', 'load.timeScale'], /^stampede run: --set load\.timeScale: expected path=value/m],
      [['run', good, '--set', 'load.stages[0].rate=fast'], /^--set load\.stages\[0\]\.rate=fast: error: invalid rate 'fast'.*\(load\.stages\[0\]\.rate\)$/m],
      [['run', join(tmp.dir, 'nope.yaml')], /^stampede run: .*nope\.yaml: no such file$/m],
      [['run', empty], /^stampede run: .*empty\.stampede\.yaml is empty$/m],
      [['run', binary], /^stampede run: .*bin\.stampede\.yaml is a binary file/m],
      [['run', tmp.dir], /is a folder/],
      [['run'], /missing the scenario file/],
    ];
    const runs: Array<ReturnType<typeof spawnCli>> = [];
    // Two at a time: each is a fresh Node process compiling TypeScript on a shared machine.
    for (let i = 0; i < cases.length; i += 1) {
      if (i % 2 === 0) for (const j of [i, i + 1]) if (j < cases.length) runs[j] = spawnCli(cases[j][0], { cwd: tmp.dir });
      const { code } = await runs[i].exit;
      const err = runs[i].stderr();
      assert.equal(code, 2, `${cases[i][0].join(' ')}: ${err}`);
      assert.match(err, cases[i][1]);
      assert.doesNotMatch(err, /\n\s+at /, 'no stack trace');
    }
    assert.ok(!existsSync(join(tmp.dir, '.stampede')), 'nothing written for invalid input');
  } finally {
    tmp.remove();
  }
});

test('SIGINT mid-run stops within a couple of seconds, writes results and report, exits 130', async () => {
  const server = await startScriptedServer();
  const tmp = tempFolder();
  try {
    const file = tmp.file('long.stampede.yaml', scenarioYaml({ url: server.url, seconds: 60 }));
    const run = spawnCli(['run', file, '--json', 'r.json'], { cwd: tmp.dir });
    await waitFor(() => /\[2s\/1m00s\]/.test(run.stdout()), 30_000, 'two live lines');
    const sentAt = Date.now();
    run.child.kill('SIGINT');
    const { code } = await run.exit;
    const took = Date.now() - sentAt;
    assert.equal(code, 130, run.stdout() + run.stderr());
    assert.ok(took < 8000, `stopped in ${took} ms`);
    assert.match(run.stdout(), /Verdict: STOPPED \(SIGINT, after \d+s\)/);
    const doc = parseResults(readFileSync(join(tmp.dir, 'r.json'), 'utf8'));
    assert.equal(doc.status, 'stopped');
    assert.ok(doc.summary && doc.series.length >= 2);
    assert.ok(existsSync(join(tmp.dir, 'r.html')));
  } finally {
    tmp.remove();
    await server.close();
  }
});

test('SIGKILL mid-run leaves a readable results file', async () => {
  const server = await startScriptedServer();
  const tmp = tempFolder();
  try {
    const file = tmp.file('long.stampede.yaml', scenarioYaml({ url: server.url, seconds: 60 }));
    const run = spawnCli(['run', file, '--json', 'r.json', '-q'], { cwd: tmp.dir });
    const path = join(tmp.dir, 'r.json');
    let doc: ResultsDocument | null = null;
    await waitFor(() => {
      try {
        doc = parseResults(readFileSync(path, 'utf8'));
        return doc.series.length >= 3;
      } catch {
        return false;
      }
    }, 30_000, 'three seconds of series on disk');
    run.child.kill('SIGKILL');
    await run.exit;
    const after = parseResults(readFileSync(path, 'utf8'));
    assert.equal(after.status, 'running');
    assert.equal(after.summary, null);
    assert.ok(after.series.length >= 3);
    assert.ok(after.run);
  } finally {
    tmp.remove();
    await server.close();
  }
});

test('secret values never reach results, reports, stdout or stderr', async () => {
  const server = await startScriptedServer();
  const tmp = tempFolder();
  const secret = 'sk-live-123456789-secret';
  const envToken = 'env-token-987654321';
  try {
    const file = tmp.file(
      'secret.stampede.yaml',
      scenarioYaml({
        url: server.url,
        name: '<script>alert("x")</script>',
        thresholds: ['ttft.p95 < 1ms'],
        provider: '    apiKey: ${secret:STAMPEDE_TEST_KEY}\n    headers: { X-Api-Key: "${env:STAMPEDE_TEST_TOKEN}" }\n  - id: backup\n    type: openai\n    baseUrl: http://127.0.0.1:9/v1\n    model: m\n    headers: { Authorization: "Bearer ${env:STAMPEDE_TEST_TOKEN}" }',
      }),
    );
    const run = spawnCli(['run', file, '--json', 'r.json', '--md', 'r.md', '--junit', 'r.xml'], {
      cwd: tmp.dir,
      env: { STAMPEDE_TEST_KEY: secret, STAMPEDE_TEST_TOKEN: envToken },
    });
    const { code } = await run.exit;
    assert.equal(code, 1, run.stdout() + run.stderr());
    assert.equal(server.headers[0]?.authorization, `Bearer ${secret}`, 'the secret was resolved and sent');
    assert.equal(server.headers[0]?.['x-api-key'], envToken);
    const outputs = {
      stdout: run.stdout(),
      stderr: run.stderr(),
      results: readFileSync(join(tmp.dir, 'r.json'), 'utf8'),
      report: readFileSync(join(tmp.dir, 'r.html'), 'utf8'),
      markdown: readFileSync(join(tmp.dir, 'r.md'), 'utf8'),
      junit: readFileSync(join(tmp.dir, 'r.xml'), 'utf8'),
    };
    for (const [name, text] of Object.entries(outputs)) {
      assert.ok(!text.includes(secret), `secret in ${name}`);
      assert.ok(!text.includes(envToken), `env token in ${name}`);
    }
    assert.ok(outputs.results.includes('${secret:STAMPEDE_TEST_KEY}'), 'reference text kept');
    assert.ok(!outputs.report.includes('<script>alert'), 'scenario name escaped in the report');
    assert.doesNotMatch(outputs.report, /<script|<link|src="http/i);
  } finally {
    tmp.remove();
    await server.close();
  }
});

test('a second Ctrl-C quits at once and the results file stays readable', async () => {
  const server = await startScriptedServer({ ttftMs: 3000 });
  const tmp = tempFolder();
  try {
    // Slow answers keep requests in flight, so the first stop has something to wait for.
    const file = tmp.file('long.stampede.yaml', scenarioYaml({ url: server.url, seconds: 60 }));
    const run = spawnCli(['run', file, '--json', 'r.json'], { cwd: tmp.dir });
    await waitFor(() => /\[2s\/1m00s\]/.test(run.stdout()), 30_000, 'two live lines');
    run.child.kill('SIGINT');
    await waitFor(() => /Stopping \(SIGINT\)/.test(run.stdout()), 10_000, 'the stopping message');
    run.child.kill('SIGINT');
    const { code, signal } = await run.exit;
    const doc = parseResults(readFileSync(join(tmp.dir, 'r.json'), 'utf8'));
    assert.ok(doc.series.length >= 2);
    // The first stop takes well under a second. When it has already finished (verdict printed,
    // results complete), the second signal can land while Node tears the process down, after
    // its handlers are gone, and end it by the signal itself; nothing is lost then. Otherwise the
    // second Ctrl-C must quit with 130.
    const firstStopFinished = /^Results: /m.test(run.stdout()) && doc.summary !== null;
    if (!(firstStopFinished && code === null && signal === 'SIGINT')) assert.equal(code, 130, run.stdout() + run.stderr());
  } finally {
    tmp.remove();
    await server.close();
  }
});
