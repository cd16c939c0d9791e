// The webview's state against a fake host: the real PanelSession posts, the webview's parser
// checks each message (after a JSON round trip, as postMessage clones), the model applies it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PanelSession } from '../../../src/extension/panel/panel-session';
import { parseHostMessage } from '../../../webview/host-message-parse';
import { PanelModel, type ModelChange } from '../../../webview/panel-model';
import { CHARTS, chartForMetric } from '../../../webview/chart-catalog';
import { breachTimeline } from '../../../webview/threshold-board';
import { syntheticRun } from '../../browser/fixtures/synthetic-run';

function connected() {
  const model = new PanelModel();
  const changes: ModelChange[] = [];
  // Time stands still and every paced send fires as soon as the event that scheduled it is in.
  const due: Array<() => void> = [];
  const clock = { now: () => 0, setTimeout: (fn: () => void) => due.push(fn), clearTimeout: () => undefined };
  const inner = new PanelSession({ stop: () => undefined, setMultiplier: () => undefined }, clock);
  const pump = () => {
    while (due.length) due.shift()!();
  };
  const session = {
    series: inner.series,
    onWebviewMessage: (m: unknown) => (inner.onWebviewMessage(m), pump()),
    onRunEvent: (e: Parameters<PanelSession['onRunEvent']>[0]) => (inner.onRunEvent(e), pump()),
  };
  inner.attach({
    post: (m) => {
      const parsed = parseHostMessage(JSON.parse(JSON.stringify(m)));
      assert.ok(parsed, `host message ${m.type} passes the webview's validation`);
      changes.push(model.apply(parsed));
    },
  });
  return { model, changes, session };
}

test('every chart series fills from the ticks; nulls leave gaps, not points', () => {
  const { model, session } = connected();
  const run = syntheticRun(40);
  session.onWebviewMessage({ type: 'ready' });
  session.onRunEvent(run.start);
  for (const point of run.ticks) session.onRunEvent({ type: 'tick', point });
  for (const chart of CHARTS) {
    for (const s of chart.series) assert.equal(model.store.points(chart.id, s.id).length, 40, `${chart.id}/${s.id}`);
  }
  const withGap = { ...run.ticks[0]!, t: 41, queueDepth: null, cacheHitRate: null };
  session.onRunEvent({ type: 'tick', point: withGap });
  assert.equal(model.store.points('queue', 'queueDepth').length, 40);
  assert.equal(model.store.points('rate', 'sent').length, 41);
  assert.equal(model.xMax, 41);
});

test('thresholds flip on the tick the runner reports them broken, with the second they first broke', () => {
  const { model, changes, session } = connected();
  const run = syntheticRun(80);
  session.onWebviewMessage({ type: 'ready' });
  session.onRunEvent(run.start);
  assert.deepEqual(model.thresholds.list().map((r) => r.pass), [null, null, null]);
  for (const point of run.ticks) session.onRunEvent({ type: 'tick', point });
  const flips = changes.flatMap((c) => c.flips);
  const firstFail = (id: string) => flips.find((f) => f.id === id && f.pass === false)?.t;
  assert.equal(firstFail('th-0'), run.breachAt['th-0']);
  assert.equal(firstFail('th-1'), run.breachAt['th-1']);
  assert.equal(firstFail('th-2'), undefined);
  assert.equal(model.thresholds.get('th-0')!.firstBreachT, run.breachAt['th-0']);
  assert.equal(model.thresholds.get('th-0')!.firstBreachStage, 'news-spike');
});

test('the end of the run: verdict, timeline earliest first, controls no longer live', () => {
  const { model, session } = connected();
  const run = syntheticRun(80);
  session.onWebviewMessage({ type: 'ready' });
  session.onRunEvent(run.start);
  for (const point of run.ticks) session.onRunEvent({ type: 'tick', point });
  assert.equal(model.live, true);
  session.onRunEvent({ type: 'done', summary: run.summary });
  assert.equal(model.live, false);
  assert.equal(model.summary?.verdict.pass, false);
  const timeline = breachTimeline(model.summary!);
  assert.deepEqual(timeline.map((e) => [e.id, e.t]), [['th-0', run.breachAt['th-0']], ['th-1', run.breachAt['th-1']]]);
  assert.equal(model.kpis().cost, run.summary.cost.total);
});

test('a replay after a reload rebuilds the same state; a duplicate tick is not added twice', () => {
  const live = connected();
  const run = syntheticRun(30);
  live.session.onWebviewMessage({ type: 'ready' });
  live.session.onRunEvent(run.start);
  for (const point of run.ticks) live.session.onRunEvent({ type: 'tick', point });
  const replayed = new PanelModel();
  const replay = parseHostMessage(JSON.parse(JSON.stringify(live.session.series.replay())));
  assert.ok(replay);
  const change = replayed.apply(replay);
  assert.equal(change.reset, true);
  assert.deepEqual(replayed.store.points('latency', 'ttft.p95'), live.model.store.points('latency', 'ttft.p95'));
  assert.deepEqual(replayed.thresholds.list(), live.model.thresholds.list());
  const again = replayed.apply({ type: 'update', points: [run.ticks[29]!] });
  assert.equal(again.appended, 0);
  assert.equal(replayed.store.tickCount, 30);
});

