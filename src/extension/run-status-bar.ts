// The status bar item of a run: while it goes, stage, achieved rate, error rate and TTFT p95 of
// the latest seconds; once it ended, its status word and whole-run figures until the next run.
// A click opens the live panel.
import * as vscode from 'vscode';
import type { RunEvent, TickPoint } from '../protocol/run-events';
import { RECENT_SECONDS } from '../../vocabulary/figures';
import type { RunEventSink } from './run-controller';
import { finishedText, statusFigures, statusText, statusTooltip } from './run-status-text';

export class RunStatusBar implements RunEventSink, vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('stampede.run', vscode.StatusBarAlignment.Left, 50);
  private recent: TickPoint[] = [];
  private scenario = '';

  constructor(showPanelCommand: string) {
    this.item.name = 'Stampede run';
    this.item.command = showPanelCommand;
  }

  onRunEvent(event: RunEvent): void {
    switch (event.type) {
      case 'start':
        this.recent = [];
        this.scenario = event.scenario;
        this.item.text = `$(pulse) Stampede: starting ${event.scenario}`;
        this.item.tooltip = `Stampede: ${event.scenario} — click to open the live panel`;
        this.item.show();
        return;
      case 'tick': {
        this.recent.push(event.point);
        if (this.recent.length > RECENT_SECONDS * 2) this.recent = this.recent.slice(-RECENT_SECONDS);
        const figures = statusFigures(this.recent);
        if (figures) {
          this.item.text = statusText(figures);
          this.item.tooltip = `Stampede: ${this.scenario} — ${statusTooltip(figures)}`;
        }
        this.item.show();
        return;
      }
      case 'done':
        this.recent = [];
        this.item.text = finishedText(event.summary);
        this.item.tooltip = `Stampede: ${event.summary.scenario} — the last run's whole-run figures. Click to open the live panel.`;
        this.item.show();
        return;
      default:
        return;
    }
  }

  dispose(): void {
    this.item.dispose();
  }
}
