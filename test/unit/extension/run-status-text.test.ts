// The status bar text while a run goes: stage, achieved rate, error share over the last ten
// seconds (aborted requests are not finished ones) and TTFT p95.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusFigures, statusText } from '../../../src/extension/run-status-text';
import { syntheticRun } from '../../browser/fixtures/synthetic-run';

test('figures come from the last tick, the error share from the last ten', () => {
  const ticks = syntheticRun(40).ticks.map((p) => ({
    ...p,
    outcomes: { ok: 9, unacceptable: 0, rate_limited: 1, server_error: 0, client_error: 0, timeout: 0, network: 0, canceled: 0, aborted: 5 },
  }));
  const f = statusFigures(ticks)!;
  const last = ticks[ticks.length - 1]!;
  assert.equal(f.stage, last.stage);
  assert.equal(f.rate, last.achievedRate);
  assert.equal(f.ttftP95, last.ttft.p95);
  assert.equal(f.errorShare, 0.1);
  assert.equal(statusFigures([]), null);
});

test('the text reads as a status line', () => {
  assert.equal(statusText({ stage: 'spike', rate: 12.34, errorShare: 0.0123, ttftP95: 850.4 }), '$(pulse) spike · 12.3/s · err 1.2% · TTFT p95 850 ms');
  assert.equal(statusText({ stage: 'ramp', rate: 250, errorShare: null, ttftP95: 1520 }), '$(pulse) ramp · 250/s · err — · TTFT p95 1.52 s');
  assert.equal(statusText({ stage: 'x', rate: 1, errorShare: 0.5, ttftP95: null }), '$(pulse) x · 1.0/s · err 50% · TTFT p95 —');
});
