// The panel host's logic without VS Code: keeps the run's series, replays it on every `ready`,
// paces live updates to at most one message per MIN_INTERVAL_MS (ticks that come faster are
// batched) and relays the controls to the run. LivePanel wires it to a real WebviewPanel.
import type { CompareMessage, HostMessage, UpdateMessage } from '../../protocol/panel-messages';
import type { RunEvent } from '../../protocol/run-events';
import type { PanelControls } from './live-panel';
import { RunSeries } from './run-series';
import { parseWebviewMessage } from './webview-message-parse';

/** Four messages a second at most. */
export const MIN_INTERVAL_MS = 250;

/** The pause between messages for a refresh rate setting: 1 to 4 a second, never more. */
export function intervalForRate(rate: number | undefined): number {
  const perSecond = typeof rate === 'number' && Number.isFinite(rate) ? Math.min(4, Math.max(1, rate)) : 4;
  return Math.max(MIN_INTERVAL_MS, Math.round(1000 / perSecond));
}

export interface PanelTransport {
  post(message: HostMessage): void;
}

export interface PanelClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: PanelClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class PanelSession {
  readonly series = new RunSeries();
  private transport: PanelTransport | null = null;
  /** The page said `ready` since it was last (re)loaded: messages reach a live document. */
  private ready = false;
  private pending: UpdateMessage | null = null;
  private timer: unknown = null;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  /** The comparison on show, resent after every replay so a reopened panel shows it again. */
  private comparison: CompareMessage | null = null;

  constructor(
    private readonly controls: PanelControls,
    private readonly clock: PanelClock = systemClock,
    /** Milliseconds between messages, read at each send so a settings change applies at once. */
    private readonly interval: () => number = () => MIN_INTERVAL_MS,
  ) {}

  /** Shows two past runs side by side until a new run starts or the page closes it. */
  showComparison(message: CompareMessage): void {
    this.comparison = message;
    if (this.ready) this.send(message);
  }

  get comparing(): boolean {
    return this.comparison !== null;
  }

  /** A webview exists; it receives nothing until it posts `ready`. */
  attach(transport: PanelTransport): void {
    this.transport = transport;
    this.markNotReady();
  }

  /** The webview was disposed. */
  detach(): void {
    this.transport = null;
    this.markNotReady();
  }

  /**
   * The webview's document is gone (panel hidden without retainContextWhenHidden): messages
   * would be dropped, so none are sent until it loads again and posts `ready`.
   */
  markNotReady(): void {
    this.ready = false;
    this.pending = null;
    this.cancelTimer();
  }

  onRunEvent(event: RunEvent): void {
    if (!this.series.apply(event)) return;
    if (event.type === 'start') this.comparison = null;
    if (!this.ready) return;
    if (event.type === 'start') this.pending = { type: 'update', start: event, points: [] };
    else {
      this.pending ??= { type: 'update', points: [] };
      if (event.type === 'tick') this.pending.points.push(event.point);
      else if (event.type === 'done') this.pending.summary = event.summary;
    }
    this.schedule();
  }

  onWebviewMessage(raw: unknown): void {
    const message = parseWebviewMessage(raw);
    if (!message) return;
    switch (message.type) {
      case 'ready':
        if (!this.transport) return;
        this.cancelTimer();
        this.pending = null;
        this.ready = true;
        this.send(this.series.replay());
        if (this.comparison) this.send(this.comparison);
        return;
      case 'closeCompare':
        this.comparison = null;
        return;
      case 'stop':
        if (this.series.live) this.controls.stop();
        return;
      case 'setMultiplier':
        if (this.series.live) this.controls.setMultiplier(message.value);
        return;
    }
  }

  dispose(): void {
    this.detach();
  }

  private schedule(): void {
    if (this.timer !== null) return;
    const wait = Math.max(0, this.lastSentAt + Math.max(MIN_INTERVAL_MS, this.interval()) - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.flush();
    }, wait);
  }

  private flush(): void {
    const message = this.pending;
    this.pending = null;
    if (message && this.ready) this.send(message);
  }

  private send(message: HostMessage): void {
    this.lastSentAt = this.clock.now();
    this.transport?.post(message);
  }

  private cancelTimer(): void {
    if (this.timer === null) return;
    this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
