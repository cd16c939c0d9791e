// A replay's events through the real PanelSession into the webview's model: the target line is
// the trace's own recorded rate (a burst in the trace is a step in the line), and "what broke
// first" carries the trace time and the recorded rate at the break.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeScenario } from '../../../src/core/analyze-scenario';
import { PanelSession } from '../../../src/extension/panel/panel-session';
import { parseHostMessage } from '../../../webview/host-message-parse';
import { PanelModel } from '../../../webview/panel-model';
import { breachTimeline } from '../../../webview/threshold-board';
import { runPlan } from '../runner/support/collect-run';

test('replay: the panel\'s target line follows the trace\'s recorded rate, and its timeline names the trace time of the break', async () => {
  // Two seconds at 10/s, one at 40/s, two at 10/s (request-log times in ms).
  const dir = mkdtempSync(join(tmpdir(), 'stampede-panel-replay-'));
  const times: number[] = [];
  for (let ms = 0; ms < 2000; ms += 100) times.push(ms);
  for (let ms = 2000; ms < 3000; ms += 25) times.push(ms);
  for (let ms = 3000; ms < 5000; ms += 100) times.push(ms);
  writeFileSync(join(dir, 'log.jsonl'), times.map((t) => JSON.stringify({ t, in: 30, out: 3 })).join('\n') + '\n');
  const { plan, problems } = analyzeScenario(`
name: panel replay
providers: [{ id: mock, type: mock, profile: instant }]
workload: { mix: [{ name: requests }] }
load: { model: replay, trace: { file: log.jsonl, timeUnit: ms, columns: { time: t, promptTokens: in, outputTokens: out } } }
thresholds:
  - requests.total < 30
`);
  assert.deepEqual(problems.filter((p) => p.severity === 'error'), []);
  const { events, ticks } = await runPlan(plan!, { baseDir: dir });

  const model = new PanelModel();
  const due: Array<() => void> = [];
  const session = new PanelSession({ stop: () => undefined, setMultiplier: () => undefined }, { now: () => 0, setTimeout: (fn: () => void) => due.push(fn), clearTimeout: () => undefined });
  session.attach({
    post: (m) => {
      const parsed = parseHostMessage(JSON.parse(JSON.stringify(m)));
      assert.ok(parsed, `host message ${m.type} passes the webview's validation`);
      model.apply(parsed);
    },
  });
  session.onWebviewMessage({ type: 'ready' });
  for (const e of events) {
    session.onRunEvent(e);
    while (due.length) due.shift()!();
  }

  const target = model.store.points('rate', 'target').map((p) => p.y);
  assert.deepEqual(target, ticks.map((p) => p.targetLevel));
  // The trace's rate, second by second (the last point is the drain, after the shape).
  assert.deepEqual(target.slice(0, 5).map((r) => Math.round(r)), [10, 10, 40, 10, 10]);
  assert.ok(model.summary, 'the summary reached the panel');
  const [first] = breachTimeline(model.summary);
  assert.ok(first?.trace, 'the breach carries its trace position');
  assert.equal(first.trace.recordedRate, ticks.find((p) => p.t === first.t)!.trace!.recordedRate);
  assert.ok(Math.abs(first.trace.offsetS - first.t) <= 1, `trace ${first.trace.offsetS}s at run ${first.t}s (timeScale 1)`);
});
