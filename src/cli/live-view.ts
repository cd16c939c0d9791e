// The terminal view while a run goes on. On a TTY: a block of lines with a progress bar,
// redrawn in place every second. Otherwise (CI logs): one plain line per tick for runs of up to
// two minutes, every 5 s and at each stage change for longer runs, so a log stays readable.
import type { RunEvent, TickPoint } from '../protocol/run-events';
import { formatLiveBlock, formatLiveLine, formatLogLine, newLiveState, updateLiveState, type LiveState } from '../report/text-progress';
import type { Palette } from '../report/text-style';
import { ansi } from './terminal-style';

export type LiveMode = 'tty' | 'lines' | 'quiet';

export interface LiveOutput {
  write(text: string): unknown;
  columns?: number;
}

const LONG_RUN_S = 120;
const LONG_RUN_EVERY_S = 5;

/** Visible width of a line, ignoring colour escapes. */
function visibleLength(line: string): number {
  return line.replace(/\u001b\[[0-9;]*m/g, '').length;
}

function truncate(line: string, width: number): string {
  if (visibleLength(line) <= width) return line;
  // Colour codes make slicing by index unsafe; fall back to plain text for a too-long line.
  const plain = line.replace(/\u001b\[[0-9;]*m/g, '');
  return plain.slice(0, Math.max(1, width - 1)) + '…';
}

export class LiveView {
  private readonly state: LiveState = newLiveState();
  private drawnLines = 0;
  private lastPrintedT = -Infinity;
  private lastStage: string | null = null;
  private cursorHidden = false;

  constructor(
    private readonly out: LiveOutput,
    private readonly mode: LiveMode,
    private readonly palette: Palette,
    private readonly scrub: (text: string) => string = (t) => t,
  ) {}

  onEvent(event: RunEvent): void {
    switch (event.type) {
      case 'start':
        updateLiveState(this.state, event);
        if (this.mode === 'tty') {
          this.out.write(ansi.hideCursor);
          this.cursorHidden = true;
          this.redraw();
        }
        break;
      case 'tick':
        updateLiveState(this.state, event);
        if (this.mode === 'tty') this.redraw();
        else if (this.mode === 'lines' && this.shouldPrintLine(event.point)) {
          this.out.write(this.scrub(formatLiveLine(this.state, this.palette)) + '\n');
        }
        break;
      case 'log':
        if (this.mode === 'quiet') break;
        this.printAbove(formatLogLine(event.entry, this.palette));
        break;
      case 'done':
        this.close();
        break;
    }
  }

  /** Prints a message above the live block (e.g. "stopping…"). */
  message(text: string): void {
    if (this.mode === 'quiet') return;
    this.printAbove(text);
  }

  /** Leaves the last block on screen and gives the cursor back. Safe to call twice. */
  close(): void {
    if (this.cursorHidden) {
      this.out.write(ansi.showCursor);
      this.cursorHidden = false;
    }
    this.drawnLines = 0;
  }

  /** Whether the terminal's cursor still needs restoring (for an exit handler). */
  get needsCursorRestore(): boolean {
    return this.cursorHidden;
  }

  private shouldPrintLine(point: TickPoint): boolean {
    const long = this.state.plannedDurationS > LONG_RUN_S;
    const stageChanged = point.stage !== this.lastStage;
    this.lastStage = point.stage;
    if (!long || stageChanged || point.t - this.lastPrintedT >= LONG_RUN_EVERY_S) {
      this.lastPrintedT = point.t;
      return true;
    }
    return false;
  }

  private printAbove(line: string): void {
    const text = this.scrub(line) + '\n';
    if (this.mode !== 'tty') {
      this.out.write(text);
      return;
    }
    this.out.write(this.eraseBlock() + text);
    this.drawnLines = 0;
    this.redraw();
  }

  private eraseBlock(): string {
    return this.drawnLines > 0 ? ansi.up(this.drawnLines) + ansi.clearDown : '';
  }

  private redraw(): void {
    const width = Math.max(40, (this.out.columns ?? 100) - 1);
    const lines = formatLiveBlock(this.state, this.palette, width).map((l) => truncate(this.scrub(l), width));
    this.out.write(this.eraseBlock() + lines.join('\n') + '\n');
    this.drawnLines = lines.length;
  }
}
