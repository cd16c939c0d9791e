// Past runs as the run history, the panel's restore after a reload and Compare read them: one
// record per `<resultsFolder>/<run>/results.json`, newest first. No VS Code here, so it is
// tested against real folders.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ComparedRun, RunStartInfo } from '../protocol/panel-messages';
import type { RunSummary, TickPoint } from '../protocol/run-events';
import { runFigures, statusWord, type StatusWord } from '../../vocabulary/figures';
import { formatDuration, formatPercent } from '../../vocabulary/format';
import { parseResults, type ResultsDocument, type RunStatus } from '../report/results-document';

export interface RunRecord {
  runId: string;
  folder: string;
  jsonPath: string;
  /** Null when the run left no report (still running, or cut short). */
  reportPath: string | null;
  scenario: string;
  scenarioFile: string | null;
  status: RunStatus;
  /** ISO 8601 start (or creation) time. */
  startedAt: string;
  /** Null while running or when the run was cut short. */
  pass: boolean | null;
  headline: string | null;
  /** Milliseconds since the epoch, for ordering. */
  time: number;
  /** How it ended, in the word every surface uses; null while running or cut short. */
  word: StatusWord | null;
  /** Every provider was the embedded mock (as written, or through "Run against mock"). */
  mock: boolean;
  /** Seconds measured: the summary's length, else the last tick's. */
  seconds: number;
  /** Whole-run error rate, when the run has a summary. */
  errorRate: number | null;
}

/** What tells one history row from the next: time, status word, length, error rate, and
 * whether it ran against the mock. */
export function recordDescription(r: RunRecord): string {
  const parts = [shortTime(r.startedAt), r.word ?? (r.status === 'running' ? 'running or cut short' : r.status), formatDuration(r.seconds)];
  if (r.errorRate !== null) parts.push(`err ${formatPercent(r.errorRate)}`);
  if (r.mock) parts.push('mock');
  return parts.join(' · ');
}

/** The note the panel shows with a run that has no summary: no runner in this window ended it. */
export const CUT_SHORT_NOTE = 'run ended with the window reload; showing what was measured';

export function recordOf(folder: string, doc: ResultsDocument): RunRecord {
  const reportPath = join(folder, 'report.html');
  const startedAt = doc.run?.startedAt ?? doc.createdAt;
  const time = Date.parse(startedAt);
  return {
    runId: doc.runId,
    folder,
    jsonPath: join(folder, 'results.json'),
    reportPath: existsSync(reportPath) ? reportPath : null,
    scenario: doc.scenario?.name ?? doc.runId,
    scenarioFile: doc.scenario?.file ?? null,
    status: doc.status,
    startedAt,
    pass: doc.summary ? doc.summary.verdict.pass : null,
    headline: doc.summary ? doc.summary.verdict.headline : null,
    time: Number.isFinite(time) ? time : 0,
    word: doc.summary ? statusWord(doc.summary) : null,
    mock: isMockRun(doc),
    seconds: doc.summary ? doc.summary.durationMs / 1000 : (doc.series[doc.series.length - 1]?.t ?? 0),
    errorRate: doc.summary ? runFigures(doc.summary).errorRate : null,
  };
}

function isMockRun(doc: ResultsDocument): boolean {
  const providers = doc.run?.providers ?? doc.scenario?.plan?.providers ?? [];
  return providers.length > 0 && providers.every((p) => p.type === 'mock');
}

/** Reads one run folder; undefined when it holds no readable results file. */
export function readRunRecord(folder: string): RunRecord | undefined {
  const doc = readResults(join(folder, 'results.json'));
  return doc ? recordOf(folder, doc) : undefined;
}

export function readResults(jsonPath: string): ResultsDocument | undefined {
  try {
    return parseResults(readFileSync(jsonPath, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Every run under a results root, newest first; folders without a results file are skipped. */
export function listRuns(root: string): RunRecord[] {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return [];
  }
  const records: RunRecord[] = [];
  for (const entry of entries) {
    const folder = join(root, entry);
    try {
      if (!statSync(folder).isDirectory()) continue;
    } catch {
      continue;
    }
    const record = readRunRecord(folder);
    if (record) records.push(record);
  }
  return records.sort((a, b) => b.time - a.time || b.runId.localeCompare(a.runId));
}

/** The runner's start event as the results file recorded it. */
export function startOf(doc: ResultsDocument): RunStartInfo | null {
  if (!doc.run) return null;
  return {
    type: 'start',
    runId: doc.runId,
    scenario: doc.scenario.name,
    startedAt: doc.run.startedAt,
    durationMs: doc.run.plannedDurationMs,
    loadModel: doc.run.loadModel,
    stages: doc.run.stages,
    thresholds: doc.run.thresholds,
    providers: doc.run.providers,
  };
}

export interface StoredRun {
  start: RunStartInfo | null;
  points: TickPoint[];
  summary: RunSummary | null;
  /** Set when the run has no summary: it was cut short. */
  note: string | null;
}

export function storedRun(doc: ResultsDocument): StoredRun {
  return { start: startOf(doc), points: doc.series, summary: doc.summary, note: doc.summary ? null : CUT_SHORT_NOTE };
}

export function comparedRun(record: RunRecord, doc: ResultsDocument): ComparedRun {
  return { label: `${record.scenario} · ${shortTime(record.startedAt)}`, start: startOf(doc), points: doc.series, summary: doc.summary };
}

/** `2026-11-28 03:04:05` in UTC, as the run folders are named. */
export function shortTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)}`;
}
