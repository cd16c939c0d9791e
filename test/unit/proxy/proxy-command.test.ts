import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startScriptedUpstream } from './scripted-upstream';

const commandModule = join(__dirname, '../../../src/cli/proxy-command.ts');

// Runs `stampede proxy ARGS` through runProxyCommand, the way src/cli/main.ts dispatches it.
function startCommand(args: string[]): ChildProcess {
  const script = `
    const m = await import(${JSON.stringify(commandModule)});
    const { runProxyCommand } = m.runProxyCommand ? m : m.default;
    process.exitCode = await runProxyCommand(${JSON.stringify(args)});
  `;
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
}

function finish(child: ChildProcess, onStdout?: (text: string) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout!.on('data', (d) => {
      stdout += d;
      onStdout?.(stdout);
    });
    child.stderr!.on('data', (d) => (stderr += d));
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function post(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end('{}');
  });
}

test('stampede proxy prints its URL and schedule, injects faults, and stops cleanly on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-proxy-'));
  const upstream = await startScriptedUpstream();
  try {
    const file = join(dir, 'faults.yaml');
    writeFileSync(file, 'faults:\n  - { kind: outage, at: 0s, for: 10m }\n');
    const child = startCommand(['--upstream', upstream.url + '/?api_key=hidden', '--faults', file, '--port', '0']);
    let statuses: Promise<number> | null = null;
    const done = await finish(child, (text) => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
      if (match && statuses === null) {
        statuses = post(match[1] + '/v1/chat').then((status) => {
          child.kill('SIGTERM');
          return status;
        });
      }
    });
    assert.equal(await statuses, 503);
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stdout, /-> http:\/\/127\.0\.0\.1:\d+ \(status http:\/\/127\.0\.0\.1:\d+\/proxy\/status\)/);
    assert.match(done.stdout, /0s\.\.600s outage \(503 answers\)/);
    assert.match(done.stdout, /stopped on SIGTERM after 1 attempt: 0 forwarded, 1 answered by faults; faults injected: outage 1/);
    assert.ok(!done.stdout.includes('hidden'), 'the upstream query (keys) is never printed');
    assert.equal(upstream.seen.length, 0);
  } finally {
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a bad fault file or missing flag exits 2 with one line per problem', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-proxy-'));
  try {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'faults:\n  - { kind: latency, at: 5, for: 1s, add: 1s }\n');
    // Four children at once: each pays tsx's start-up, so in parallel they cost one.
    const [bad, missing, noFile, badUrl] = await Promise.all([
      finish(startCommand(['--upstream', 'http://127.0.0.1:9', '--faults', file])),
      finish(startCommand(['--faults', file])),
      finish(startCommand(['--upstream', 'http://127.0.0.1:9', '--faults', join(dir, 'nope.yaml')])),
      finish(startCommand(['--upstream', 'ftp://x'])),
    ]);
    assert.equal(bad!.code, 2);
    assert.equal(bad!.stderr, `stampede proxy: ${file}:2:26: faults[0].at: duration '5' has no unit: write 5s or 5ms\n`);
    assert.equal(missing!.code, 2);
    assert.match(missing!.stderr, /^stampede proxy: --upstream URL is required/);
    assert.equal(noFile!.code, 2);
    assert.match(noFile!.stderr, /cannot read fault file .*nope\.yaml: no such file\n$/);
    assert.equal(badUrl!.code, 2);
    assert.match(badUrl!.stderr, /--upstream must be an http or https URL/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
