import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../../..');

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'validate', ...args], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill(), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('validate exits 0 on the examples and prints no problems', async () => {
  const { code, stdout, stderr } = await runCli(['examples/quickstart.stampede.yaml', 'examples/burst.stampede.yaml', 'examples/mixed-workload.stampede.yaml']);
  assert.equal(code, 0, stderr);
  assert.equal(stdout, '');
  assert.match(stderr, /3 files checked: 0 errors, 0 warnings/);
});

test('validate exits 2 and prints file:line:col for each problem, one clear line per unusable file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-validate-'));
  try {
    const bad = join(dir, 'bad.stampede.yaml');
    writeFileSync(
      bad,
      'name: bad\nworkload:\n  mix:\n    - { name: chat }\nload:\n  stges:\n    - { for: 30, rate: 2/s }\nthresholds:\n  - ttft.p95 =< 1s\n',
    );
    const empty = join(dir, 'empty.stampede.yaml');
    writeFileSync(empty, '');
    const binary = join(dir, 'binary.stampede.yaml');
    writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 255, 254]));
    const notYaml = join(dir, 'main.c');
    writeFileSync(notYaml, '#include <stdio.h>\nint main(void) {\n  printf("hi: %s\\n", "x"); [\n}\n');
    const missing = join(dir, 'missing.stampede.yaml');
    const { code, stdout, stderr } = await runCli([bad, empty, binary, notYaml, missing, dir]);
    assert.equal(code, 2);
    assert.equal(stderr.includes('    at '), false, 'no stack trace');
    const lines = stdout.trimEnd().split('\n');
    assert.deepEqual(lines.slice(0, 3), [
      `${bad}:5:1: error: missing required field 'stages' in 'load' (load.stages)`,
      `${bad}:6:3: error: unknown field 'stges' — did you mean 'stages'? (load.stges)`,
      `${bad}:9:14: error: '=<' is not an operator: use one of < <= > >= == != — did you mean '<='? (thresholds[0])`,
    ]);
    const rest = lines.slice(3);
    assert.equal(rest.length, 5, stdout);
    assert.match(rest[0], new RegExp(`^${empty}:1:1: error: the file is empty`));
    assert.match(rest[1], new RegExp(`^${binary}:1:1: error: is a binary file`));
    assert.match(rest[2], new RegExp(`^${notYaml}:\\d+:\\d+: error: `));
    assert.match(rest[3], new RegExp(`^${missing}:1:1: error: no such file`));
    assert.match(rest[4], new RegExp(`^${dir}:1:1: error: is a folder`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('validate --json - prints the problems as JSON on stdout, the lines on stderr', async () => {
  const file = 'test/fixtures/scenarios/broken/threshold-unknown-metric.stampede.yaml';
  const { code, stdout, stderr } = await runCli(['--json', '-', file]);
  assert.equal(code, 2);
  const report = JSON.parse(stdout);
  assert.equal(report.errors, 1);
  assert.deepEqual(
    report.problems.map((p: Record<string, unknown>) => [p.line, p.column, p.severity, p.code, p.path]),
    [[9, 5, 'error', 'threshold-metric', 'thresholds[0]']],
  );
  assert.match(stderr, new RegExp(`^${file}:9:5: error: `, 'm'));
});

test('validate --json PATH writes the JSON file and keeps the lines on stdout; a scenario path is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-validate-'));
  try {
    const file = 'test/fixtures/scenarios/broken/threshold-unknown-metric.stampede.yaml';
    const out = join(dir, 'problems.json');
    const written = await runCli(['--json', out, file]);
    assert.equal(written.code, 2);
    assert.match(written.stdout, /:9:5: error: /);
    assert.equal(JSON.parse(readFileSync(out, 'utf8')).errors, 1);
    // The old boolean --json followed by a file would now name the file as the JSON output.
    const refused = await runCli(['--json', file]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^stampede validate: --json writes .*threshold-unknown-metric\.stampede\.yaml, which looks like a scenario/);
    assert.match(readFileSync(file, 'utf8'), /^name:/m, 'the scenario is untouched');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('validate without files is a usage error', async () => {
  const { code, stderr } = await runCli([]);
  assert.equal(code, 2);
  assert.match(stderr, /no files given/);
});

test('validate reads a replay\'s trace: a missing or malformed trace is an error at load.trace.file naming the trace\'s line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-validate-'));
  try {
    const scenario = (trace: string) => `name: replay\nproviders: [{ id: mock, type: mock }]\nworkload: { mix: [{ name: requests }] }\nload:\n  model: replay\n  trace: { file: ${trace} }\n`;
    writeFileSync(join(dir, 'unsorted.csv'), 'timestamp,prompt_tokens,completion_tokens\n1740819600,10,5\n1740819700,10,5\n1740819601,10,5\n');
    writeFileSync(join(dir, 'good.csv'), 'timestamp,prompt_tokens,completion_tokens\n1740819600,10,5\n1740819601,12,5\n');
    writeFileSync(join(dir, 'unsorted.stampede.yaml'), scenario('unsorted.csv'));
    writeFileSync(join(dir, 'missing.stampede.yaml'), scenario('nowhere.csv'));
    writeFileSync(join(dir, 'good.stampede.yaml'), scenario('good.csv'));
    const bad = await runCli([join(dir, 'unsorted.stampede.yaml'), join(dir, 'missing.stampede.yaml')]);
    assert.equal(bad.code, 2, bad.stdout + bad.stderr);
    const lines = bad.stdout.trim().split('\n');
    assert.equal(lines.length, 2, bad.stdout);
    assert.match(lines[0], /unsorted\.stampede\.yaml:6:18: error: unsorted\.csv:4: the timestamp is 99 s before line 3's.* \(load\.trace\.file\)$/);
    assert.match(lines[1], /missing\.stampede\.yaml:6:18: error: nowhere\.csv: no such file.* \(load\.trace\.file\)$/);
    const good = await runCli([join(dir, 'good.stampede.yaml')]);
    assert.equal(good.code, 0, good.stdout + good.stderr);
    assert.equal(good.stdout, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
