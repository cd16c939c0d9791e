// Spawns the real CLI (TypeScript through tsx) in a temporary folder and collects its output.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
// The bundle `npm test` builds first: one file to load, as users run it.
const BUILT = join(ROOT, 'dist', 'cli.js');

export interface CliRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function tempFolder(): { dir: string; file: (name: string, text: string | Buffer) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-cli-'));
  return {
    dir,
    file: (name, text) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs `stampede ARGS` in `cwd`; killed after `limitMs` so a bug cannot hang the suite. `shell`
 * is a POSIX shell command run first in the child's own shell (e.g. `ulimit -n 160`); `nodeArgs`
 * go to node before the CLI (e.g. `--import` of a fixture). */
/** `built`: run dist/cli.js rather than the sources through tsx, for a child whose file
 * descriptors are limited (tsx compiling a cold cache holds well over a hundred files open). */
export function spawnCli(args: string[], options: { cwd: string; env?: Record<string, string>; limitMs?: number; shell?: string; nodeArgs?: string[]; built?: boolean }): CliRun {
  const argv = options.built ? [process.execPath, ...(options.nodeArgs ?? []), BUILT, ...args] : [process.execPath, '--import', TSX, ...(options.nodeArgs ?? []), MAIN, ...args];
  const [command, ...commandArgs] = options.shell === undefined ? argv : ['/bin/sh', '-c', `${options.shell} && exec "$@"`, 'sh', ...argv];
  const child = spawn(command, commandArgs, {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const limit = setTimeout(() => child.kill('SIGKILL'), options.limitMs ?? 60_000);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
    child.on('close', (code, signal) => {
      clearTimeout(limit);
      resolveExit({ code, signal });
    });
  });
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** Resolves once `check` holds, polling every 100 ms; rejects after `limitMs`. */
export async function waitFor(check: () => boolean, limitMs: number, what: string): Promise<void> {
  const until = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A one-second scenario against the embedded mock (profile instant): `entryExtra` is appended
 * inside the mix entry's braces, e.g. `, prompt: { file: x.txt }`. */
export function mockScenarioYaml(entryExtra = '', name = 'files'): string {
  return `name: ${JSON.stringify(name)}
providers:
  - { id: mock, type: mock, profile: instant }
workload:
  mix:
    - { name: chat, weight: 1, promptTokens: 20, maxTokens: 5${entryExtra} }
load:
  stages:
    - { for: 1s, rate: 2/s }
`;
}

export function scenarioYaml(options: { url: string; name?: string; seconds?: number; rate?: string; thresholds?: string[]; extra?: string; provider?: string }): string {
  const thresholds = options.thresholds ?? ['ttft.p95 < 5s', 'errors.rate < 50%'];
  return `name: ${JSON.stringify(options.name ?? 'CLI test')}
providers:
  - id: api
    type: openai
    baseUrl: ${options.url}
    model: test-model
${options.provider ?? ''}
workload:
  stream: true
  mix:
    - { name: chat, weight: 1, promptTokens: 20, maxTokens: 5 }
load:
  model: open
  arrival: uniform
  stages:
    - { name: steady, for: ${options.seconds ?? 2}s, rate: ${options.rate ?? '5/s'} }
${options.extra ?? ''}
thresholds:
${thresholds.map((t) => `  - ${t.startsWith('{') ? t : JSON.stringify(t)}`).join('\n')}
`;
}
