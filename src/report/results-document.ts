// The results file: one JSON document per run, documented field by field in docs/results.md.
// Pure: building and reading the document; writing it to disk lives in results-writer.ts.
// Compatibility rule: version 1 only ever gains fields; readers must ignore fields they do not know.
import type { ResolvedPlan } from '../core/plan';
import { ACHIEVED_RATE_SECONDS, type FaultWindowInfo, type LogEntry, type RunEvent, type RunSummary, type StageInfo, type TickPoint } from '../protocol/run-events';

export const RESULTS_VERSION = 1;

export type RunStatus = 'running' | 'completed' | 'stopped' | 'aborted' | 'error';

export interface ResultsRunInfo {
  startedAt: string;
  plannedDurationMs: number;
  loadModel: 'open' | 'closed';
  stages: StageInfo[];
  thresholds: Array<{ id: string; source: string; metric: string }>;
  providers: Array<{ id: string; type: string; url: string }>;
  /** Scheduled fault windows (issue 12): gateway upstreams and mock providers. */
  faultWindows?: FaultWindowInfo[];
  /** The gateway's upstream proxies and where they listened. */
  upstreams?: Array<{ name: string; url: string; target: string }>;
}

export interface ResultsDocument {
  version: typeof RESULTS_VERSION;
  runId: string;
  status: RunStatus;
  tool: { name: 'stampede'; version: string };
  /** When the file was first and last written (ISO 8601). */
  createdAt: string;
  updatedAt: string;
  scenario: {
    name: string;
    /** Path of the scenario file as given on the command line, or null. */
    file: string | null;
    /** `--set` overrides applied before the run, as given. */
    overrides: string[];
    /** The resolved plan with credentials redacted; `${secret:…}`/`${env:…}` kept as references. */
    plan: ResolvedPlan;
  };
  /** From the runner's start event; null until the run has started. */
  run: ResultsRunInfo | null;
  /** One point per second of the run, in order. */
  series: TickPoint[];
  logs: LogEntry[];
  /** Log entries left out because the run logged more than MAX_LOGS. */
  logsDropped: number;
  /** The whole-run summary; null while status is "running" (and in a file left by a killed run,
   * where `series` holds everything that was measured). */
  summary: RunSummary | null;
  /** Where the figures came from when not from Stampede's own runner: Artillery's merged report
   * (`stampede report --from-artillery`). Absent for a local run. */
  source?: ArtillerySource;
}

export interface ArtillerySource {
  kind: 'artillery';
  /** The Artillery JSON report, as given. */
  file: string;
  /** Workers the script was exported for, and workers whose metrics are in the report. */
  workers: number;
  workersReported: number;
  /** Length of Artillery's aggregation periods: the series has one point per period. */
  periodSeconds: number;
}

/** One line saying how a report from Artillery's output differs from a local run's. */
export function sourceNote(doc: Pick<ResultsDocument, 'source'>): string | null {
  const s = doc.source;
  if (!s) return null;
  return `Merged from Artillery (${s.workersReported} of ${s.workers} worker${s.workers === 1 ? '' : 's'} reported): percentiles are merged DDSketch estimates (±1 %, the lower rank q·(n−1)), not Stampede's HDR histograms; the series has one point per ${s.periodSeconds}-second period.`;
}

/** Keeps memory and file size bounded on runs that log a lot. */
export const MAX_LOGS = 1000;

export function statusFromSummary(summary: RunSummary): RunStatus {
  return summary.endReason;
}

export function createResultsDocument(input: {
  runId: string;
  toolVersion: string;
  scenarioName: string;
  scenarioFile: string | null;
  overrides: string[];
  redactedPlan: ResolvedPlan;
  now: Date;
}): ResultsDocument {
  const at = input.now.toISOString();
  return {
    version: RESULTS_VERSION,
    runId: input.runId,
    status: 'running',
    tool: { name: 'stampede', version: input.toolVersion },
    createdAt: at,
    updatedAt: at,
    scenario: { name: input.scenarioName, file: input.scenarioFile, overrides: input.overrides, plan: input.redactedPlan },
    run: null,
    series: [],
    logs: [],
    logsDropped: 0,
    summary: null,
  };
}

/** Folds one runner event into the document (mutates it). */
export function applyRunEvent(doc: ResultsDocument, event: RunEvent): void {
  switch (event.type) {
    case 'start':
      doc.runId = event.runId;
      doc.run = {
        startedAt: event.startedAt,
        plannedDurationMs: event.durationMs,
        loadModel: event.loadModel,
        stages: event.stages,
        thresholds: event.thresholds,
        providers: event.providers,
        ...(event.faultWindows ? { faultWindows: event.faultWindows } : {}),
        ...(event.upstreams ? { upstreams: event.upstreams } : {}),
      };
      break;
    case 'tick':
      doc.series.push(event.point);
      break;
    case 'log':
      if (doc.logs.length < MAX_LOGS) doc.logs.push(event.entry);
      else doc.logsDropped += 1;
      break;
    case 'done':
      doc.summary = event.summary;
      doc.status = statusFromSummary(event.summary);
      break;
  }
}

/** Serializes with one series point per line: readable by a person, cheap to diff, and fast to
 * rewrite every second (finished points are serialized once and cached by the caller). */
export function serializeResults(doc: ResultsDocument, seriesLines?: readonly string[]): string {
  const lines = seriesLines ?? doc.series.map((p) => JSON.stringify(p));
  // Quotes inside user strings are escaped, so this key-and-marker text can only be ours.
  const marker = '"series": "\\u0000series\\u0000"';
  const head = JSON.stringify({ ...doc, series: '\u0000series\u0000' }, null, 2);
  const series = lines.length === 0 ? '[]' : `[\n    ${lines.join(',\n    ')}\n  ]`;
  return head.replace(marker, () => `"series": ${series}`) + '\n';
}

/** Reads a results file's text; throws an Error with a one-line message when it is not one. */
export function parseResults(text: string): ResultsDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const doc = value as Partial<ResultsDocument> | null;
  if (!doc || typeof doc !== 'object' || doc.version !== RESULTS_VERSION || !Array.isArray(doc.series)) {
    throw new Error(`not a Stampede results file (version ${RESULTS_VERSION} with a series array expected)`);
  }
  fillAchievedRate(doc.series);
  return doc as ResultsDocument;
}

/** Points written before `achievedRate` was added get it from their `sentRate`s, the way the
 * engine computes it, so the panel reads older files too. */
function fillAchievedRate(series: Partial<TickPoint>[]): void {
  for (let i = 0; i < series.length; i++) {
    const p = series[i];
    if (!p || typeof p !== 'object' || typeof p.achievedRate === 'number') continue;
    const recent = series.slice(Math.max(0, i + 1 - ACHIEVED_RATE_SECONDS), i + 1).map((q) => (typeof q?.sentRate === 'number' ? q.sentRate : 0));
    p.achievedRate = recent.reduce((a, b) => a + b, 0) / recent.length;
  }
}
