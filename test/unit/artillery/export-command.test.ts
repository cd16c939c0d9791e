// `stampede export artillery` and `stampede report --from-artillery` as a user meets them: the
// files written, the commands printed, and clear refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { spawn } from 'node:child_process';
import { tempFolder } from '../cli/run-cli';
import { ENGINE_VERSION } from '../../../src/artillery/engine-version';

const ROOT = resolve(__dirname, '..', '..', '..');
// The built CLI (npm test builds first): a dozen runs of it stay quick on a busy machine.
const CLI = join(ROOT, 'dist', 'cli.js');

function spawnCli(args: string[], options: { cwd: string }) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const limit = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const exit = new Promise<{ code: number | null }>((done) => child.on('close', (code) => (clearTimeout(limit), done({ code }))));
  return { stdout: () => out, stderr: () => err, exit };
}

test('exports the mixed-workload playbook: script, scenario, prompt and data files, package.json, README, commands', async (t) => {
  const tmp = tempFolder();
  t.after(tmp.remove);
  // The scenario reads prompts/ beside it and a data file from outside its folder.
  mkdirSync(join(tmp.dir, 'scen', 'prompts'), { recursive: true });
  cpSync(join(ROOT, 'examples', 'prompts', 'contract.txt'), join(tmp.dir, 'scen', 'prompts', 'contract.txt'));
  cpSync(join(ROOT, 'examples', 'data', 'tickets.csv'), join(tmp.dir, 'tickets.csv'));
  const text = readFileSync(join(ROOT, 'examples', 'mixed-workload.stampede.yaml'), 'utf8').replace('file: data/tickets.csv', 'file: ../tickets.csv');
  writeFileSync(join(tmp.dir, 'scen', 'mixed.stampede.yaml'), text);
  const run = spawnCli(['export', 'artillery', 'scen/mixed.stampede.yaml', '--workers', '3', '--out', 'out', '--set', 'load.timeScale=2'], { cwd: tmp.dir });
  const { code } = await run.exit;
  assert.equal(code, 0, run.stderr());
  const out = join(tmp.dir, 'out');
  for (const f of ['artillery.yml', 'package.json', 'README.md', 'mixed.stampede.yaml', 'prompts/contract.txt', 'files/tickets.csv']) assert.ok(existsSync(join(out, f)), f);
  const script = parse(readFileSync(join(out, 'artillery.yml'), 'utf8'));
  assert.deepEqual(script.config.engines, { stampede: {} });
  assert.deepEqual(script.config.phases, [{ name: 'stampede', arrivalCount: 1, duration: 1 }]);
  assert.deepEqual(script.config.stampede, { scenario: 'mixed.stampede.yaml', workers: 3, set: ['load.timeScale=2', 'workload.mix[1].prompt.data.file=files/tickets.csv'] });
  assert.deepEqual(script.config.includeFiles, ['mixed.stampede.yaml', 'files/tickets.csv', 'prompts/contract.txt']);
  assert.deepEqual(script.config.plugins, { ensure: {} });
  assert.ok(script.config.ensure.conditions.length >= 1);
  assert.equal(script.scenarios[0].engine, 'stampede');
  const pkg = JSON.parse(readFileSync(join(out, 'package.json'), 'utf8'));
  assert.deepEqual(pkg.dependencies, { 'artillery-engine-stampede': ENGINE_VERSION, artillery: '2.0.34' });
  assert.deepEqual(pkg.devDependencies, { 'stampede-ai': ENGINE_VERSION });
  assert.equal(JSON.parse(readFileSync(join(ROOT, 'packages', 'artillery-engine-stampede', 'package.json'), 'utf8')).version, ENGINE_VERSION, 'the export pins the engine package’s version');
  const stdout = run.stdout();
  assert.match(stdout, /npx artillery run --output report\.json artillery\.yml/);
  assert.match(stdout, /npx artillery run-fargate --count 3 --region us-east-1 --output report\.json artillery\.yml/);
  assert.match(stdout, /closed model: 5 users do not split evenly over 3 workers/);
  assert.match(stdout, /each worker starts its own embedded mock/);
  assert.match(readFileSync(join(out, 'README.md'), 'utf8'), /run-fargate --count 3/);
  // The exported folder stands on its own: the workers load the same plan from it.
  const again = spawnCli(['validate', join(out, 'mixed.stampede.yaml')], { cwd: tmp.dir });
  assert.equal((await again.exit).code, 0, again.stdout() + again.stderr());
});

