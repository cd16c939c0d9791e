import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { httpRequest } from './mock-client';

const commandModule = join(__dirname, '../../../src/cli/mock-command.ts');

// Runs `stampede mock ARGS` through runMockCommand directly, the way src/cli/main.ts dispatches it.
function startCommand(args: string[]): ChildProcess {
  const script = `
    const m = await import(${JSON.stringify(commandModule)});
    const { runMockCommand } = m.runMockCommand ? m : m.default;
    process.exitCode = await runMockCommand(${JSON.stringify(args)});
  `;
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
}

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function finish(child: ChildProcess, onStdout?: (text: string) => void): Promise<Finished> {
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

test('stampede mock prints its URL and profile, serves, and stops cleanly on SIGINT', async () => {
  const child = startCommand(['--port', '0', '--profile', 'rate-limited-api', '--seed', '3', '--set', 'rpm=5']);
  let served: Promise<number> | null = null;
  const done = await finish(child, (text) => {
    const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
    if (match && served === null) {
      served = httpRequest(match[1] + '/v1/models', 'GET').then((res) => {
        child.kill('SIGINT');
        return res.status;
      });
    }
  });
  assert.equal(await served, 200);
  assert.equal(done.code, 0, done.stderr);
  assert.match(done.stdout, /profile rate-limited-api: model mock-hosted-mini/);
  assert.match(done.stdout, /5 RPM/);
  assert.match(done.stdout, /stopped on SIGINT/);
});

test('a bad flag, profile or parameter exits 2 with one line', async () => {
  const cases = [['--port', 'abc'], ['--profile', 'gpu'], ['--set', 'slots=3'], ['--set', 'batchSlots=lots'], ['--frobnicate']];
  const results = await Promise.all(cases.map((args) => finish(startCommand(args))));
  results.forEach((done, i) => {
    assert.equal(done.code, 2, `${cases[i]!.join(' ')}: ${done.stderr}`);
    assert.equal(done.stderr.trim().split('\n').length, 1, done.stderr);
    assert.match(done.stderr, /^stampede mock: /);
  });
});

test('a port in use exits 2 with one line', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    const done = await finish(startCommand(['--port', String(port), '--profile', 'instant']));
    assert.equal(done.code, 2);
    assert.equal(done.stderr.trim().split('\n').length, 1);
    assert.match(done.stderr, new RegExp(`127\\.0\\.0\\.1:${port}: address already in use`));
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
});
