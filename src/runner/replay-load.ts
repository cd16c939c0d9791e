// Reads the trace of a `load.model: replay` plan and turns it into what the run needs: the
// recorded requests, the trace's own rate as the load shape (the panel's target line), stages
// found in the trace as `stampede fit` finds them (so "what broke first" has a baseline), and
// the mapping from run time back to trace time and the recorded rate.
import { isAbsolute, resolve } from 'node:path';
import type { PlanLoad, PlanSegment, ResolvedPlan } from '../core/plan';
import type { RecordedLoad } from '../core/run-estimate';
import type { TracePosition } from '../protocol/run-events';
import { chooseBucketMs } from '../core/trace-fit';
import { bucketRates } from '../core/trace-rate-series';
import { fitStages } from '../core/trace-stages';
import { TraceError } from '../core/trace-record';
import { RunConfigError } from './prompt-source';
import { readTrace, TraceFileError } from './trace-file';
import { MAX_REPLAY_REQUESTS, ReplayCursor, ReplayTrace } from './replay-schedule';

/** Most segments of the target line: enough for a smooth line, few enough to walk per tick. */
const MAX_SEGMENTS = 4000;

export interface ReplaySession {
  trace: ReplayTrace;
  plan: ResolvedPlan;
  cursor(): ReplayCursor;
  /** Where in the trace a moment of the run falls: the offset from the trace's start (within
   * one pass), the trace's own clock when it has epoch timestamps, and the arrivals per second
   * it recorded around then (before `rate: Nx`). */
  position(runMs: number): TracePosition;
  /** The trace's requests and tokens per stage of a pass and mix entry (the dry-run estimate). */
  recordedLoad(): RecordedLoad;
}

/** Where a replay's trace is: its path as written, from the scenario's folder. */
export function tracePathOf(plan: ResolvedPlan, baseDir: string): string {
  const file = plan.load.replay!.file;
  return isAbsolute(file) ? file : resolve(baseDir, file);
}

