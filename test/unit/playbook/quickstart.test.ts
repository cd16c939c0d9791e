// The quickstart is the first run a user sees (`npm run demo`, the walkthrough): it must show a
// calm baseline, the break in the spike, the queue draining and the recovery, at full length. Its
// own file: at about 65 s it would push the playbook file past the per-file time limit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeAnalysis } from '../../../src/core/analysis';
import { runPlaybook } from './run-playbook';

test('quickstart (the main demo): a calm baseline, TTFT breaks in the spike, the queue drains, the system recovers', async () => {
  // Unshortened: this is the run `npm run demo` and the walkthrough show.
  const { summary, ticks } = await runPlaybook('quickstart.stampede.yaml', []);
  assert.equal(summary.verdict.pass, false);
  assert.equal(summary.verdict.firstBreach?.source, 'ttft.p95 < 1.5s');
  assert.equal(summary.verdict.firstBreach!.stage, 'spike');
  const baseline = summary.stages.find((s) => s.name === 'baseline')!;
  assert.ok((baseline.ttft.p95 ?? Infinity) < 1500, `baseline TTFT p95 ${baseline.ttft.p95} ms`);
  assert.equal(summary.outcomes.server_error + summary.outcomes.rate_limited, 0);
  const queue = (stage: string) => ticks.filter((p) => p.stage === stage && p.targetLevel > 0).map((p) => p.queueDepth ?? 0);
  assert.equal(Math.max(...queue('baseline')), 0, 'no queue in the baseline');
  const peak = Math.max(...queue('spike'), ...queue('cool-down'));
  assert.ok(peak >= 5, `the spike builds a queue (peak ${peak})`);
  assert.equal(queue('cool-down').at(-1), 0, `the queue drains in the cool-down: ${queue('cool-down').join(' ')}`);
  const lines = describeAnalysis(summary.analysis!, 'open');
  const recovery = lines.find((l) => /^Recovered in [\d.]+ s after load dropped/.test(l));
  assert.ok(recovery, `a recovery line in the verdict: ${lines.join(' | ')}`);
  assert.ok(summary.analysis!.recoveryMs !== null && summary.analysis!.recoveryMs > 0, `recovery ${summary.analysis!.recoveryMs} ms`);
});
