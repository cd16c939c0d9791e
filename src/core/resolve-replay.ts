// `load.model: replay`: the trace to replay, its column mapping, loops and rate scaling. The
// trace itself is read by the runner; the plan names it and leaves the segments empty.
import type { PlanLoad, PlanReplay } from './plan';
import type { ProblemSink } from './problem-sink';
import { asBoolean, asFields, asNumber, asString, has, type Fields } from './read-value';
import { MOONCAKE_BLOCK_TOKENS } from './trace-mooncake';
import { TRACE_COLUMN_KEYS, TRACE_FORMATS, type TimeUnit, type TraceColumns, type TraceFormat } from './trace-record';
import { parseMultiple } from './units';

const REPLAY_ONLY = ['trace', 'loops', 'rate'] as const;

/** Fields that mean something only to a replay, reported where a stage-based model finds them. */
export function checkReplayOnlyFields(load: Fields, sink: ProblemSink): void {
  for (const key of REPLAY_ONLY) {
    if (has(load, key)) sink.error('conflict', `'${key}' applies to model: replay only: set load.model: replay, or remove it`, ['load', key], 'key');
  }
}

export function resolveReplayLoad(load: Fields, scale: number, maxInFlight: number, sink: ProblemSink): PlanLoad {
  const base = ['load'];
  if (has(load, 'stages')) sink.error('conflict', `a replay takes its arrivals from the trace: remove 'stages', or use model: open`, [...base, 'stages'], 'key');
  if (has(load, 'search')) sink.error('conflict', `'search' applies to model: breaking-point only: remove it`, [...base, 'search'], 'key');
  if (has(load, 'thinkTime')) sink.error('wrong-model', `'thinkTime' applies to the closed model only: remove it`, [...base, 'thinkTime'], 'key');
  if (has(load, 'arrival')) sink.warning('no-effect', `a replay sends each request at its recorded time: 'arrival' has no effect`, [...base, 'arrival'], 'key');
  const trace = asFields(load.trace);
  if (!has(load, 'trace')) sink.error('missing-field', `missing required field 'trace' in 'load' (required for model: replay): { file: traces/requests.jsonl }`, [...base, 'trace'], 'key');
  const columns: TraceColumns = {};
  for (const [key, value] of Object.entries(asFields(trace?.columns) ?? {})) {
    if (TRACE_COLUMN_KEYS.includes(key as keyof TraceColumns) && typeof value === 'string') columns[key as keyof TraceColumns] = value;
  }
  const format = asString(trace?.format);
  if (trace && format === 'mooncake' && Object.keys(columns).length) {
    sink.warning('no-effect', `a Mooncake trace has fixed fields (timestamp, input_length, output_length, hash_ids): 'columns' has no effect`, [...base, 'trace', 'columns'], 'key');
  }
  if (columns.prefix !== undefined && columns.prefixTokens === undefined) {
    sink.error('missing-field', `columns.prefix needs columns.prefixTokens: the field that says how many leading prompt tokens the prefix covers`, [...base, 'trace', 'columns', 'prefix'], 'key');
  }
  const keepPrompts = asBoolean(trace?.keepPrompts) ?? false;
  if (keepPrompts && columns.prompt === undefined) {
    sink.error('missing-field', `keepPrompts sends the recorded prompt text: map the field that holds it with columns.prompt`, [...base, 'trace', 'keepPrompts']);
  }
  let rateFactor = 1;
  if (typeof load.rate === 'string') {
    const parsed = parseMultiple(load.rate);
    if (parsed.ok) {
      rateFactor = parsed.value;
      if (rateFactor <= 0) sink.error('out-of-range', `a replay's rate must be above 0x`, [...base, 'rate']);
    }
  }
  const replay: PlanReplay = {
    file: asString(trace?.file) ?? '',
    columns,
    timeUnit: (asString(trace?.timeUnit) as TimeUnit | undefined) ?? 'auto',
    blockTokens: asNumber(trace?.blockTokens) ?? MOONCAKE_BLOCK_TOKENS,
    keepPrompts,
    rateFactor: rateFactor > 0 ? rateFactor : 1,
    loops: asNumber(load.loops) ?? 1,
  };
  if (format !== undefined && TRACE_FORMATS.includes(format as TraceFormat)) replay.format = format as TraceFormat;
  return {
    model: 'open',
    replay,
    arrival: 'uniform',
    timeScale: scale,
    maxInFlight,
    thinkTimeMinMs: 0,
    thinkTimeMaxMs: 0,
    baseline: 0,
    segments: [],
    durationMs: 0,
  };
}
