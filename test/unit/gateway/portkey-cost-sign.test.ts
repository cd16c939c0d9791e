// The playbook example through Portkey's gateway, run 20 times identically and compressed with
// load.timeScale: the "cost per request rising" sign must never fire (issue 12 saw it in 2 of 4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPlan } from '../runner/support/collect-run';
import { examplePlan, gatewayEnv, usePortkey } from './support/portkey';

const gateway = usePortkey();

test('20 identical compressed runs of the playbook: no false "cost per request rising" sign', async () => {
  // 15x compressed, every stage still holds the 20 requests the sign needs before it may judge.
  const plan = examplePlan(['load.timeScale=15']);
  assert.ok(plan.load.segments.every((s) => ((s.endMs - s.startMs) / 1000) * plan.load.baseline >= 20));
  const signs: number[] = [];
  let judged = 0;
  // Four runs at a time: each is mostly waiting on the gateway.
  for (let batch = 0; batch < 5; batch++) {
    const runs = await Promise.all([0, 1, 2, 3].map(() => runPlan(plan, { env: gatewayEnv(gateway()) })));
    runs.forEach(({ summary }, i) => {
      assert.equal(summary.endReason, 'completed');
      if (summary.stages.every((s) => s.requests >= 20)) judged++;
      if (summary.analysis?.timeline.some((e) => e.kind === 'cost-rising')) signs.push(batch * 4 + i + 1);
    });
  }
  assert.deepEqual(signs, [], `false cost signs in runs ${signs.join(', ')} of 20`);
  assert.equal(judged, 20, 'every run had enough requests in every stage for the sign to be judged');
});
