// The replay playbook example (examples/replay-trace.stampede.yaml) against the mock, in a file
// of its own: its 30 s run would push playbook.test.ts past the per-file time limit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runPlaybook } from './run-playbook';

test('replay-trace: a TTFT breach; the verdict names the trace time and recorded rate of the tick it broke in', async () => {
  const { summary, ticks } = await runPlaybook('replay-trace.stampede.yaml', []);
  // Every recorded arrival is sent, or counted as dropped when a loaded machine falls behind.
  assert.equal(summary.requests.sent + summary.requests.dropped, 418);
  // On a quiet machine the recorded burst breaks it (docs/traffic.md); on a loaded one the
  // cold first seconds may already, so the stage is not asserted.
  assert.match(summary.verdict.headline, /^FAIL — ttft\.p95 < 500ms broke first at \d+s \(trace \d+s, recorded \d+(\.\d+)?\/s; stage (baseline|burst 1|after burst 1),/);
  const breach = summary.verdict.firstBreach!;
  const tick = ticks.find((p) => p.t === breach.t);
  assert.ok(tick?.trace && breach.trace, 'the tick and the breach carry the trace position');
  assert.deepEqual(breach.trace, tick.trace);
  assert.ok(Math.abs(breach.trace.offsetS - breach.t * 3) <= 3, `trace time ${breach.trace.offsetS}s is the run time ${breach.t}s at timeScale 3`);
  assert.ok((summary.cacheHitRate ?? 0) > 0.5, `shared system prompts hit the prefix cache: ${summary.cacheHitRate}`);
});
