// Through Portkey's gateway: a hanging upstream behind the gateway's timeout, and upstreams whose
// answers are not acceptable (wrong model, malformed JSON).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeScenario } from '../../../src/core/analyze-scenario';
import type { RunSummary } from '../../../src/protocol/run-events';
import { runPlan } from '../runner/support/collect-run';
import { spawnCli, tempFolder } from '../cli/run-cli';
import { EXAMPLE, gatewayEnv, usePortkey } from './support/portkey';

const gateway = usePortkey();

const HANGING = `name: hanging upstream behind a gateway timeout
gateway:
  upstreams:
    - name: primary
      mock: { profile: instant, overrides: { decodeStepBaseMs: 2 } }
      faults:
        - { kind: latency, at: 2s, for: 2s, add: 20s }
    - name: fallback
      mock: { profile: instant, overrides: { decodeStepBaseMs: 2 } }
providers:
  - id: gateway
    type: openai
    baseUrl: \${env:GATEWAY_URL}
    apiKey: \${env:GATEWAY_KEY}
    model: gpt-4o-mini
    pricing: { input: 0.15, output: 0.6 }
    headers:
      x-portkey-config: '{"strategy":{"mode":"fallback","on_status_codes":[408,429,500,502,503,504]},"request_timeout":1500,"targets":[{"provider":"openai","api_key":"sk-a","custom_host":"\${upstream:primary}/v1"},{"provider":"openai","api_key":"sk-b","custom_host":"\${upstream:fallback}/v1"}]}'
resilience:
  timeouts: { ttft: 10s, total: 20s }
workload:
  stream: false
  mix:
    - { name: chat, promptTokens: 50, maxTokens: 10 }
load:
  arrival: uniform
  stages:
    - { name: baseline, for: 2s, rate: 4/s }
    - { name: hang, for: 4s, rate: 1x }
thresholds:
  - ttft.p95 < 1s
`;

test('a hanging upstream behind a gateway timeout is a TTFT breach, with the fault window named in what broke first', async () => {
  const { plan, problems } = analyzeScenario(HANGING, { fileName: 'hanging.stampede.yaml' });
  assert.deepEqual(problems.filter((p) => p.severity === 'error'), []);
  const { summary } = await runPlan(plan!, { env: gatewayEnv(gateway()) });
  const breach = summary.analysis!.timeline.find((e) => e.kind === 'threshold' && e.source === 'ttft.p95 < 1s');
  assert.ok(breach, JSON.stringify(summary.analysis!.timeline));
  assert.match(breach.message, /during the fault window on primary \(latency \+20 s/, `breach at ${breach.t}s; timeline ${JSON.stringify(summary.analysis!.timeline.map((e) => [e.t, e.kind]))}`);
  assert.equal(summary.verdict.pass, false);
  const w = summary.gateway!.windows[0]!;
  assert.equal(w.failoverTo, 'fallback', JSON.stringify(w));
  assert.ok(summary.gateway!.upstreams[0]!.failures.abandoned > 0, 'the gateway hung up on the held attempts');
});

test('an upstream answering with the wrong model or malformed JSON is unacceptable, and a threshold on it exits 1', async () => {
  const folder = tempFolder();
  try {
    const text = readFileSync(EXAMPLE, 'utf8')
      .replace(/  mix:\n[\s\S]*?\nload:/, `  mix:
    - { name: chat, weight: 1, promptTokens: 50, maxTokens: 20, expect: { models: [gpt-4o-mini] } }
    - { name: structured, weight: 1, promptTokens: 50, maxTokens: 20, expect: { jsonSchema: { type: object, required: [answer] } } }
load:`)
      .replace('overrides: { decodeStepBaseMs: 1 }', `overrides: { decodeStepBaseMs: 1, answerText: '{"answer":"ok"}' }`)
      .replace('overrides: { decodeStepBaseMs: 1 }', `overrides: { decodeStepBaseMs: 1, answerModel: cheap-model, answerText: '{"answer": "o' }`);
    assert.match(text, /answerModel: cheap-model/);
    const file = folder.file('answers.stampede.yaml', text);
    const run = spawnCli(['run', file, '--set', 'load.timeScale=10', '--set', 'load.stages[0].rate=6/s', '--json', join(folder.dir, 'r.json'), '--quiet'], { cwd: folder.dir, env: { GATEWAY_URL: gateway(), GATEWAY_KEY: 'not-a-real-key' }, limitMs: 60_000 });
    const exit = await run.exit;
    assert.equal(exit.code, 1, run.stdout() + run.stderr());
    const results = JSON.parse(readFileSync(join(folder.dir, 'r.json'), 'utf8')) as { summary: RunSummary };
    const s = results.summary;
    assert.ok(s.outcomes.unacceptable > 0, JSON.stringify(s.outcomes));
    assert.equal(s.metrics['errors.rate'], 0, 'unacceptable answers are not errors');
    assert.ok(s.quality!.share! < 0.99);
    assert.equal(s.thresholds.find((t) => t.source === 'quality > 99%')!.pass, false);
    assert.match(s.verdict.headline, /unacceptable answer/);
    assert.match(run.stdout(), /FAIL/);
  } finally {
    folder.remove();
  }
});
