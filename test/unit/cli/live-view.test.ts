import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveView } from '../../../src/cli/live-view';
import { progressBar } from '../../../src/report/text-progress';
import { ansi, useColor } from '../../../src/cli/terminal-style';
import { colorPalette, plainPalette } from '../../../src/report/text-style';
import type { RunEvent } from '../../../src/protocol/run-events';
import { sampleEvents } from '../report/sample-run';

function capture(columns = 120) {
  const chunks: string[] = [];
  return { out: { columns, write: (s: string) => chunks.push(s) }, text: () => chunks.join(''), chunks };
}

test('not a TTY: one plain line per tick for short runs, logs between them, no escape codes', () => {
  const c = capture();
  const view = new LiveView(c.out, 'lines', plainPalette);
  for (const e of sampleEvents()) view.onEvent(e);
  const lines = c.text().trimEnd().split('\n');
  assert.equal(lines.filter((l) => /^\[\d+s\/8s\]/.test(l)).length, 8);
  // Every figure says its window: the achieved rate's, the recent one (as many seconds as the
  // run has had, up to ten, when the runner reports no trailing window), one second, so far.
  assert.match(lines[0], /^\[1s\/8s\] baseline · target 2\/s · achieved 2\.0\/s \(last 5 s\) · in-flight 1 · queue 0 · kv 10% · last 1 s: TTFT p95 200 ms, error rate 0\.0% · 100 tok\/s \(last 1 s\) · so far: ok 2, errors none, cost \$0\.0010$/);
  assert.match(c.text(), /\[5s\] warn first 429 from primary/);
  assert.match(lines[lines.length - 1], /^\[8s\/8s\] spike .* · last 1 s: TTFT p95 2\.30 s · last 8 s: error rate 7\.1% .* so far: ok \d+, errors rate_limited 4, cost \$[\d.]+ · failing ttft\.p95$/);
  assert.doesNotMatch(c.text(), /\u001b/);
});

test('with the runner\'s trailing window, the recent figures are the last 10 s', () => {
  const c = capture();
  const view = new LiveView(c.out, 'lines', plainPalette);
  for (const e of sampleEvents()) view.onEvent(e.type === 'tick' ? { ...e, point: { ...e.point, recent: { seconds: 10, ttftP95: 1509.375, errorRate: 0.333333 } } } : e);
  assert.match(c.text(), /last 10 s: TTFT p95 1\.51 s, error rate 33\.3%/);
});

test('not a TTY, long run: a line every 5 s and at each stage change', () => {
  const c = capture();
  const view = new LiveView(c.out, 'lines', plainPalette);
  const events = sampleEvents({ seconds: 12, summary: null });
  const start = events[0];
  if (start.type === 'start') start.durationMs = 600_000;
  for (const e of events) view.onEvent(e);
  const ts = [...c.text().matchAll(/^\[(\d+)s\//gm)].map((m) => Number(m[1]));
  assert.deepEqual(ts, [1, 5, 10], 'first line, the stage change at 5, then every 5 s');
});

test('TTY: a block redrawn in place with a progress bar, cursor hidden then restored', () => {
  const c = capture(100);
  const view = new LiveView(c.out, 'tty', colorPalette);
  const events = sampleEvents();
  for (const e of events.slice(0, 4)) view.onEvent(e);
  const text = c.text();
  assert.ok(text.startsWith(ansi.hideCursor));
  assert.ok(text.includes(ansi.up(5) + ansi.clearDown), 'previous block erased before redraw');
  assert.match(text, /█+░+.* 3s \/ 8s .*stage 1\/2 baseline/);
  const lastBlock = c.chunks[c.chunks.length - 1].replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
  for (const line of lastBlock.split('\n')) assert.ok(line.length <= 99, `fits the terminal: ${line}`);
  for (const e of events.slice(4)) view.onEvent(e);
  assert.ok(c.text().endsWith(ansi.showCursor), 'cursor restored at done');
  view.close();
  assert.equal(c.text().split(ansi.showCursor).length, 2, 'restored once');
});

test('quiet: nothing while the run goes on', () => {
  const c = capture();
  const view = new LiveView(c.out, 'quiet', plainPalette);
  for (const e of sampleEvents()) view.onEvent(e);
  assert.equal(c.text(), '');
});

test('control characters from log messages cannot reach the terminal; scrubber applies', () => {
  const c = capture();
  const view = new LiveView(c.out, 'lines', plainPalette, (t) => t.replace('sk-123456', '[redacted]'));
  const log: RunEvent = { type: 'log', entry: { t: 1, level: 'error', message: 'bad \u001b[2Jkey sk-123456' } };
  view.onEvent(log);
  assert.equal(c.text(), '[1s] error bad [2Jkey [redacted]\n');
});

test('progress bar and colour choice', () => {
  assert.equal(progressBar(0.5, 10), '█████░░░░░');
  assert.equal(progressBar(2, 4), '████');
  assert.equal(useColor(true, {}), true);
  assert.equal(useColor(true, { NO_COLOR: '1' }), false);
  assert.equal(useColor(false, { FORCE_COLOR: '1' }), true);
  assert.equal(useColor(true, {}, false), false);
});
