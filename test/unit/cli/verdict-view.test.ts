import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exitCodeFor } from '../../../src/core/exit-codes';
import { formatVerdict } from '../../../src/report/text-verdict';
import { plainPalette } from '../../../src/report/text-style';
import { samplePlan, sampleSummary } from '../report/sample-run';

test('exit codes: pass 0, threshold 1, error 2, aborted 3, signals 130/143', () => {
  const pass = sampleSummary({ verdict: { pass: true, headline: 'PASS — held', firstBreach: null } });
  assert.equal(exitCodeFor(pass, null), 0);
  assert.equal(exitCodeFor(sampleSummary(), null), 1);
  assert.equal(exitCodeFor(sampleSummary({ endReason: 'error' }), null), 2);
  assert.equal(exitCodeFor(sampleSummary({ endReason: 'error', internalError: true }), null), 70, 'an engine failure is a bug, not an invalid scenario');
  assert.equal(exitCodeFor(sampleSummary({ endReason: 'aborted' }), null), 3);
  assert.equal(exitCodeFor(sampleSummary({ endReason: 'stopped' }), 'SIGINT'), 130);
  assert.equal(exitCodeFor(sampleSummary({ endReason: 'stopped' }), 'SIGTERM'), 143);
  assert.equal(exitCodeFor(pass, 'SIGINT'), 130, 'a user stop is neither pass nor fail');
});

test('verdict: state, headline, first breach with load, each threshold with value and limit', () => {
  const lines = formatVerdict(sampleSummary({ verdict: { ...sampleSummary().verdict, headline: 'FAIL — ttft.p95 < 1.5s broke first' } }), {
    palette: plainPalette,
    thresholds: samplePlan().thresholds,
    loadModel: 'open',
  });
  const text = lines.join('\n');
  assert.match(lines[0], /^Verdict: FAIL — ttft\.p95 < 1\.5s broke first$/);
  assert.match(text, /First breach: ttft\.p95 < 1\.5s at 5s in stage spike \(target 20\/s, achieved 18\.5\/s\), value 2\.10 s/);
  assert.match(text, /✘ ttft\.p95 < 1\.5s +2\.30 s \(limit < 1\.50 s\) +first breached at 5s in spike/);
  assert.match(text, /✔ errors\.rate < 1% +0\.0% \(limit < 1\.0%\)/);
  assert.match(text, /Whole run: error rate \d+\.\d+% · TTFT p95 [\d.]+ (ms|s) · cost \$/);
  assert.match(text, /Requests 52 \(ok 48, rate_limited 4\) at 6\.5\/s/);
});

test('a stopped run says so instead of pass or fail', () => {
  const [first] = formatVerdict(sampleSummary({ endReason: 'stopped' }), { palette: plainPalette, stoppedBy: 'SIGINT' });
  assert.match(first, /^Verdict: STOPPED \(SIGINT, after 8s\)/);
});
