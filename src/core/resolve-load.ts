// The load section: stages -> timed segments, with multiples of the baseline resolved and
// every duration divided by timeScale. A breaking-point search becomes one constant segment
// per rate step.
import type { PlanLoad, PlanSegment } from './plan';
import type { PlanBreakingPoint } from './plan-failure-modes';
import type { ProblemSink } from './problem-sink';
import { segmentEndLevel } from './load-shape';
import { asFields, asList, asNumber, asStringOrNumber, has } from './read-value';
import { parseDuration, parseRange, parseRate, parseUsers } from './units';
import { LIMITS, formatLimitDuration } from './limits';
import { checkReplayOnlyFields, resolveReplayLoad } from './resolve-replay';

type Level = { kind: 'absolute'; value: number } | { kind: 'multiple'; factor: number };

const DEFAULT_MAX_IN_FLIGHT = 1000;

function readLevel(raw: unknown, model: 'open' | 'closed', field: string, path: Array<string | number>, sink: ProblemSink): Level | undefined {
  const input = asStringOrNumber(raw);
  if (input === undefined) return undefined;
  if (model === 'open' || field === 'rate') {
    const parsed = parseRate(input);
    if (!parsed.ok) return undefined; // reported by the schema
    return parsed.value.kind === 'multiple' ? parsed.value : { kind: 'absolute', value: parsed.value.perSecond };
  }
  if (typeof input === 'string' && /\//.test(input)) {
    sink.error('wrong-model', `'${input}' is a rate, for the open model: give a number of users or a multiple such as 3x (or set load.model: open)`, path);
    return undefined;
  }
  const parsed = parseUsers(input);
  if (!parsed.ok) {
    if (field !== 'users') sink.error('bad-users', parsed.message, path);
    return undefined;
  }
  return parsed.value.kind === 'multiple' ? parsed.value : { kind: 'absolute', value: parsed.value.users };
}

function readDuration(raw: unknown): number | undefined {
  if (typeof raw !== 'string') return undefined;
  const parsed = parseDuration(raw);
  return parsed.ok ? parsed.value : undefined;
}

/** Most steps a breaking-point search may take: enough for any sensible search, and a bound on the plan. */
export const MAX_SEARCH_STEPS = LIMITS.searchSteps;

/** "600h (after timeScale 1)": how long a shape runs, for the message that refuses it. */
function runLengthText(runMs: number, scale: number): string {
  const hours = runMs / 3_600_000;
  const length = hours >= 1 ? `${Number(hours.toFixed(1))}h` : `${Number((runMs / 1000).toFixed(1))}s`;
  return `${length} (after timeScale ${scale})`;
}

function formatRate(perSecond: number): string {
  return `${Number(perSecond.toFixed(3))}/s`;
}

function readSearchRate(raw: unknown, path: Array<string | number>, sink: ProblemSink): number | undefined {
  const input = asStringOrNumber(raw);
  if (input === undefined) return undefined;
  const parsed = parseRate(input);
  if (!parsed.ok) return undefined; // reported by the schema
  if (parsed.value.kind === 'multiple') {
    sink.error('bad-rate', `a search rate must be absolute, e.g. 5/s: the search sets its own baseline`, path);
    return undefined;
  }
  return parsed.value.perSecond;
}

function resolveSearch(load: Record<string, unknown>, scale: number, sink: ProblemSink): { segments: PlanSegment[]; breakingPoint: PlanBreakingPoint } | undefined {
  const search = asFields(load.search);
  if (!search) return undefined;
  const path = ['load', 'search'];
  const from = readSearchRate(search.from, [...path, 'from'], sink);
  const to = readSearchRate(search.to, [...path, 'to'], sink);
  const step = readSearchRate(search.step, [...path, 'step'], sink);
  const hold = readDuration(search.hold);
  if (from !== undefined && from <= 0) sink.error('out-of-range', `the search must start above 0`, [...path, 'from']);
  if (from !== undefined && to !== undefined && to <= from) sink.error('out-of-range', `'to' (${formatRate(to)}) must be above 'from' (${formatRate(from)})`, [...path, 'to']);
  if (step !== undefined && step <= 0) sink.error('out-of-range', `the step must be above 0`, [...path, 'step']);
  if (hold !== undefined && hold <= 0) sink.error('out-of-range', `each step must be held longer than 0`, [...path, 'hold']);
  if (from === undefined || to === undefined || step === undefined || hold === undefined) return undefined;
  if (from <= 0 || to <= from || step <= 0 || hold <= 0) return undefined;
  const whole = Math.floor((to - from) / step + 1e-9);
  // Counted before any list is made: a step of 0.000001/s would ask for billions of them.
  const count = whole + 1 + (from + whole * step < to - 1e-9 ? 1 : 0);
  if (!(count <= MAX_SEARCH_STEPS)) {
    const shown = Number.isFinite(count) ? count.toLocaleString('en-US') : 'too many';
    sink.error('too-many-steps', `this search has ${shown} steps (at most ${MAX_SEARCH_STEPS}): use a larger step or a narrower range`, [...path, 'step']);
    return undefined;
  }
  const rates = Array.from({ length: whole + 1 }, (_, k) => from + k * step);
  // The last step lands on `to` even when the steps do not divide the range evenly.
  if (rates[rates.length - 1] < to - 1e-9) rates.push(to);
  const holdMs = hold / scale;
  if (holdMs * rates.length > LIMITS.runMs) {
    sink.error('out-of-range', `this search runs ${runLengthText(holdMs * rates.length, scale)}: a run lasts at most ${formatLimitDuration(LIMITS.runMs)} — hold each step shorter, take fewer steps or raise load.timeScale`, [...path, 'hold']);
    return undefined;
  }
  const segments = rates.map((rate, k): PlanSegment => ({
    stage: `step ${k + 1}: ${formatRate(rate)}`,
    stageIndex: k,
    startMs: k * holdMs,
    endMs: (k + 1) * holdMs,
    shape: 'constant',
    from: rate,
    to: rate,
  }));
  return { segments, breakingPoint: { fromRate: from, toRate: to, stepRate: step, holdMs } };
}

