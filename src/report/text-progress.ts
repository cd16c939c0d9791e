// One-second progress of a run as plain text: the block a terminal redraws in place, the single
// line CI logs and the editor's output channel print, and log lines. Pure.
import { ERROR_OUTCOMES, OUTCOMES, type LogEntry, type Outcome, type OutcomeCounts, type RunEvent, type StageInfo, type TickPoint } from '../protocol/run-events';
import { formatCount, formatDuration, formatLevel, formatMs, formatPercent, formatRate, formatUsd } from '../../vocabulary/format';
import { RECENT_SECONDS, recentFigures, WINDOW } from '../../vocabulary/figures';
import type { Palette } from './text-style';

export interface LiveState {
  plannedDurationS: number;
  loadModel: 'open' | 'closed';
  stages: StageInfo[];
  totals: OutcomeCounts;
  last: TickPoint | null;
  /** The latest ticks (at most a trailing window), for recent figures. */
  recent: TickPoint[];
}

export function emptyOutcomes(): OutcomeCounts {
  return Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as OutcomeCounts;
}

export function newLiveState(): LiveState {
  return { plannedDurationS: 0, loadModel: 'open', stages: [], totals: emptyOutcomes(), last: null, recent: [] };
}

/** Takes one tick into the state: totals so far, the latest tick, the trailing window. */
export function addTick(state: LiveState, point: TickPoint): void {
  for (const o of OUTCOMES) state.totals[o] += point.outcomes[o] ?? 0;
  state.last = point;
  state.recent.push(point);
  if (state.recent.length > RECENT_SECONDS) state.recent.shift();
}

/** Folds a run event into the state: the shape from `start`, the totals, the latest tick and the
 * trailing window from each `tick`. */
export function updateLiveState(state: LiveState, event: RunEvent): void {
  if (event.type === 'start') {
    state.plannedDurationS = event.durationMs / 1000;
    state.loadModel = event.loadModel;
    state.stages = event.stages;
  } else if (event.type === 'tick') {
    addTick(state, event.point);
  }
}

/** "last 10 s: TTFT p95 200 ms, error rate 0.0%" — the figures the status bar and the panel show. */
function recentText(state: LiveState): string {
  const f = recentFigures(state.recent.length ? state.recent : state.last ? [state.last] : []);
  if (!f) return '';
  return f.ttftWindow === f.errorWindow
    ? `${f.ttftWindow}: TTFT p95 ${formatMs(f.ttftP95)}, error rate ${formatPercent(f.errorRate)}`
    : `${f.ttftWindow}: TTFT p95 ${formatMs(f.ttftP95)} · ${f.errorWindow}: error rate ${formatPercent(f.errorRate)}`;
}

function errorsText(counts: OutcomeCounts): string {
  const parts = ERROR_OUTCOMES.filter((o) => counts[o] > 0).map((o) => `${o} ${formatCount(counts[o])}`);
  return parts.length ? parts.join(', ') : 'none';
}

function sideOutcomes(counts: OutcomeCounts): string {
  const extra: Outcome[] = ['canceled', 'aborted'];
  return extra.filter((o) => counts[o] > 0).map((o) => ` · ${o} ${formatCount(counts[o])}`).join('');
}

function stageLabel(state: LiveState, point: TickPoint): string {
  const total = state.stages.length || point.stageIndex + 1;
  return `stage ${point.stageIndex + 1}/${total} ${point.stage}${draining(state, point) ? ' · draining in-flight requests' : ''}`;
}

/** Past the end of the load shape the engine waits for requests still in flight. */
function draining(state: LiveState, point: TickPoint): boolean {
  return state.plannedDurationS > 0 && point.t > state.plannedDurationS && point.inFlight > 0;
}

function thresholdMarks(point: TickPoint, p: Palette): string {
  return point.thresholds
    .map((t) => (t.pass === false ? p.red(`✘ ${t.metric}`) : t.pass ? p.green(`✔ ${t.metric}`) : p.dim(`· ${t.metric}`)))
    .join(' ');
}

export function progressBar(fraction: number, width: number): string {
  const f = Math.min(1, Math.max(0, fraction));
  const full = Math.floor(f * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}

/** The block drawn on a TTY. */
export function formatLiveBlock(state: LiveState, p: Palette, width: number): string[] {
  const point = state.last;
  if (!point) return [p.dim('starting…')];
  const barWidth = Math.max(10, Math.min(40, width - 40));
  const fraction = state.plannedDurationS > 0 ? point.t / state.plannedDurationS : 0;
  const level = formatLevel(point.targetLevel, state.loadModel);
  const multiplier = point.multiplier !== 1 ? ` (×${point.multiplier})` : '';
  return [
    `${p.cyan(progressBar(fraction, barWidth))} ${formatDuration(point.t)} / ${formatDuration(state.plannedDurationS)}  ${p.bold(stageLabel(state, point))}`,
    `target ${level}${multiplier} · achieved ${formatRate(point.achievedRate)} (${WINDOW.achieved}) · in-flight ${point.inFlight} · backlog ${point.backlog} · dropped ${point.dropped}${point.queueDepth !== null ? ` · queue ${point.queueDepth}` : ''}`,
    `${recentText(state)} · ${formatRate(point.tokensPerSecond, ' tok/s')} (${WINDOW.second})`,
    `${WINDOW.soFar}: ok ${formatCount(state.totals.ok)} · errors ${errorsText(state.totals)}${sideOutcomes(state.totals)} · cost ${formatUsd(point.costCumulative)}`,
    ...(point.thresholds.length ? [`thresholds ${thresholdMarks(point, p)}`] : []),
  ];
}

/** One line for logs that are not a terminal. */
export function formatLiveLine(state: LiveState, p: Palette): string {
  const point = state.last;
  if (!point) return '';
  const failing = point.thresholds.filter((t) => t.pass === false).map((t) => t.metric);
  return [
    `[${formatDuration(point.t)}/${formatDuration(state.plannedDurationS)}] ${point.stage}${draining(state, point) ? ' (draining)' : ''}`,
    `target ${formatLevel(point.targetLevel, state.loadModel)}`,
    `achieved ${formatRate(point.achievedRate)} (${WINDOW.achieved})`,
    `in-flight ${point.inFlight}`,
    // The server's own queue and KV-cache use show a GPU filling up before latency does.
    ...(point.queueDepth !== null ? [`queue ${point.queueDepth}`] : []),
    ...(point.kvCacheUsage !== null ? [`kv ${Math.round(point.kvCacheUsage * 100)}%`] : []),
    recentText(state),
    `${formatRate(point.tokensPerSecond, ' tok/s')} (${WINDOW.second})`,
    `${WINDOW.soFar}: ok ${formatCount(state.totals.ok)}, errors ${errorsText(state.totals)}${sideOutcomes(state.totals).replace(/ · /g, ', ')}, cost ${formatUsd(point.costCumulative)}`,
    ...(failing.length ? [p.red(`failing ${failing.join(', ')}`)] : []),
  ].join(' · ');
}

/** Strips characters that could move the cursor or recolour the terminal (log text may come
 * from a server's error body). */
function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u009b]/g, '');
}

export function formatLogLine(entry: LogEntry, p: Palette): string {
  const tag = entry.level === 'error' ? p.red('error') : entry.level === 'warn' ? p.yellow('warn') : p.dim('info');
  return `${p.dim(`[${formatDuration(entry.t)}]`)} ${tag} ${printable(entry.message)}`;
}
