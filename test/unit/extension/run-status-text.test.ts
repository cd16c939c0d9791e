// The status bar text: while a run goes, stage, achieved rate, and the error rate and TTFT p95
// of the runner's trailing window (the window the live thresholds use), each saying its window;
// after the run, the status word and whole-run figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finishedText, statusFigures, statusText } from '../../../src/extension/run-status-text';
import { syntheticRun } from '../../browser/fixtures/synthetic-run';

test('figures come from the last tick: its trailing window when the runner reports it', () => {
  const ticks = syntheticRun(40).ticks.map((p) => ({ ...p, recent: { seconds: 10, ttftP95: 321, errorRate: 0.25 } }));
  const f = statusFigures(ticks)!;
  const last = ticks[ticks.length - 1]!;
  assert.equal(f.stage, last.stage);
  assert.equal(f.rate, last.achievedRate);
  assert.equal(f.ttftP95, 321);
  assert.equal(f.errorRate, 0.25);
  assert.equal(f.window, 'last 10 s');
  assert.equal(statusFigures([]), null);
});

test('without the runner window (an older results file) the error rate is summed over ten ticks, aborted requests left out', () => {
  const ticks = syntheticRun(40).ticks.map((p) => ({
    ...p,
    recent: undefined,
    outcomes: { ok: 9, unacceptable: 0, rate_limited: 1, server_error: 0, client_error: 0, timeout: 0, network: 0, canceled: 0, aborted: 5 },
  }));
  const f = statusFigures(ticks)!;
  assert.equal(f.errorRate, 0.1);
  assert.equal(f.ttftP95, ticks[ticks.length - 1]!.ttft.p95);
  assert.equal(f.window, 'last 1 s');
});

test('the text reads as a status line that names its window', () => {
  assert.equal(statusText({ stage: 'spike', rate: 12.34, errorRate: 0.0123, ttftP95: 850.4, window: 'last 10 s' }), '$(pulse) spike · 12.3/s · err 1.2% · TTFT p95 850 ms (last 10 s)');
  assert.equal(statusText({ stage: 'ramp', rate: 250, errorRate: null, ttftP95: 1520, window: 'last 10 s' }), '$(pulse) ramp · 250/s · err – · TTFT p95 1.52 s (last 10 s)');
});

test('after the run: the status word and whole-run figures', () => {
  const { summary } = syntheticRun(30);
  const stopped = { ...summary, endReason: 'stopped' as const, metrics: { ...summary.metrics, 'errors.rate': 0.155 }, ttft: { ...summary.ttft, p95: 1509.4 }, cost: { total: 0.0123, perRequest: null } };
  assert.equal(finishedText(stopped), '$(debug-stop) STOPPED · err 15.5% · TTFT p95 1.51 s · $0.012 (whole run)');
});
