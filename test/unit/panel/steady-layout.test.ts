// What decides whether a chart's layout can be kept: the nice axis tops, the range key Chart.js's
// layout depends on, and the display series never pushing into the array Chart.js watches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axisExtent, axisRangeKey, niceCeiling, type ShownSeries } from '../../../webview/steady-layout';
import { DisplaySeries } from '../../../webview/display-series';
import type { PlotPoint } from '../../../webview/series-store';

const pts = (...ys: number[]): PlotPoint[] => ys.map((y, i) => ({ x: i + 1, y }));

test('nice tops: at or above the value, at most 1.5 times it, round decimals', () => {
  assert.equal(niceCeiling(1), 1);
  assert.equal(niceCeiling(1.01), 1.5);
  assert.equal(niceCeiling(2.37), 2.5);
  assert.equal(niceCeiling(7), 8);
  assert.equal(niceCeiling(8.5), 10);
  assert.equal(niceCeiling(4321), 5000);
  assert.equal(niceCeiling(0.00037), 0.0004);
  assert.equal(niceCeiling(0.29), 0.3);
  for (let i = 0; i < 2000; i++) {
    const v = 10 ** (i / 200 - 5) * (1 + (i % 7) / 100);
    const top = niceCeiling(v);
    assert.ok(top >= v && top <= v * 1.5 + 1e-12, `${v} -> ${top}`);
    // The mantissa is one of the round ones (no 0.30000000000000004).
    const mantissa = Number((top / 10 ** Math.floor(Math.log10(top))).toPrecision(12));
    assert.ok([1, 1.5, 2, 2.5, 3, 4, 5, 6, 8].includes(mantissa), `${top} has mantissa ${mantissa}`);
    assert.equal(String(top).length <= 12 || /e/.test(String(top)), true, `${top} prints short`);
  }
  assert.throws(() => niceCeiling(0), RangeError);
  assert.throws(() => niceCeiling(-1), RangeError);
  assert.throws(() => niceCeiling(Number.NaN), RangeError);
});

test('extent of an axis: visible series on that axis only', () => {
  const series: ShownSeries[] = [
    { axis: 'y', points: pts(3, 9, 4), visible: true },
    { axis: 'y', points: pts(50), visible: false },
    { axis: 'y1', points: pts(-2, 7), visible: true },
  ];
  assert.deepEqual(axisExtent(series, 'y'), [3, 9]);
  assert.deepEqual(axisExtent(series, 'y1'), [-2, 7]);
  assert.deepEqual(axisExtent([], 'y'), [Infinity, -Infinity]);
});

test('range key: moves with what Chart.js reads, not with what it ignores', () => {
  const key = (y: number[], y1: number[], maxSet = { y: true, y1: false }, hidden = false) =>
    axisRangeKey(
      [
        { axis: 'y', points: pts(...y), visible: !hidden },
        { axis: 'y1', points: pts(...y1), visible: true },
      ],
      maxSet,
    );
  const base = key([2, 5], [10, 20]);
  // Beginning at zero: a positive lowest value does not matter, a negative one does.
  assert.equal(key([3, 5], [10, 20]), base);
  assert.notEqual(key([-1, 5], [10, 20]), base);
  // With the axis's own max set, a new highest point does not matter...
  assert.equal(key([2, 7], [10, 20]), base);
  // ...without it, it does.
  assert.notEqual(key([2, 5], [10, 21]), base);
  assert.equal(key([2, 5], [12, 20]), base);
  // Hiding every series of an axis leaves it without values.
  assert.match(key([2, 5], [10, 20], { y: true, y1: false }, true), /^y:-\|/);
  assert.equal(axisRangeKey([], { y: false, y1: false }), 'y:-|y1:-');
});

test('the display series grows its array by index, never by push (Chart.js logs every push)', () => {
  const source: PlotPoint[] = [];
  const d = new DisplaySeries(source);
  d.points.push = () => {
    throw new Error('push called');
  };
  for (let t = 1; t <= 2000; t++) {
    source.push({ x: t, y: (t * 13) % 17 });
    d.sync();
  }
  d.reset();
  d.sync();
  assert.ok(d.points.length > 0);
});
