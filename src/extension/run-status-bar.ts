// The status bar item while a run goes: stage, achieved rate, error share and TTFT p95 of the
// latest seconds; a click opens the live panel. Hidden when no run goes.
import * as vscode from 'vscode';
import type { RunEvent, TickPoint } from '../protocol/run-events';
import type { RunEventSink } from './run-controller';
import { ERROR_WINDOW_S, statusFigures, statusText } from './run-status-text';

export class RunStatusBar implements RunEventSink, vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('stampede.run', vscode.StatusBarAlignment.Left, 50);
  private recent: TickPoint[] = [];

  constructor(showPanelCommand: string) {
    this.item.name = 'Stampede run';
    this.item.command = showPanelCommand;
  }

  onRunEvent(event: RunEvent): void {
    switch (event.type) {
      case 'start':
        this.recent = [];
        this.item.text = `$(pulse) Stampede: starting ${event.scenario}`;
        this.item.tooltip = `Stampede: ${event.scenario} — click to open the live panel`;
        this.item.show();
        return;
      case 'tick': {
        this.recent.push(event.point);
        if (this.recent.length > ERROR_WINDOW_S * 2) this.recent = this.recent.slice(-ERROR_WINDOW_S);
        const figures = statusFigures(this.recent);
        if (figures) this.item.text = statusText(figures);
        this.item.show();
        return;
      }
      case 'done':
        this.recent = [];
        this.item.hide();
        return;
      default:
        return;
    }
  }

  dispose(): void {
    this.item.dispose();
  }
}
