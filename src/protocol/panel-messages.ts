// The one message protocol between the live panel's host (src/extension/panel/) and its webview
// (webview/). Types only: each side validates what it receives with its own parser
// (webview/host-message-parse.ts, src/extension/panel/webview-message-parse.ts), because the
// webview may import nothing but types from src/protocol.
import type { RunEvent, RunSummary, TickPoint } from './run-events';

/** The `start` event of the run the panel shows. */
export type RunStartInfo = Extract<RunEvent, { type: 'start' }>;

/** Lowest and highest live load multiplier either side accepts. */
export const MULTIPLIER_MIN = 0.1;
export const MULTIPLIER_MAX = 10;

// ---- host -> webview ---------------------------------------------------------------------

/** The whole run so far; sent only in answer to `ready`. `start` is null when no run was seen. */
export interface ReplayMessage {
  type: 'replay';
  start: RunStartInfo | null;
  points: TickPoint[];
  summary: RunSummary | null;
  /** True while the run is still going (Stop and the multiplier are live). */
  live: boolean;
  /** Why the panel shows a finished or cut-short run it did not watch (after a window reload). */
  note?: string;
}

/**
 * What happened since the last message, applied in order: a new run (`start` resets every
 * series), then `points`, then the end of the run (`summary`). The host sends at most four of
 * these a second, batching ticks when they come faster.
 */
export interface UpdateMessage {
  type: 'update';
  start?: RunStartInfo;
  points: TickPoint[];
  summary?: RunSummary;
}

/** One side of a comparison: a past run as read from its results file. */
export interface ComparedRun {
  /** How the run is named in the table and legends (scenario and time). */
  label: string;
  start: RunStartInfo | null;
  points: TickPoint[];
  summary: RunSummary | null;
}

/**
 * Two past runs side by side: summary deltas and overlaid charts on one clock (seconds since
 * each run's start). Sent after `replay` when the panel shows a comparison; a new run's `start`
 * switches the page back to the live view.
 */
export interface CompareMessage {
  type: 'compare';
  baseline: ComparedRun;
  current: ComparedRun;
}

export type HostMessage = ReplayMessage | UpdateMessage | CompareMessage;

// ---- webview -> host ---------------------------------------------------------------------

export type WebviewMessage =
  /** The page loaded (or reloaded) and wants the run replayed. */
  | { type: 'ready' }
  | { type: 'stop' }
  | { type: 'setMultiplier'; value: number }
  /** Leave the comparison and show the live (or last) run again. */
  | { type: 'closeCompare' };