test('a new run empties the series in place (the charts keep their arrays)', () => {
  const model = new PanelModel();
  const a = syntheticRun(10, 1);
  const b = syntheticRun(10, 2);
  model.apply({ type: 'update', start: a.start, points: a.ticks });
  const arr = model.store.points('rate', 'sent');
  assert.equal(arr.length, 10);
  model.apply({ type: 'update', start: b.start, points: b.ticks.slice(0, 3) });
  assert.equal(model.store.points('rate', 'sent'), arr);
  assert.equal(arr.length, 3);
});

test('KPIs: the latest tick, with the error rate over the last 10 s', () => {
  const model = new PanelModel();
  const run = syntheticRun(80);
  assert.equal(model.kpis().achievedRate, null);
  model.apply({ type: 'update', start: run.start, points: run.ticks.slice(0, run.breachAt['th-1']! + 9) });
  const k = model.kpis();
  const last = run.ticks[run.breachAt['th-1']! + 8]!;
  assert.equal(k.achievedRate, last.achievedRate);
  assert.equal(k.ttftP95, last.ttft.p95);
  assert.ok(k.errorRate! > 0.2 && k.errorRate! < 0.4, String(k.errorRate));
  assert.equal(k.errorWindow, 'last 10 s');
  assert.equal(k.achievedWindow, 'last 5 s');
});

test('the stacked outcomes chart stacks in order and keeps each kind for the tooltip', () => {
  const model = new PanelModel();
  const run = syntheticRun(80);
  const t = run.breachAt['th-1']!;
  model.apply({ type: 'update', start: run.start, points: run.ticks.slice(0, t) });
  const p = run.ticks[t - 1]!;
  const ok = model.store.points('outcomes', 'outcome.ok')[t - 1]!;
  const limited = model.store.points('outcomes', 'outcome.rate_limited')[t - 1]!;
  assert.equal(ok.y, p.outcomes.ok);
  assert.equal(limited.y, p.outcomes.ok + p.outcomes.rate_limited);
  assert.equal(limited.own, p.outcomes.rate_limited);
});

test('threshold metrics map to the chart that plots them', () => {
  assert.equal(chartForMetric('ttft.p95')?.chart.id, 'latency');
  assert.equal(chartForMetric('e2e.p99')?.chart.id, 'latency');
  assert.equal(chartForMetric('itl.p50')?.chart.id, 'itl');
  assert.equal(chartForMetric('tokens.perSecond')?.rule.axis, 'y1');
  assert.equal(chartForMetric('errors.rate')?.chart.id, 'outcomes');
  assert.equal(chartForMetric('cost.perRequest')?.rule.axis, 'y1');
  assert.equal(chartForMetric('cost.perRequest.growth'), null);
  assert.equal(chartForMetric('cancellations.leaked'), null);
});

test('after a Stop: the rate tile shows the peak target (not the last, 0), its window is the whole run, and the last partial second is marked', () => {
  const model = new PanelModel();
  const run = syntheticRun(30);
  const last = run.ticks[run.ticks.length - 1]!;
  // The engine's final tick covers what is left of its second: 0.2 s here, in which a Stop
  // aborted every request in flight.
  const partial = { ...last, t: last.t + 1, targetLevel: 0, completedRate: 500, outcomes: { ...last.outcomes, aborted: 100 } };
  model.apply({ type: 'update', start: run.start, points: [...run.ticks, partial] });
  model.apply({ type: 'update', points: [], summary: { ...run.summary, endReason: 'stopped', durationMs: (last.t + 0.2) * 1000 } });
  const k = model.kpis();
  assert.equal(k.targetIsPeak, true);
  assert.equal(k.targetLevel, Math.max(...run.ticks.map((p) => p.targetLevel)));
  assert.equal(k.achievedWindow, 'whole run');
  assert.equal(model.partialLastSecond, partial.t);
  // Completed per second leaves out what the Stop aborted: no 500/s spike.
  const completed = model.store.points('rate', 'completed');
  const byStop = completed.find((p) => p.x === partial.t)!;
  const finished = Object.values(partial.outcomes).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(byStop.y - (500 * (finished - 100)) / finished) < 1e-9, String(byStop.y));
});

test('a run that ended on a whole second has no partial last second', () => {
  const model = new PanelModel();
  const run = syntheticRun(20);
  model.apply({ type: 'update', start: run.start, points: run.ticks, summary: { ...run.summary, durationMs: 20_030 } });
  assert.equal(model.partialLastSecond, null);
});

test('the Load chart plots rates only; counts of requests waiting have their own chart', () => {
  const rate = CHARTS.find((c) => c.id === 'rate')!;
  assert.deepEqual(rate.axes.map((a) => a.unit), ['per_second']);
  assert.ok(rate.series.every((s) => s.axis === 'y'));
  const queue = CHARTS.find((c) => c.id === 'queue')!;
  assert.deepEqual(queue.series.filter((s) => s.axis === 'y').map((s) => s.id), ['inFlight', 'backlog', 'queueDepth']);
  // A cache that never hit is a feature the scenario does not use: that chart waits for a hit.
  assert.equal(CHARTS.find((c) => c.id === 'cache')!.onlyWithData, 'nonzero');
});
