// The host's copy of the run the panel shows: every tick of the current run (or of the last one
// once it has ended), so a panel that is opened, reopened or reloaded can be replayed in full.
// A one-second tick for an hour is 3,600 points, small enough to keep as they are.
import type { ReplayMessage, RunStartInfo } from '../../protocol/panel-messages';
import type { RunEvent, RunSummary, TickPoint } from '../../protocol/run-events';

export class RunSeries {
  private start: RunStartInfo | null = null;
  private points: TickPoint[] = [];
  private summary: RunSummary | null = null;
  private note: string | null = null;
  /** Set by load(): the run came from a results file, not from a runner in this window. */
  private loaded = false;

  /** Records one runner event; returns false for events the panel does not show (logs). */
  apply(event: RunEvent): boolean {
    switch (event.type) {
      case 'start':
        this.start = event;
        this.points = [];
        this.summary = null;
        this.note = null;
        this.loaded = false;
        return true;
      case 'tick':
        // A tick without its start (a panel host created mid-run) still counts: it is data.
        this.points.push(event.point);
        return true;
      case 'done':
        this.summary = event.summary;
        return true;
      default:
        return false;
    }
  }

  /**
   * Shows a past run read from its results file (after a window reload). A run without a
   * summary was cut short and is never live: no runner in this window is driving it.
   */
  load(start: RunStartInfo | null, points: readonly TickPoint[], summary: RunSummary | null, note: string | null): void {
    this.start = start;
    this.points = points.slice();
    this.summary = summary;
    this.note = note;
    this.loaded = true;
  }

  get live(): boolean {
    return !this.loaded && this.start !== null && this.summary === null;
  }

  /** Nothing to show: no run seen and none loaded. */
  get empty(): boolean {
    return this.start === null && this.summary === null && this.points.length === 0;
  }

  get pointCount(): number {
    return this.points.length;
  }

  get scenario(): string | null {
    return this.start?.scenario ?? this.summary?.scenario ?? null;
  }

  replay(): ReplayMessage {
    const message: ReplayMessage = { type: 'replay', start: this.start, points: this.points.slice(), summary: this.summary, live: this.live };
    if (this.note !== null) message.note = this.note;
    return message;
  }
}