export function resolveLoad(raw: unknown, sink: ProblemSink): { load: PlanLoad; breakingPoint?: PlanBreakingPoint } | undefined {
  const load = asFields(raw);
  if (!load) return undefined;
  const base: Array<string | number> = ['load'];
  const searching = load.model === 'breaking-point';
  const model = load.model === 'closed' ? 'closed' : 'open';
  const levelField = model === 'open' ? 'rate' : 'users';
  const otherField = model === 'open' ? 'users' : 'rate';
  const timeScale = asNumber(load.timeScale) ?? 1;
  const scale = timeScale > 0 ? timeScale : 1;
  if (load.model === 'replay') return { load: resolveReplayLoad(load, scale, asNumber(load.maxInFlight) ?? DEFAULT_MAX_IN_FLIGHT, sink) };
  checkReplayOnlyFields(load, sink);

  let thinkTimeMinMs = 0;
  let thinkTimeMaxMs = 0;
  if (has(load, 'thinkTime')) {
    if (model === 'open') sink.error('wrong-model', `'thinkTime' applies to the closed model only: set load.model: closed, or remove it`, [...base, 'thinkTime'], 'key');
    const range = typeof load.thinkTime === 'string' ? parseRange(load.thinkTime) : undefined;
    if (range?.ok) {
      thinkTimeMinMs = range.value.minMs;
      thinkTimeMaxMs = range.value.maxMs;
    } else if (range && typeof load.thinkTime === 'string' && load.thinkTime.includes('..')) {
      sink.error('bad-range', range.message, [...base, 'thinkTime']);
    }
  }

  if (searching) {
    if (has(load, 'stages')) sink.error('conflict', `a breaking-point search makes its own steps from 'search': remove 'stages', or use model: open`, [...base, 'stages'], 'key');
    if (!has(load, 'search')) sink.error('missing-field', `missing required field 'search' in 'load' (required for model: breaking-point): { from, to, step, hold }`, [...base, 'search'], 'key');
    const resolved = resolveSearch(load, scale, sink);
    const segments = resolved?.segments ?? [];
    const plan: PlanLoad = {
      model: 'open',
      arrival: load.arrival === 'uniform' ? 'uniform' : 'poisson',
      timeScale: scale,
      maxInFlight: asNumber(load.maxInFlight) ?? DEFAULT_MAX_IN_FLIGHT,
      thinkTimeMinMs,
      thinkTimeMaxMs,
      baseline: resolved?.breakingPoint.fromRate ?? 0,
      segments,
      durationMs: segments.length ? segments[segments.length - 1].endMs : 0,
    };
    return resolved ? { load: plan, breakingPoint: resolved.breakingPoint } : { load: plan };
  }
  if (has(load, 'search')) sink.error('conflict', `'search' applies to model: breaking-point only: set load.model: breaking-point, or remove it`, [...base, 'search'], 'key');
  if (!has(load, 'stages')) sink.error('missing-field', `missing required field 'stages' in 'load'`, [...base, 'stages'], 'key');

  const stages = asList(load.stages);
  const segments: PlanSegment[] = [];
  let baseline: number | undefined;
  let baselineUsable = true;
  let previousEnd: number | undefined;
  let cursor = 0;

  stages.forEach((rawStage, index) => {
    const stage = asFields(rawStage);
    const stagePath = [...base, 'stages', index];
    if (!stage) return;
    const name = typeof stage.name === 'string' && stage.name !== '' ? stage.name : `stage ${index + 1}`;

    if (has(stage, otherField)) {
      const hint = model === 'open' ? `'users' is for the closed model: use 'rate' here, or set load.model: closed` : `'rate' is for the open model: use 'users' here, or set load.model: open`;
      sink.error('wrong-model', hint, [...stagePath, otherField], 'key');
    }
    if (has(stage, 'rampTo') && has(stage, 'diurnal')) {
      sink.error('conflict', `a stage either ramps (rampTo) or waves (diurnal), not both: split it into two stages`, [...stagePath, 'diurnal'], 'key');
    }

    const start = has(stage, levelField) ? readLevel(stage[levelField], model, levelField, [...stagePath, levelField], sink) : undefined;
    const ramp = has(stage, 'rampTo') ? readLevel(stage.rampTo, model, 'rampTo', [...stagePath, 'rampTo'], sink) : undefined;
    const diurnal = asFields(stage.diurnal);
    const peak = diurnal && has(diurnal, 'peak') ? readLevel(diurnal.peak, model, 'peak', [...stagePath, 'diurnal', 'peak'], sink) : undefined;

    if (index === 0) {
      if (!has(stage, levelField)) {
        baselineUsable = false;
        if (has(stage, 'rampTo') || has(stage, 'diurnal')) {
          const what = has(stage, 'rampTo') ? 'rampTo' : 'diurnal';
          sink.error('ramp-from-nothing', `a ramp with nothing to ramp from: give the first stage a starting ${levelField} (e.g. ${model === 'open' ? 'rate: 1/s' : 'users: 1'}) before '${what}'`, [...stagePath, what], 'key');
        } else if (!has(stage, otherField)) {
          sink.error('missing-level', `the first stage needs a '${levelField}': it sets the baseline that the rest of the shape builds on`, stagePath, 'key');
        }
      } else if (start?.kind === 'multiple') {
        baselineUsable = false;
        sink.error('multiple-in-baseline', `the first stage sets the baseline, so it cannot be a multiple of it: write an absolute ${model === 'open' ? 'rate such as 2/s' : 'number of users'}`, [...stagePath, levelField]);
      } else if (start?.kind === 'absolute') {
        if (start.value <= 0) {
          baselineUsable = false;
          sink.error('zero-baseline', `the baseline ${levelField} must be above 0: later stages and multiples build on it`, [...stagePath, levelField]);
        } else {
          baseline = start.value;
        }
      } else {
        baselineUsable = false;
      }
    }

    const absolute = (level: Level | undefined, path: Array<string | number>): number | undefined => {
      if (!level) return undefined;
      let value: number;
      if (level.kind === 'absolute') value = level.value;
      else if (baseline === undefined) {
        if (baselineUsable && index > 0) sink.error('multiple-without-baseline', `a multiple needs a baseline: the first stage must set an absolute ${levelField}`, path);
        return undefined;
      } else value = level.factor * baseline;
      const limit = model === 'open' ? LIMITS.ratePerSecond : LIMITS.users;
      if (value > limit) {
        const what = model === 'open' ? `${Number(value.toPrecision(6)).toLocaleString('en-US')}/s` : `${Math.round(value).toLocaleString('en-US')} users`;
        sink.error('out-of-range', `this stage asks for ${what}: at most ${limit.toLocaleString('en-US')}${model === 'open' ? '/s' : ' users'} (one machine cannot send more; spread the load over several runners)`, path);
        return undefined;
      }
      return value;
    };

    const durationMs = readDuration(stage.for);
    if (durationMs !== undefined && durationMs <= 0) {
      sink.error('out-of-range', `a stage must last longer than 0`, [...stagePath, 'for']);
    }
    const from = absolute(start, [...stagePath, levelField]) ?? previousEnd;
    if (durationMs === undefined || durationMs <= 0 || from === undefined) {
      previousEnd = undefined;
      return;
    }
    const runMs = durationMs / scale;
    if (cursor + runMs > LIMITS.runMs && cursor <= LIMITS.runMs) {
      sink.error('out-of-range', `the load shape runs ${runLengthText(cursor + runMs, scale)} by the end of this stage: a run lasts at most ${formatLimitDuration(LIMITS.runMs)} — shorten the stages or raise load.timeScale`, [...stagePath, 'for']);
    }
    const segment: PlanSegment = { stage: name, stageIndex: index, startMs: cursor, endMs: cursor + runMs, shape: 'constant', from, to: from };
    if (has(stage, 'rampTo')) {
      const to = absolute(ramp, [...stagePath, 'rampTo']);
      if (to === undefined) return void (previousEnd = undefined);
      segment.shape = 'linear';
      segment.to = to;
    } else if (diurnal) {
      const to = absolute(peak, [...stagePath, 'diurnal', 'peak']);
      if (to === undefined) return void (previousEnd = undefined);
      const periodMs = has(diurnal, 'period') ? readDuration(diurnal.period) : durationMs;
      if (periodMs !== undefined && periodMs <= 0) sink.error('out-of-range', `the period of a diurnal wave must be longer than 0`, [...stagePath, 'diurnal', 'period']);
      segment.shape = 'sine';
      segment.to = to;
      segment.periodMs = (periodMs && periodMs > 0 ? periodMs : durationMs) / scale;
    }
    segments.push(segment);
    cursor = segment.endMs;
    previousEnd = segmentEndLevel(segment);
  });

  return { load: {
    model,
    arrival: load.arrival === 'uniform' ? 'uniform' : 'poisson',
    timeScale: scale,
    maxInFlight: asNumber(load.maxInFlight) ?? DEFAULT_MAX_IN_FLIGHT,
    thinkTimeMinMs,
    thinkTimeMaxMs,
    baseline: baseline ?? 0,
    segments,
    durationMs: cursor,
  } };
}

