// The comparison's figures: deltas and relative change per summary figure, coloured better or
// worse by the figure's direction, and the overlay series on each run's own clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ComparedRun } from '../../../src/protocol/panel-messages';
import { comparisonWarnings, OVERLAY_CHARTS, overlayPoints, summaryDeltas } from '../../../webview/compare-model';
import { parseHostMessage } from '../../../webview/host-message-parse';
import { syntheticRun } from '../../browser/fixtures/synthetic-run';

function compared(label: string, seconds: number, tweak: (s: ComparedRun['summary'] & object) => void): ComparedRun {
  const run = syntheticRun(seconds);
  const summary = structuredClone(run.summary);
  tweak(summary);
  return { label, start: run.start, points: run.ticks, summary };
}

test('deltas: lower latency and cost are better, more tokens/s is better, tiny changes are the same', () => {
  const baseline = compared('a', 60, (s) => {
    s.ttft.p95 = 1000;
    s.ttft.p50 = 400;
    s.tokens.perSecond = 100;
    s.cost.total = 2;
    s.metrics['errors.rate'] = 0.02;
  });
  const current = compared('b', 60, (s) => {
    s.ttft.p95 = 800;
    s.ttft.p50 = 402;
    s.tokens.perSecond = 150;
    s.cost.total = 3;
    s.metrics['errors.rate'] = 0;
  });
  const rows = Object.fromEntries(summaryDeltas(baseline, current).map((r) => [r.key, r]));
  assert.deepEqual(Object.keys(rows), ['requests', 'errors.rate', 'ttft.p50', 'ttft.p95', 'ttft.p99', 'e2e.p95', 'tokens.perSecond', 'cost.total', 'cost.perRequest']);
  assert.equal(rows['ttft.p95']!.delta, -200);
  assert.equal(rows['ttft.p95']!.relative, -0.2);
  assert.equal(rows['ttft.p95']!.verdict, 'better');
  assert.equal(rows['ttft.p50']!.verdict, 'same');
  assert.equal(rows['tokens.perSecond']!.verdict, 'better');
  assert.equal(rows['cost.total']!.verdict, 'worse');
  assert.equal(rows['errors.rate']!.verdict, 'better');
  assert.equal(rows['errors.rate']!.relative, -1);
});

test('a run cut short (no summary) still compares on what its series holds', () => {
  const run = syntheticRun(30);
  const cut: ComparedRun = { label: 'cut', start: run.start, points: run.ticks, summary: null };
  const full = compared('full', 30, () => {});
  const rows = Object.fromEntries(summaryDeltas(cut, full).map((r) => [r.key, r]));
  assert.ok((rows['requests']!.baseline ?? 0) > 0);
  assert.equal(rows['cost.total']!.baseline, run.ticks[run.ticks.length - 1]!.costCumulative);
  assert.equal(rows['ttft.p95']!.baseline, null);
  assert.equal(rows['ttft.p95']!.verdict, null);
});

test('overlay points are on each run\'s own clock and skip gaps', () => {
  const run = syntheticRun(20);
  const spec = OVERLAY_CHARTS.find((c) => c.id === 'rate')!;
  const pts = overlayPoints({ label: 'x', start: run.start, points: run.ticks, summary: null }, spec);
  assert.equal(pts.length, 20);
  assert.deepEqual(pts[0], { x: run.ticks[0]!.t, y: run.ticks[0]!.sentRate });
});

test('compare messages are validated on receipt', () => {
  const run = syntheticRun(10);
  const side = { label: 'a', start: run.start, points: run.ticks, summary: run.summary };
  const good = JSON.parse(JSON.stringify({ type: 'compare', baseline: side, current: { ...side, summary: null } }));
  assert.equal(parseHostMessage(good)?.type, 'compare');
  assert.equal(parseHostMessage({ ...good, current: { ...good.current, label: 3 } }), null);
  assert.equal(parseHostMessage({ ...good, baseline: undefined }), null);
  const badPoint = JSON.parse(JSON.stringify(good));
  badPoint.current.points[0].sentRate = 'x';
  assert.equal(parseHostMessage(badPoint), null);
  const replay = JSON.parse(JSON.stringify({ type: 'replay', start: run.start, points: [], summary: null, live: false, note: 'n' }));
  assert.equal((parseHostMessage(replay) as { note?: string }).note, 'n');
  assert.equal(parseHostMessage({ ...replay, note: 5 }), null);
});

test('comparing runs of different length, load, scenario or ending says so above the figures', () => {
  const full = compared('full', 60, () => {});
  assert.deepEqual(comparisonWarnings(full, compared('same', 60, () => {})), []);
  // A run stopped at 40 s at 2× against a full one (the table read "+1194 %" without a word).
  const short = compared('short', 40, (s) => {
    s.endReason = 'stopped';
    s.durationMs = 40_000;
  });
  short.points = short.points.map((p) => (p.t > 10 ? { ...p, multiplier: 2 } : p));
  const warnings = comparisonWarnings(full, short);
  assert.equal(warnings.length, 3, warnings.join('\n'));
  assert.match(warnings[0]!, /differ in length \(baseline 1m00s, current 40s\)/);
  assert.match(warnings[1]!, /current run's load was changed by hand during the run \(×2\)/);
  assert.match(warnings[2]!, /Not both runs completed: baseline (PASS|FAIL), current STOPPED/);
  const other = compared('other', 60, () => {});
  other.start = { ...other.start!, scenario: 'Another scenario', loadModel: 'closed' };
  assert.deepEqual(comparisonWarnings(full, other).map((w) => w.split(':')[0]), ['Different scenarios', 'Different load models']);
});
