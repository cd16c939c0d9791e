// A replay's estimate (CodeLens, cost confirmation, --dry-run) comes from its trace: the recorded
// requests, their own token counts at their route's prices, times rate and loops, over the
// stages the trace gives; a trace that cannot be read is said before anything runs. The CLI
// waits for a replay as long as its trace lasts, not the plan's empty shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeScenario } from '../../../src/core/analyze-scenario';
import type { ResolvedPlan } from '../../../src/core/plan';
import { formatEstimate } from '../../../src/core/run-estimate';
import { formatDryRun } from '../../../src/cli/dry-run';
import { PlanEstimator, estimatePlan } from '../../../src/runner/plan-estimate';
import { RunConfigError } from '../../../src/runner/prompt-source';
import { spawnCli, tempFolder } from '../cli/run-cli';

const EXAMPLES = join(__dirname, '..', '..', '..', 'examples');

function planOf(text: string, fileName?: string): ResolvedPlan {
  const { plan, problems } = analyzeScenario(text, fileName ? { fileName } : {});
  assert.deepEqual(problems.filter((p) => p.severity === 'error'), []);
  return plan!;
}

test('the replay example is estimated from its trace: every recorded request and token, the trace\'s stages and length', async () => {
  const file = join(EXAMPLES, 'replay-trace.stampede.yaml');
  const plan = planOf(readFileSync(file, 'utf8'), file);
  assert.equal(plan.load.segments.length, 0, 'the plan alone has no shape');
  const records = readFileSync(join(EXAMPLES, 'data', 'support-bot.mooncake.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { timestamp: number; input_length: number; output_length: number });
  const { plan: shaped, estimate } = await estimatePlan(plan, EXAMPLES);
  assert.equal(estimate.requests, records.length);
  assert.equal(estimate.inputTokens, records.reduce((n, r) => n + r.input_length, 0));
  assert.equal(estimate.outputTokens, records.reduce((n, r) => n + r.output_length, 0));
  assert.deepEqual(estimate.stages.map((s) => s.name), ['baseline', 'burst 1', 'after burst 1']);
  assert.equal(estimate.stages.reduce((n, s) => n + s.requests, 0), records.length);
  // 89.4 s between the first and last request plus one mean gap, at timeScale 3.
  const span = records[records.length - 1].timestamp - records[0].timestamp;
  assert.ok(Math.abs(estimate.durationMs - (span + span / (records.length - 1)) / 3) < 1, `${estimate.durationMs}`);
  assert.equal(shaped.load.durationMs, estimate.durationMs);
  assert.ok(estimate.costUsd > 0, 'at the mock profile\'s simulated prices');
  assert.deepEqual(estimate.realProviders, []);
});

test('a priced replay at rate 2x, twice: each route at its own provider\'s prices, per pass and stage; --dry-run rows add up', async () => {
  const tmp = tempFolder();
  try {
    const rows = ['ts,route,in,out'];
    let chat = { n: 0, in: 0, out: 0 };
    let search = { n: 0, in: 0, out: 0 };
    for (let i = 0; i < 50; i++) {
      const isSearch = i % 5 === 0;
      const [inTok, outTok] = [100 + i * 3, 10 + (i % 7)];
      rows.push(`${1_740_000_000 + i * 0.2},${isSearch ? 'search' : 'chat'},${inTok},${outTok}`);
      const r = isSearch ? search : chat;
      r.n++;
      r.in += inTok;
      r.out += outTok;
    }
    tmp.file('log.csv', rows.join('\n') + '\n');
    const plan = planOf(`
name: priced replay
providers:
  - { id: big, type: openai, baseUrl: 'http://127.0.0.1:9/v1', model: m, pricing: { input: 10, output: 30 } }
  - { id: small, type: openai, baseUrl: 'http://127.0.0.1:9/v1', model: m, pricing: { input: 1, output: 2 } }
workload: { mix: [{ name: chat, provider: big }, { name: search, provider: small }] }
load: { model: replay, rate: 2x, loops: 2, trace: { file: log.csv, columns: { time: ts, route: route, promptTokens: in, outputTokens: out } } }
`);
    const { plan: shaped, estimate } = await estimatePlan(plan, tmp.dir);
    assert.equal(estimate.requests, 50 * 2 * 2);
    assert.equal(estimate.inputTokens, (chat.in + search.in) * 4);
    assert.equal(estimate.outputTokens, (chat.out + search.out) * 4);
    const expected = (4 * (chat.in * 10 + chat.out * 30 + search.in * 1 + search.out * 2)) / 1e6;
    assert.ok(Math.abs(estimate.costUsd - expected) < 1e-12, `${estimate.costUsd} vs ${expected}`);
    assert.ok(estimate.stages.some((s) => s.name.startsWith('pass 2: ')), estimate.stages.map((s) => s.name).join(', '));
    assert.equal(estimate.stages.reduce((n, s) => n + s.requests, 0), 200);
    assert.deepEqual(estimate.realProviders, ['big', 'small']);
    assert.match(formatEstimate(estimate), /^≈ 200 requests · \$0\.\d\d$/);
    const lines = formatDryRun(shaped, estimate);
    assert.match(lines[0], /^Dry run of "priced replay" \(replay of log\.csv at 2x, 2 loops\): nothing is sent\.$/);
    assert.ok(lines.some((l) => /^\s+total\s+\S+\s+200\s/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /as its trace recorded it/.test(l)));
  } finally {
    tmp.remove();
  }
});

test('the editor\'s estimator reads a trace once per file version; a trace that cannot be read names the field, file and line', async () => {
  const tmp = tempFolder();
  try {
    const trace = tmp.file('t.jsonl', [0, 1, 2].map((i) => JSON.stringify({ timestamp: i, input_length: 600, output_length: 5, hash_ids: [i] })).join('\n') + '\n');
    const plan = planOf(`
name: cached
providers: [{ id: mock, type: mock }]
workload: { mix: [{ name: requests }] }
load: { model: replay, trace: { file: t.jsonl, format: mooncake } }
`);
    const estimator = new PlanEstimator();
    assert.equal((await estimator.estimate(plan, tmp.dir)).estimate.requests, 3);
    // Same file version: not read again (a changed file of the same size and time would not be
    // seen; an edited one is).
    writeFileSync(trace, [0, 1, 2].map((i) => JSON.stringify({ timestamp: i, input_length: 600, output_length: 5, hash_ids: [i + 1] })).join('\n') + '\n');
    utimesSync(trace, new Date(1_000_000), new Date(1_000_000));
    const first = await estimator.estimate(plan, tmp.dir);
    assert.equal(first.estimate.requests, 3);
    writeFileSync(trace, [0, 1, 2, 3].map((i) => JSON.stringify({ timestamp: i, input_length: 600, output_length: 5, hash_ids: [i] })).join('\n') + '\n');
    assert.equal((await estimator.estimate(plan, tmp.dir)).estimate.requests, 4);
    writeFileSync(trace, `${JSON.stringify({ timestamp: 0, input_length: 600, output_length: 5, hash_ids: [1] })}\n{"timestamp":1,"input_length":-3,"output_length":5,"hash_ids":[]}\n`);
    await assert.rejects(estimator.estimate(plan, tmp.dir), (error: unknown) => {
      assert.ok(error instanceof RunConfigError);
      assert.match(error.message, /^load\.trace\.file: t\.jsonl:2: input_length is -3: a token count cannot be negative/);
      return true;
    });
  } finally {
    tmp.remove();
  }
});

test('stampede run --dry-run of a replay prints the trace\'s stages and total; an unreadable trace exits 2 naming it', async () => {
  const tmp = tempFolder();
  try {
    const run = spawnCli(['run', '--dry-run', join(EXAMPLES, 'replay-trace.stampede.yaml')], { cwd: tmp.dir, limitMs: 30_000 });
    assert.equal((await run.exit).code, 0, run.stderr());
    assert.match(run.stdout(), /replay of data\/support-bot\.mooncake\.jsonl, timeScale 3/);
    assert.match(run.stdout(), /burst 1/);
    assert.match(run.stdout(), /total\s+29\.7s\s+418\s+703,940\s+38,975\s+\$0\.13\n/);
    const scenario = tmp.file('missing.stampede.yaml', 'name: m\nproviders: [{ id: mock, type: mock }]\nworkload: { mix: [{ name: r }] }\nload: { model: replay, trace: { file: nowhere.jsonl } }\n');
    const bad = spawnCli(['run', '--dry-run', scenario], { cwd: tmp.dir, limitMs: 30_000 });
    assert.equal((await bad.exit).code, 2);
    assert.match(bad.stderr(), /^stampede run: load\.trace\.file: nowhere\.jsonl: no such file \(resolved to .*nowhere\.jsonl\)\n$/);
    assert.equal(bad.stdout(), '');
  } finally {
    tmp.remove();
  }
});

test('stampede run waits for a replay as long as its trace lasts: 33 s of trace with timeouts.total 1s is not cut at 31 s', { timeout: 110_000 }, async () => {
  const tmp = tempFolder();
  try {
    // 30 requests a second apart, then one at 32 s: the run lasts about 33 s.
    const times = [...Array(30).keys(), 32];
    tmp.file('t.jsonl', times.map((t) => JSON.stringify({ timestamp: t * 1000, input_length: 20, output_length: 2, hash_ids: [] })).join('\n') + '\n');
    const scenario = tmp.file('long.stampede.yaml', `name: long replay
providers: [{ id: mock, type: mock, profile: instant }]
workload: { mix: [{ name: r }] }
load: { model: replay, trace: { file: t.jsonl, format: mooncake } }
resilience: { timeouts: { ttft: 1s, total: 1s } }
`);
    const run = spawnCli(['run', scenario, '-q', '--json', join(tmp.dir, 'out.json')], { cwd: tmp.dir, limitMs: 100_000 });
    const { code } = await run.exit;
    assert.equal(code, 0, run.stderr() + run.stdout());
    const summary = (JSON.parse(readFileSync(join(tmp.dir, 'out.json'), 'utf8')) as { summary: { endReason: string; requests: { sent: number; dropped: number } } }).summary;
    assert.equal(summary.endReason, 'completed');
    assert.equal(summary.requests.sent + summary.requests.dropped, 31);
    assert.doesNotMatch(run.stdout() + run.stderr(), /past its planned end/);
  } finally {
    tmp.remove();
  }
});
