// The CLI as users get it: npm pack of packages/stampede-ai, installed with `npm install -g
// --prefix` from an empty folder outside the clone, then every subcommand run from there — the
// installed `stampede` must not need anything from this repository.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'packages/stampede-ai/package.json'), 'utf8')) as { name: string; version: string; files: string[]; dependencies?: object };

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, limitMs = 120_000): Ran {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: limitMs, env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** Starts a long-running subcommand and resolves with the first URL it prints. */
function serve(bin: string, args: string[], cwd: string): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(bin, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolveServe, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args[0]} did not start: ${output}`));
    }, 30_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolveServe({ child, url, output: () => output });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args[0]} exited ${code}: ${output}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolveStop) => {
    if (child.exitCode !== null) return resolveStop(child.exitCode);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.removeAllListeners('exit');
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolveStop(code);
    });
    child.kill('SIGTERM');
  });
}

describe('the npm package of the CLI, installed outside the clone', () => {
  let root: string;
  let work: string;
  let bin: string;
  let tarball: string;

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'stampede-package-'));
    assert.ok(relative(ROOT, root).startsWith('..'), 'the install folder is outside the clone');
    const packed = run(process.execPath, [join(ROOT, 'scripts/build-cli-package.mjs'), '--pack', join(root, 'tarball')], ROOT);
    assert.equal(packed.code, 0, packed.stderr);
    tarball = packed.stdout.trim().split('\n').pop()!;
    work = join(root, 'work');
    const prefix = join(root, 'prefix');
    spawnSync('mkdir', ['-p', work, prefix]);
    assert.deepEqual(readdirSync(work), [], 'npm install runs in an empty folder');
    // --offline: the package has no dependencies, so nothing may be fetched.
    const installed = run('npm', ['install', '-g', '--prefix', prefix, tarball, '--offline', '--no-audit', '--no-fund'], work);
    assert.equal(installed.code, 0, installed.stdout + installed.stderr);
    bin = join(prefix, 'bin', 'stampede');
  });

  after(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('the tarball holds the bundle, README, LICENSE and notices: no sources, no dependencies', () => {
    assert.equal(PACKAGE.name, 'stampede-ai');
    assert.equal(PACKAGE.dependencies, undefined, 'everything is bundled');
    const listed = run('tar', ['tzf', tarball], root).stdout.trim().split('\n').sort();
    assert.deepEqual(listed, ['package/LICENSE', 'package/README.md', 'package/THIRD_PARTY_NOTICES.md', 'package/dist/cli.js', 'package/package.json']);
    const rootVersion = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    assert.equal(PACKAGE.version, rootVersion, 'the package version follows the repository');
  });

  test('--version, and validate of a broken file exits 2 with file:line:col', () => {
    const version = run(bin, ['--version'], work);
    assert.equal(version.code, 0, version.stderr);
    assert.equal(version.stdout, `stampede ${PACKAGE.version}\n`);
    writeFileSync(join(work, 'broken.stampede.yaml'), 'name: broken\nworkload:\n  mix:\n    - { name: chat, promptTokens: 300 }\nload:\n  stages:\n    - { name: s, for: 10, rate: 2/s }\n');
    const validated = run(bin, ['validate', 'broken.stampede.yaml'], work);
    assert.equal(validated.code, 2, validated.stderr);
    assert.match(validated.stdout, /^broken\.stampede\.yaml:7:23: error: duration .10. has no unit/m);
  });

  test('run of the quickstart against the mock exits as its thresholds say, with results and reports; report renders them again', () => {
    copyFileSync(join(ROOT, 'examples/quickstart.stampede.yaml'), join(work, 'quickstart.stampede.yaml'));
    const ran = run(bin, ['run', 'quickstart.stampede.yaml', '--set', 'load.timeScale=5', '--junit', 'junit.xml', '--md', 'summary.md'], work);
    const runs = join(work, '.stampede', 'runs');
    assert.ok(existsSync(runs), ran.stdout + ran.stderr);
    const [folder] = readdirSync(runs);
    const results = JSON.parse(readFileSync(join(runs, folder, 'results.json'), 'utf8')) as { status: string; tool: { version: string }; summary: { verdict: { pass: boolean } } };
    assert.equal(ran.code, results.summary.verdict.pass ? 0 : 1, ran.stdout + ran.stderr);
    assert.equal(results.tool.version, PACKAGE.version);
    assert.ok(existsSync(join(runs, folder, 'report.html')));
    assert.match(readFileSync(join(work, 'junit.xml'), 'utf8'), /<testsuite /);
    assert.match(readFileSync(join(work, 'summary.md'), 'utf8'), /ttft\.p95 < 1\.5s/);
    assert.match(ran.stdout, /^Verdict: (PASS|FAIL)/m);

    const rendered = run(bin, ['report', join(runs, folder, 'results.json'), '--md', '-'], work);
    assert.equal(rendered.code, 0, rendered.stderr);
    assert.match(rendered.stdout, /ttft\.p95 < 1\.5s/);
  });

  test('mock serves, proxy forwards to it, both stop on SIGTERM', async () => {
    const mock = await serve(bin, ['mock', '--port', '0', '--profile', 'instant'], work);
    try {
      const proxy = await serve(bin, ['proxy', '--upstream', mock.url, '--port', '0'], work);
      try {
        const direct = await fetch(`${mock.url}/v1/models`);
        assert.equal(direct.status, 200);
        const through = await fetch(`${proxy.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }),
        });
        assert.equal(through.status, 200);
        assert.equal(((await through.json()) as { object: string }).object, 'chat.completion');
      } finally {
        assert.equal(await stop(proxy.child), 0, proxy.output());
      }
    } finally {
      assert.equal(await stop(mock.child), 0, mock.output());
    }
  });
});
