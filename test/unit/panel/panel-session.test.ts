// The panel host's logic against a fake webview transport and a manual clock: replay on every
// ready, at most one message per 250 ms with ticks batched, nothing sent to a page that is not
// ready, controls relayed only while the run is live, bad messages ignored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostMessage } from '../../../src/protocol/panel-messages';
import { MIN_INTERVAL_MS, PanelSession, type PanelClock } from '../../../src/extension/panel/panel-session';
import { syntheticRun } from '../../browser/fixtures/synthetic-run';

class ManualClock implements PanelClock {
  time = 0;
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private nextId = 1;
  now(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.time = next.at;
      next.fn();
    }
    this.time = end;
  }
  get pending(): number {
    return this.timers.length;
  }
}

function setup() {
  const clock = new ManualClock();
  const calls: string[] = [];
  const sent: Array<{ at: number; message: HostMessage }> = [];
  const session = new PanelSession(
    { stop: () => calls.push('stop'), setMultiplier: (v) => calls.push(`multiplier ${v}`) },
    clock,
  );
  session.attach({ post: (message) => sent.push({ at: clock.now(), message }) });
  return { clock, calls, sent, session };
}

test('nothing is sent before ready; ready replays the run so far', () => {
  const { sent, session } = setup();
  const run = syntheticRun(30);
  session.onRunEvent(run.start);
  for (const point of run.ticks.slice(0, 10)) session.onRunEvent({ type: 'tick', point });
  assert.equal(sent.length, 0);
  session.onWebviewMessage({ type: 'ready' });
  assert.equal(sent.length, 1);
  const replay = sent[0]!.message;
  assert.equal(replay.type, 'replay');
  assert.ok(replay.type === 'replay' && replay.live && replay.start?.runId === run.start.runId);
  assert.deepEqual(replay.points.map((p) => p.t), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
});

test('live ticks are paced to one message per 250 ms and batched, each tick sent once', () => {
  const { clock, sent, session } = setup();
  const run = syntheticRun(40);
  session.onRunEvent(run.start);
  session.onWebviewMessage({ type: 'ready' });
  // Ticks faster than the pace (every 50 ms) must be batched.
  for (const point of run.ticks) {
    session.onRunEvent({ type: 'tick', point });
    clock.advance(50);
  }
  clock.advance(1000);
  const updates = sent.filter((s) => s.message.type === 'update');
  assert.ok(updates.length >= 7 && updates.length <= 9, `${updates.length} updates`);
  for (let i = 1; i < sent.length; i++) assert.ok(sent[i]!.at - sent[i - 1]!.at >= MIN_INTERVAL_MS);
  const ts = updates.flatMap((s) => (s.message.type === 'update' ? s.message.points.map((p) => p.t) : []));
  assert.deepEqual(ts, run.ticks.map((p) => p.t));
  assert.equal(clock.pending, 0);
});

test('one tick a second goes out as one update per tick', () => {
  const { clock, sent, session } = setup();
  const run = syntheticRun(10);
  session.onWebviewMessage({ type: 'ready' });
  session.onRunEvent(run.start);
  clock.advance(1000);
  for (const point of run.ticks) {
    session.onRunEvent({ type: 'tick', point });
    clock.advance(1000);
  }
  session.onRunEvent({ type: 'done', summary: run.summary });
  clock.advance(1000);
  const messages = sent.map((s) => s.message);
  assert.equal(messages[0]!.type, 'replay');
  const updates = messages.slice(1);
  assert.equal(updates.length, 12);
  assert.ok(updates[0]!.type === 'update' && updates[0]!.start?.runId === run.start.runId);
  assert.ok(updates.slice(1, 11).every((m) => m.type === 'update' && m.points.length === 1));
  assert.ok(updates[11]!.type === 'update' && updates[11]!.summary?.runId === run.summary.runId);
});

test('a new run drops the old run from the pending batch and from the replay', () => {
  const { clock, sent, session } = setup();
  const first = syntheticRun(5, 1);
  const second = syntheticRun(5, 2);
  session.onWebviewMessage({ type: 'ready' });
  session.onRunEvent(first.start);
  clock.advance(300);
  session.onRunEvent({ type: 'tick', point: first.ticks[0]! });
  session.onRunEvent(second.start);
  session.onRunEvent({ type: 'tick', point: second.ticks[0]! });
  clock.advance(300);
  const last = sent[sent.length - 1]!.message;
  assert.ok(last.type === 'update' && last.start?.runId === second.start.runId && last.points.length === 1);
  assert.equal(session.series.replay().start?.runId, second.start.runId);
  assert.equal(session.series.replay().points.length, 1);
});

test('a hidden page gets nothing until it says ready again, then everything', () => {
  const { clock, sent, session } = setup();
  const run = syntheticRun(20);
  session.onRunEvent(run.start);
  session.onWebviewMessage({ type: 'ready' });
  session.onRunEvent({ type: 'tick', point: run.ticks[0]! });
  session.markNotReady();
  for (const point of run.ticks.slice(1)) session.onRunEvent({ type: 'tick', point });
  clock.advance(2000);
  assert.equal(sent.length, 1, 'only the first replay');
  session.onWebviewMessage({ type: 'ready' });
  const replay = sent[sent.length - 1]!.message;
  assert.ok(replay.type === 'replay' && replay.points.length === 20);
});

test('after the run ended the series stays for a reopened panel, and the controls are inert', () => {
  const { calls, sent, session } = setup();
  const run = syntheticRun(10);
  session.onRunEvent(run.start);
  session.onWebviewMessage({ type: 'setMultiplier', value: 2 });
  session.onWebviewMessage({ type: 'stop' });
  assert.deepEqual(calls, ['multiplier 2', 'stop']);
  for (const point of run.ticks) session.onRunEvent({ type: 'tick', point });
  session.onRunEvent({ type: 'done', summary: run.summary });
  session.detach();
  session.attach({ post: (message) => sent.push({ at: 0, message }) });
  session.onWebviewMessage({ type: 'ready' });
  const replay = sent[sent.length - 1]!.message;
  assert.ok(replay.type === 'replay' && !replay.live && replay.summary !== null && replay.points.length === 10);
  session.onWebviewMessage({ type: 'stop' });
  session.onWebviewMessage({ type: 'setMultiplier', value: 3 });
  assert.deepEqual(calls, ['multiplier 2', 'stop']);
});

test('messages that are not the protocol are ignored', () => {
  const { calls, sent, session } = setup();
  session.onRunEvent(syntheticRun(5).start);
  for (const bad of [null, 'ready', [], { type: 'replay' }, { type: 'setMultiplier', value: 'x' }, { type: 'setMultiplier', value: 1e9 }, { type: 'setMultiplier', value: Number.NaN }]) {
    session.onWebviewMessage(bad);
  }
  assert.deepEqual(calls, []);
  assert.equal(sent.length, 0);
});

test('the refresh rate setting slows messages down but never past four a second', async () => {
  const { intervalForRate } = await import('../../../src/extension/panel/panel-session');
  assert.equal(intervalForRate(4), 250);
  assert.equal(intervalForRate(2), 500);
  assert.equal(intervalForRate(1), 1000);
  assert.equal(intervalForRate(60), 250);
  assert.equal(intervalForRate(0), 1000);
  assert.equal(intervalForRate(undefined), 250);
  assert.equal(intervalForRate(Number.NaN), 250);

  const clock = new ManualClock();
  const sent: Array<{ at: number; message: HostMessage }> = [];
  const session = new PanelSession({ stop: () => {}, setMultiplier: () => {} }, clock, () => 1000);
  session.attach({ post: (message) => sent.push({ at: clock.now(), message }) });
  session.onWebviewMessage({ type: 'ready' });
  const run = syntheticRun(20);
  session.onRunEvent(run.start);
  for (const point of run.ticks) {
    session.onRunEvent({ type: 'tick', point });
    clock.advance(100);
  }
  clock.advance(2000);
  const updates = sent.filter((s) => s.message.type === 'update');
  for (let i = 1; i < updates.length; i++) assert.ok(updates[i]!.at - updates[i - 1]!.at >= 1000);
  const points = updates.reduce((n, s) => n + (s.message.type === 'update' ? s.message.points.length : 0), 0);
  assert.equal(points, 20, 'every tick still arrives, batched');
});

test('a loaded past run replays with its note and is never live; a comparison follows every replay', () => {
  const { sent, session, calls } = setup();
  const run = syntheticRun(15);
  session.series.load(run.start, run.ticks.slice(0, 8), null, 'run ended with the window reload; showing what was measured');
  session.onWebviewMessage({ type: 'ready' });
  const replay = sent[0]!.message;
  assert.equal(replay.type, 'replay');
  if (replay.type !== 'replay') return;
  assert.equal(replay.points.length, 8);
  assert.equal(replay.live, false);
  assert.match(replay.note ?? '', /window reload/);
  session.onWebviewMessage({ type: 'stop' });
  assert.deepEqual(calls, [], 'Stop does nothing for a run no runner drives');

  const side = { label: 'a', start: run.start, points: run.ticks, summary: run.summary };
  session.showComparison({ type: 'compare', baseline: side, current: side });
  assert.equal(sent[sent.length - 1]!.message.type, 'compare');
  session.markNotReady();
  session.onWebviewMessage({ type: 'ready' });
  assert.deepEqual(sent.slice(-2).map((s) => s.message.type), ['replay', 'compare']);
  session.onWebviewMessage({ type: 'closeCompare' });
  session.onWebviewMessage({ type: 'ready' });
  assert.equal(sent[sent.length - 1]!.message.type, 'replay');

  // A new run drops both the loaded run and the comparison.
  session.showComparison({ type: 'compare', baseline: side, current: side });
  session.onRunEvent(run.start);
  assert.equal(session.comparing, false);
  assert.equal(session.series.live, true);
  assert.equal(session.series.replay().note, undefined);
});
