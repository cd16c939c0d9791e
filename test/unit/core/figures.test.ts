// The vocabulary every surface shares: one error rate (aborted requests left out), one status
// word per way a run ends, windows named the same way, and the one formatter's forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorRate, judgedRequests, recentFigures, runFigures, statusWord, verdictLine, WINDOW } from '../../../vocabulary/figures';
import { formatDelta, formatMetricValue, formatMs, formatPercent, formatRelative, formatTick } from '../../../vocabulary/format';
import { syntheticRun } from '../../browser/fixtures/synthetic-run';

const outcomes = { ok: 6, rate_limited: 2, server_error: 1, client_error: 0, timeout: 1, network: 0, canceled: 2, aborted: 8 };

test('the error rate leaves out requests the run aborted, and counts cancellations as judged', () => {
  assert.equal(judgedRequests(outcomes), 12);
  assert.equal(errorRate(outcomes), 4 / 12);
  assert.equal(errorRate({ aborted: 5 }), null);
});

test('one status word per way a run ends', () => {
  const verdict = (pass: boolean) => ({ pass, headline: `${pass ? 'PASS' : 'FAIL'} — x`, firstBreach: null });
  assert.equal(statusWord({ endReason: 'completed', verdict: verdict(true) }), 'PASS');
  assert.equal(statusWord({ endReason: 'completed', verdict: verdict(false) }), 'FAIL');
  // A stopped run is STOPPED whether or not its thresholds held: the panel used to say FAIL.
  assert.equal(statusWord({ endReason: 'stopped', verdict: verdict(false) }), 'STOPPED');
  assert.equal(statusWord({ endReason: 'aborted', verdict: verdict(false) }), 'ABORTED');
  assert.equal(statusWord({ endReason: 'error', verdict: { pass: false, headline: 'ERROR — providers[0].baseUrl: not set', firstBreach: null } }), 'ERROR');
  // The word once: the editor used to say "ERROR — ERROR — …".
  assert.equal(verdictLine({ endReason: 'error', verdict: { pass: false, headline: 'ERROR — providers[0].baseUrl: not set', firstBreach: null } }), 'ERROR — providers[0].baseUrl: not set');
  assert.equal(verdictLine({ endReason: 'stopped', verdict: verdict(false) }), 'STOPPED — x');
  // A completed run the load tester could not deliver (a client limit held) is neither PASS nor
  // FAIL, and the runner's headline already starts with its word.
  const inconclusive = { pass: false, inconclusive: true, headline: 'INCONCLUSIVE — client connection cap 50 reached at 2 s: a limit of the load tester', firstBreach: null };
  assert.equal(statusWord({ endReason: 'completed', verdict: inconclusive }), 'INCONCLUSIVE');
  assert.equal(verdictLine({ endReason: 'completed', verdict: inconclusive }), inconclusive.headline);
  // Stopped or aborted says how the run ended, whatever the client limits.
  assert.equal(statusWord({ endReason: 'stopped', verdict: inconclusive }), 'STOPPED');
});

test('whole-run figures come from the summary; recent ones from the runner window of the last tick', () => {
  const { summary, ticks } = syntheticRun(30);
  const f = runFigures({ ...summary, endReason: 'stopped', metrics: { ...summary.metrics, 'errors.rate': 0.155 } });
  assert.deepEqual(f, { status: 'STOPPED', errorRate: 0.155, ttftP95: summary.ttft.p95, costTotal: summary.cost.total });
  const withWindow = ticks.map((p) => ({ ...p, recent: { seconds: 10, ttftP95: 324, errorRate: 0.28 } }));
  assert.deepEqual(recentFigures(withWindow), { errorRate: 0.28, errorWindow: WINDOW.recent, ttftP95: 324, ttftWindow: WINDOW.recent });
  assert.equal(recentFigures([]), null);
});

test('one formatter: the same value reads the same in every unit it is shown in', () => {
  assert.equal(formatPercent(0.155), '15.5%');
  assert.equal(formatPercent(0.004), '0.40%');
  assert.equal(formatPercent(0), '0.0%');
  assert.equal(formatMetricValue('errors.rate', 0.155), formatPercent(0.155));
  assert.equal(formatMs(0), '0 ms');
  assert.equal(formatMs(1509.375), '1.51 s');
  // Axis ticks are short and carry their unit: the TTFT axis said "ms" under ticks in seconds.
  assert.equal(formatTick('ms', 1500), '1.5 s');
  assert.equal(formatTick('ms', 250), '250 ms');
  assert.equal(formatTick('fraction', 0.2), '20%');
  assert.equal(formatTick('per_second', 10), '10/s');
  assert.equal(formatTick('count', 1500), '1,500');
  assert.equal(formatDelta('ms', -200), '−200 ms');
  assert.equal(formatDelta('usd', 0.00012), '+$0.00012');
  assert.equal(formatRelative(11.94), '+1194.0%');
  assert.equal(formatRelative(null), '–');
});
