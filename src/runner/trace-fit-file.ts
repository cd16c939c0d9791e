// `stampede fit` and "New Scenario from Trace…" share this: stream a trace file through the
// fitter and render the scenario text, checked by the scenario analyzer before anyone sees it.
import { basename } from 'node:path';
import { analyzeScenario } from '../core/analyze-scenario';
import { TraceFitter, type TraceFit } from '../core/trace-fit';
import type { TraceColumns, TraceFormat, TimeUnit } from '../core/trace-record';
import { renderFittedScenario } from '../core/trace-scenario-text';
import { readTrace, TraceFileError, type TraceFileInfo, type TraceInput } from './trace-file';

export interface FitOptions {
  format?: TraceFormat;
  columns?: TraceColumns;
  timeUnit?: TimeUnit;
  blockTokens?: number;
  /** Scenario name; defaults from the trace's file name. */
  name?: string;
}

export interface FittedTrace {
  text: string;
  fit: TraceFit;
  info: TraceFileInfo;
}

export function scenarioNameFor(traceName: string): string {
  const stem = basename(traceName).replace(/\.(jsonl|ndjson|json|csv|txt|log)(\.gz)?$/i, '');
  return `${stem || 'trace'} (fitted)`;
}

export async function fitTraceFile(input: TraceInput, options: FitOptions = {}): Promise<FittedTrace> {
  const fitter = new TraceFitter(options.blockTokens);
  const info = await readTrace(input, { format: options.format, columns: options.columns, timeUnit: options.timeUnit, blockTokens: options.blockTokens }, (r) => fitter.add(r));
  const fit = fitter.result();
  if (!fit) throw new TraceFileError(`${input.name}: no requests in the trace`);
  const text = renderFittedScenario(fit, { file: input.name, format: info.format, columns: info.columns, timeUnit: info.timeUnit, skippedSpans: info.skippedSpans, fittedAt: new Date().toISOString() }, options.name ?? scenarioNameFor(input.name));
  const errors = analyzeScenario(text).problems.filter((p) => p.severity === 'error');
  if (errors.length) {
    // The writer and the language disagree: a bug here, not in the user's trace.
    throw new Error(`the fitted scenario does not validate (${errors[0].path}: ${errors[0].message})`);
  }
  return { text, fit, info };
}