export async function loadReplay(plan: ResolvedPlan, baseDir: string): Promise<ReplaySession> {
  const replay = plan.load.replay!;
  const path = tracePathOf(plan, baseDir);
  const mixNames = plan.workload.mix.map((e) => e.name);
  const unknown = new Map<string, { line: number; count: number }>();
  const routeIndex = (route: string, line: number): number => {
    if (route === '') return 0;
    const i = mixNames.indexOf(route);
    if (i >= 0) return i;
    const u = unknown.get(route);
    if (u) u.count++;
    else unknown.set(route, { line, count: 1 });
    return 0;
  };
  const trace = new ReplayTrace(routeIndex, replay.blockTokens, replay.keepPrompts);
  const field = 'load.trace.file';
  try {
    await readTrace(
      { name: replay.file, path },
      { format: replay.format, columns: replay.columns, timeUnit: replay.timeUnit, blockTokens: replay.blockTokens, keepPrompts: replay.keepPrompts },
      (r) => trace.add(r),
      { max: MAX_REPLAY_REQUESTS, hint: `the most a replay holds: cut it (e.g. head -n ${MAX_REPLAY_REQUESTS}), or fit a scenario to all of it with stampede fit` },
    );
  } catch (error) {
    if (error instanceof TraceFileError) throw new RunConfigError(`${field}: ${error.message}${error.message.includes(path) ? '' : ` (resolved to ${path})`}`);
    if (error instanceof TraceError || error instanceof RangeError) throw new RunConfigError(`${field}: ${replay.file}: ${error.message}`);
    throw error;
  }
  if (unknown.size) {
    const list = [...unknown.entries()].sort((a, b) => b[1].count - a[1].count);
    const names = list.slice(0, 5).map(([name, u]) => `'${name}' (${u.count} requests, first at line ${u.line})`).join(', ');
    throw new RunConfigError(`${field}: ${replay.file}: the trace has route${list.length === 1 ? '' : 's'} that no mix entry is named after: ${names}${list.length > 5 ? ` and ${list.length - 5} more` : ''} — add a workload.mix entry with that name (stampede fit writes one per route), or leave the route column out of trace.columns`);
  }

  const scale = plan.load.timeScale;
  const span = trace.spanMs;
  const loops = replay.loops;
  const factor = replay.rateFactor;
  // Counts per trace bucket of one pass: the stages and the recorded rate come from these.
  const passRunMs = span / scale;
  const runMs = passRunMs * loops;
  // A bucket is at least one second of the run (timeScale seconds of trace): the panel's target
  // line and a breach's recorded rate are then the mean over what the run's tick played, not
  // the rate of the tick's last trace second.
  const tickTraceMs = Math.ceil(scale - 1e-9) * 1000;
  const bucketTraceMs = Math.max(chooseBucketMs(span, 1000), tickTraceMs, Math.ceil((runMs * scale) / MAX_SEGMENTS / 1000) * 1000);
  const buckets = Math.max(1, Math.ceil(span / bucketTraceMs));
  const counts = new Array<number>(buckets).fill(0);
  const bucketOf = (i: number) => Math.min(buckets - 1, Math.floor((trace.timeMs[i] - trace.startMs) / bucketTraceMs));
  for (let i = 0; i < trace.count; i++) counts[bucketOf(i)]++;
  const recorded = bucketRates(counts, bucketTraceMs, span);
  const fitted = fitStages(counts, bucketTraceMs, span).stages;
  const stageOf = (offsetMs: number) => {
    let k = 0;
    while (k + 1 < fitted.length && fitted[k + 1].startMs <= offsetMs) k++;
    return k;
  };
  const segments: PlanSegment[] = [];
  for (let pass = 0; pass < loops; pass++) {
    for (let b = 0; b < buckets; b++) {
      const startMs = (pass * span + b * bucketTraceMs) / scale;
      const endMs = Math.min((pass + 1) * span, pass * span + (b + 1) * bucketTraceMs) / scale;
      if (endMs <= startMs) continue;
      const k = stageOf(b * bucketTraceMs);
      const level = recorded[b] * factor * scale;
      segments.push({ stage: loops > 1 ? `pass ${pass + 1}: ${fitted[k].name}` : fitted[k].name, stageIndex: pass * fitted.length + k, startMs, endMs, shape: 'constant', from: level, to: level });
    }
  }
  const load: PlanLoad = { ...plan.load, segments, durationMs: runMs, baseline: (fitted[0]?.rate ?? 0) * factor * scale };
  const filled: ResolvedPlan = { ...plan, load };
  return {
    trace,
    plan: filled,
    cursor: () => new ReplayCursor(trace, factor, loops, scale, plan.seed),
    position: (runMs) => {
      const offsetMs = (((runMs * scale) % span) + span) % span;
      const rate = recorded[Math.min(buckets - 1, Math.floor(offsetMs / bucketTraceMs))] ?? 0;
      const position: TracePosition = { offsetS: Math.round(offsetMs / 100) / 10, recordedRate: Math.round(rate * 1000) / 1000 };
      // To the millisecond: a tick's end is a hair before the second, not the second before.
      const at = Math.round(trace.startMs + offsetMs);
      // Smaller timestamps are offsets from the trace's own zero, not epoch times.
      if (at >= 1e11) position.at = new Date(at).toISOString();
      return position;
    },
    recordedLoad: () => {
      const mixes = plan.workload.mix.length;
      const cells = new Map<number, RecordedLoad['cells'][number]>();
      for (let i = 0; i < trace.count; i++) {
        // The stage of the request's bucket, as the segments have it.
        const stage = stageOf(bucketOf(i) * bucketTraceMs);
        const mix = trace.route[i];
        const key = stage * mixes + mix;
        let cell = cells.get(key);
        if (!cell) cells.set(key, (cell = { stage, mix, requests: 0, inputTokens: 0, outputTokens: 0 }));
        cell.requests++;
        cell.inputTokens += trace.promptTokensOf(i);
        cell.outputTokens += trace.outputTokens[i];
      }
      return { stagesPerPass: fitted.length, cells: [...cells.values()] };
    },
  };
}
