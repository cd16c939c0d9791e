// The bucketed min/max view a chart draws: exact while short, bounded when long, spikes kept,
// the latest second always shown, and a reset (new run) empties it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DisplaySeries, MAX_BUCKETS } from '../../../webview/display-series';
import type { PlotPoint } from '../../../webview/series-store';

test('short series are shown point for point', () => {
  const source: PlotPoint[] = [];
  const d = new DisplaySeries(source);
  assert.equal(d.sync(), false);
  for (let t = 1; t <= 50; t++) {
    source.push({ x: t, y: t % 7 });
    assert.equal(d.sync(), true);
  }
  assert.deepEqual(d.points, source);
  assert.equal(d.sync(), false, 'nothing new, nothing to redraw');
});

test('an hour stays bounded, keeps every spike and the latest second, in time order', () => {
  const source: PlotPoint[] = [];
  const d = new DisplaySeries(source);
  for (let t = 1; t <= 3600; t++) {
    source.push({ x: t, y: t === 1234 ? 1000 : t === 2345 ? -5 : Math.sin(t / 50) });
    d.sync();
    assert.equal(d.points[d.points.length - 1], source[source.length - 1]);
  }
  assert.ok(d.points.length <= MAX_BUCKETS * 2 + 1, `${d.points.length} points shown`);
  assert.ok(d.points.length >= MAX_BUCKETS / 2);
  assert.ok(d.points.some((p) => p.y === 1000));
  assert.ok(d.points.some((p) => p.y === -5));
  for (let i = 1; i < d.points.length; i++) assert.ok(d.points[i]!.x > d.points[i - 1]!.x);
});

test('built tick by tick or all at once, the view is the same; a reset empties it', () => {
  const source: PlotPoint[] = [];
  const live = new DisplaySeries(source);
  for (let t = 1; t <= 1000; t++) {
    source.push({ x: t, y: (t * 37) % 101 });
    live.sync();
  }
  const once = new DisplaySeries(source);
  once.sync();
  assert.deepEqual(live.points, once.points);
  source.length = 0;
  assert.equal(live.sync(), true);
  assert.deepEqual(live.points, []);
});

test('a new run of the same length is rebuilt after reset()', () => {
  const source: PlotPoint[] = [{ x: 1, y: 1 }, { x: 2, y: 2 }];
  const d = new DisplaySeries(source);
  d.sync();
  source.splice(0, 2, { x: 1, y: 9 }, { x: 2, y: 8 });
  d.reset();
  assert.equal(d.sync(), true);
  assert.deepEqual(d.points.map((p) => p.y), [9, 8]);
});