test('export refuses what cannot be split, bad options and broken scenarios, naming the reason', async (t) => {
  const tmp = tempFolder();
  t.after(tmp.remove);
  const cases: Array<[string[], RegExp]> = [
    [['export', 'artillery', join(ROOT, 'examples', 'breaking-point.stampede.yaml'), '--workers', '2', '--out', 'o'], /cannot be split across 2 workers: load\.breakingPoint/],
    [['export', 'artillery', join(ROOT, 'examples', 'replay-trace.stampede.yaml'), '--workers', '2', '--out', 'o'], /cannot be split across 2 workers: load\.model: replay/],
    [['export', 'artillery', join(ROOT, 'examples', 'quickstart.stampede.yaml'), '--workers', '0', '--out', 'o'], /--workers 0: expected a whole number/],
    [['export', 'artillery', join(ROOT, 'examples', 'quickstart.stampede.yaml')], /missing --out DIR/],
    [['export', 'k6', 'x.yaml'], /unknown export format 'k6'/],
    // Node 20's recursive mkdir never returned for a folder under /proc: the export hung.
    [['export', 'artillery', join(ROOT, 'examples', 'quickstart.stampede.yaml'), '--out', '/proc/stampede-no-such/out'], /cannot write the export to \/proc\/stampede-no-such\/out/],
    [['export', 'artillery', tmp.file('bad.stampede.yaml', 'name: x\nload: 3\n'), '--out', 'o'], /bad\.stampede\.yaml:\d+:\d+: /],
  ];
  const runs = cases.map(([args]) => spawnCli(args, { cwd: tmp.dir }));
  for (const [i, [args, message]] of cases.entries()) {
    const { code } = await runs[i].exit;
    assert.equal(code, 2, args.join(' '));
    assert.match(runs[i].stderr(), message);
    assert.doesNotMatch(runs[i].stderr(), /at .*\.[jt]s:\d+/, 'no stack trace');
  }
});

test('report --from-artillery says what is missing: the report, the script', async (t) => {
  const tmp = tempFolder();
  t.after(tmp.remove);
  tmp.file('report.json', JSON.stringify({ aggregate: { counters: { 'stampede.workers': 1 } }, intermediate: [] }));
  const noScript = spawnCli(['report', '--from-artillery', 'report.json'], { cwd: tmp.dir });
  const noReport = spawnCli(['report', '--from-artillery', 'nope.json'], { cwd: tmp.dir });
  assert.equal((await noScript.exit).code, 2);
  assert.match(noScript.stderr(), /the Artillery script .*artillery\.yml was not found: give it with --script/);
  assert.equal((await noReport.exit).code, 2);
  assert.match(noReport.stderr(), /nope\.json: no such file/);
});

test('a scenario with gateway upstreams exports with a note that each worker starts its own fault proxies, which the gateway must reach', async (t) => {
  const tmp = tempFolder();
  t.after(tmp.remove);
  const run = spawnCli(['export', 'artillery', join(ROOT, 'examples', 'gateway-failover.stampede.yaml'), '--workers', '2', '--out', 'out'], { cwd: tmp.dir });
  assert.equal((await run.exit).code, 0, run.stderr());
  const stdout = run.stdout();
  assert.match(stdout, /Note: gateway\.upstreams: each worker starts its own fault proxies \(primary, fallback\) on its own clock, at 127\.0\.0\.1/);
  assert.match(stdout, /Fargate and Lambda workers/);
  assert.match(readFileSync(join(tmp.dir, 'out', 'README.md'), 'utf8'), /gateway\.upstreams: each worker starts its own fault proxies/);
});
