// "What broke first": pure functions over a run's per-second series and stage summaries that put
// the first breach of each threshold and the first sign of each failure mode on one timeline,
// find the highest load every threshold held at, and time the recovery after load drops.
//
// Baselines come from the first stage (the article's "baseline"): its whole-stage TTFT p95,
// error rate and cost per request, and its ticks' cache hit rate, agent-steps p95 and queue
// depth. Signs are looked for after the baseline stage only, so noise inside the reference
// period cannot flag itself.
import type { AnalysisEvent, AnalysisKind, ClientLimitFinding, FailoverEvent, FaultWindowInfo, GatewaySummary, RunAnalysis, StageSummary, ThresholdState, TickPoint } from '../protocol/run-events';

export const QUEUE_GROWING_SECONDS = 3;
export const TTFT_FACTOR = 2;
export const CACHE_FALL_FACTOR = 0.8;
/** A cache that hit less than this at the baseline carried nothing: fresh prompts hit by chance
 * now and then, and 0.3% falling to 0% is noise, not a sign. */
export const CACHE_FALL_MIN_BASELINE = 0.05;
export const COST_FACTOR = 1.2;
export const AGENT_STEPS_MARGIN = 1;
export const RECOVERY_FACTOR = 1.2;
export const RECOVERY_SECONDS = 3;
/** Requests of a stage pooled before its cost per request is compared, so a few long prompts cannot flag it. */
const COST_MIN_REQUESTS = 20;
/** How many standard errors a stage's cost per request must stand above the baseline's. */
const COST_Z = 3;

export interface AnalysisInput {
  ticks: readonly TickPoint[];
  stages: readonly StageSummary[];
  thresholds: readonly ThresholdState[];
  loadModel: 'open' | 'closed';
  failoverEvents?: readonly FailoverEvent[] | null;
  /** Limits of the load tester that held (client-limits.ts): each is a sign of its own. */
  clientLimits?: readonly ClientLimitFinding[] | null;
  /** Issue 12: the gateway's fault windows and what it did (null without a gateway section). */
  gateway?: GatewaySummary | null;
  /** Every scheduled fault window, to name the one open when something broke. */
  faultWindows?: readonly FaultWindowInfo[];
}

const JUDGED_ERRORS = ['rate_limited', 'server_error', 'client_error', 'timeout', 'network'] as const;

function tickErrors(p: TickPoint): number {
  return JUDGED_ERRORS.reduce((n, o) => n + p.outcomes[o], 0);
}

function tickJudged(p: TickPoint): number {
  return JUDGED_ERRORS.reduce((n, o) => n + p.outcomes[o], 0) + p.outcomes.ok + (p.outcomes.unacceptable ?? 0) + p.outcomes.canceled;
}

function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

function fmtMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 10) / 100} s` : `${Math.round(ms)} ms`;
}

function fmtPct(f: number): string {
  return `${Math.round(f * 1000) / 10}%`;
}

function fmtLevel(level: number, model: 'open' | 'closed'): string {
  const v = Math.round(level * 10) / 10;
  return model === 'open' ? `${v}/s` : `${v} users`;
}

export function baselineOf(input: AnalysisInput): RunAnalysis['baseline'] {
  const stage0 = input.stages[0];
  const base = input.ticks.filter((p) => p.stageIndex === (stage0?.index ?? 0));
  let cached = 0;
  let known = 0;
  for (const p of base) {
    if (p.cacheHitRate !== null && p.inputTokens > 0) {
      cached += p.cacheHitRate * p.inputTokens;
      known += p.inputTokens;
    }
  }
  const judged = stage0 ? JUDGED_ERRORS.reduce((n, o) => n + stage0.outcomes[o], 0) + stage0.outcomes.ok + (stage0.outcomes.unacceptable ?? 0) + stage0.outcomes.canceled : 0;
  const errors = stage0 ? JUDGED_ERRORS.reduce((n, o) => n + stage0.outcomes[o], 0) : 0;
  const depths = base.map((p) => p.queueDepth).filter((v): v is number => v !== null);
  return {
    ttftP95: stage0?.ttft.p95 ?? median(base.map((p) => p.ttft.p95).filter((v): v is number => v !== null)),
    errorRate: judged > 0 ? errors / judged : null,
    cacheHitRate: known > 0 ? cached / known : null,
    costPerRequest: stage0?.costPerRequest ?? null,
    agentStepsP95: median(base.map((p) => p.agentSteps?.p95 ?? null).filter((v): v is number => v !== null)),
    queueDepth: depths.length ? Math.max(...depths) : null,
  };
}

/** Requests a stage summary judged (errors, ok, unacceptable and canceled answers). */
function stageJudged(s: StageSummary): number {
  return JUDGED_ERRORS.reduce((n, o) => n + s.outcomes[o], 0) + s.outcomes.ok + (s.outcomes.unacceptable ?? 0) + s.outcomes.canceled;
}

/**
 * Stages whose cost per request rose, compared like with like: every stage, the baseline
 * included, counts the requests *sent* in it (the stage summaries), never the seconds they
 * finished in — the first seconds of a stage are full of the previous stage's stragglers, the
 * long and expensive answers. A rise must be over COST_FACTOR and stand COST_Z standard errors
 * clear of the noise of two means. The per-request variance comes from how the seconds' cost
 * sums scatter around their stage's mean: Var(sum of n requests) = n·σ², so
 * σ² ≈ Σ(cost_i − n_i·mean_stage)² / Σ n_i.
 */
function costRisingStages(input: AnalysisInput, base: number | null): Map<number, { mean: number; base: number }> {
  const out = new Map<number, { mean: number; base: number }>();
  const stage0 = input.stages[0];
  if (!stage0 || base === null || !(base > 0)) return out;
  const nBase = stageJudged(stage0);
  if (nBase < COST_MIN_REQUESTS) return out;
  // Each second scatters around its own stage's mean, so a real rise is not mistaken for noise.
  const sums = new Map<number, { cost: number; n: number }>();
  for (const p of input.ticks) {
    const sum = sums.get(p.stageIndex) ?? { cost: 0, n: 0 };
    sum.cost += p.cost;
    sum.n += tickJudged(p);
    sums.set(p.stageIndex, sum);
  }
  let scatter = 0;
  let counted = 0;
  for (const p of input.ticks) {
    const k = tickJudged(p);
    const sum = sums.get(p.stageIndex)!;
    if (k === 0 || sum.n === 0) continue;
    scatter += (p.cost - (k * sum.cost) / sum.n) ** 2;
    counted += k;
  }
  const variance = counted > 0 ? scatter / counted : 0;
  for (const s of input.stages.slice(1)) {
    const n = stageJudged(s);
    const mean = s.costPerRequest;
    if (mean === null || n < COST_MIN_REQUESTS) continue;
    const noise = COST_Z * Math.sqrt(variance / n + variance / nBase);
    if (mean > COST_FACTOR * base && mean - base > noise) out.set(s.index, { mean, base });
  }
  return out;
}

export function analyzeRun(input: AnalysisInput): RunAnalysis {
  const { ticks, loadModel } = input;
  const baseline = baselineOf(input);
  const baseIndex = input.stages[0]?.index ?? 0;
  const timeline: AnalysisEvent[] = [];
  const seen = new Set<AnalysisKind>();
  const add = (kind: AnalysisKind, p: TickPoint, message: string, value: number | null) => {
    if (seen.has(kind)) return;
    seen.add(kind);
    timeline.push({ kind, t: p.t, stage: p.stage, targetLevel: p.targetLevel, message: `${message} at ${fmtLevel(p.targetLevel, loadModel)}`, value });
  };
  const queueRun: TickPoint[] = [];
  const costRise = costRisingStages(input, baseline.costPerRequest);
  for (let i = 0; i < ticks.length; i++) {
    const p = ticks[i];
    if (p.outcomes.rate_limited > 0) add('first-429', p, `first 429 (rate limited): ${p.outcomes.rate_limited} in that second`, p.outcomes.rate_limited);
    if (p.outcomes.server_error > 0) add('first-5xx', p, `first 5xx: ${p.outcomes.server_error} in that second`, p.outcomes.server_error);
    if ((p.outcomes.unacceptable ?? 0) > 0) add('unacceptable', p, `unacceptable answers: ${p.outcomes.unacceptable} in that second failed their checks (expect)`, p.outcomes.unacceptable ?? 0);
    if ((p.leakedCancellations ?? 0) > 0) add('cancellation-leak', p, `a cancelled stream kept generating (${p.leakedCancellations} leaked)`, p.leakedCancellations ?? null);
    const degraded = p.degradation ? p.degradation.slice(1).reduce((a, b) => a + b, 0) : 0;
    if (degraded > 0) add('degradation', p, `responses degraded (level ≥ 1: ${fmtPct(degraded)})`, degraded);
    // The open model's in-flight cap reached: answers come back slower than arrivals come in.
    // Like a 429 it counts in any stage; arrivals still owed when the shape ended land in a
    // drain second, which has no load level, and the run's log says so instead.
    if (p.dropped > 0 && p.targetLevel > 0) add('arrivals-dropped', p, `arrivals dropped: ${p.dropped} in that second, ${p.inFlight} requests in flight (load.maxInFlight)`, p.dropped);
    // Drain seconds after the load shape ended say nothing about a load level.
    if (p.stageIndex === baseIndex || p.targetLevel <= 0) continue;

    const qBase = baseline.queueDepth ?? 0;
    if (p.queueDepth !== null && p.queueDepth > qBase && (queueRun.length === 0 || p.queueDepth >= queueRun[queueRun.length - 1].queueDepth!)) {
      queueRun.push(p);
      if (queueRun.length >= QUEUE_GROWING_SECONDS && queueRun[queueRun.length - 1].queueDepth! > queueRun[0].queueDepth!) {
        add('queue-growing', queueRun[0], `queue depth rising above the baseline ${qBase} for ${QUEUE_GROWING_SECONDS} s (to ${queueRun[queueRun.length - 1].queueDepth})`, queueRun[0].queueDepth);
      }
    } else {
      queueRun.length = 0;
      if (p.queueDepth !== null && p.queueDepth > qBase) queueRun.push(p);
    }
    if (baseline.ttftP95 !== null && baseline.ttftP95 > 0 && p.ttft.p95 !== null && p.ttft.p95 > TTFT_FACTOR * baseline.ttftP95) {
      add('ttft-doubled', p, `TTFT p95 ${fmtMs(p.ttft.p95)}, over ${TTFT_FACTOR}× the baseline ${fmtMs(baseline.ttftP95)}`, p.ttft.p95);
    }
    if (baseline.cacheHitRate !== null && baseline.cacheHitRate >= CACHE_FALL_MIN_BASELINE && p.cacheHitRate !== null && p.cacheHitRate < CACHE_FALL_FACTOR * baseline.cacheHitRate) {
      add('cache-falling', p, `cache hit rate ${fmtPct(p.cacheHitRate)}, below ${CACHE_FALL_FACTOR * 100}% of the baseline ${fmtPct(baseline.cacheHitRate)}`, p.cacheHitRate);
    }
    const costSign = costRise.get(p.stageIndex);
    if (costSign !== undefined && !seen.has('cost-rising')) {
      add('cost-rising', p, `cost per request $${costSign.mean.toPrecision(3)} in stage ${p.stage}, over ${COST_FACTOR}× the baseline $${costSign.base.toPrecision(3)}`, costSign.mean);
    }
    const steps = p.agentSteps?.p95 ?? null;
    if (baseline.agentStepsP95 !== null && steps !== null && steps > baseline.agentStepsP95 + AGENT_STEPS_MARGIN) {
      add('agent-steps-rising', p, `agent steps p95 ${steps}, over the baseline ${baseline.agentStepsP95} + ${AGENT_STEPS_MARGIN}`, steps);
    }
  }
  const firstFailover = input.failoverEvents?.find((e) => e.t >= 0);
  if (firstFailover) {
    const at = ticks.find((p) => p.t >= firstFailover.t) ?? ticks[ticks.length - 1];
    timeline.push({
      kind: 'failover',
      t: firstFailover.t,
      stage: at?.stage ?? '',
      targetLevel: at?.targetLevel ?? 0,
      message: `failover ${firstFailover.from} → ${firstFailover.to}${firstFailover.failoverMs !== null ? ` in ${fmtMs(firstFailover.failoverMs)}` : ', no provider took over'}`,
      value: firstFailover.failoverMs,
    });
  }
  for (const w of input.gateway?.windows ?? []) {
    const t = Math.round(w.startMs / 100) / 10;
    const at = ticks.find((p) => p.t * 1000 > w.startMs) ?? ticks[ticks.length - 1];
    timeline.push({ kind: 'fault-window', t, stage: at?.stage ?? '', targetLevel: at?.targetLevel ?? 0, message: `fault window on ${w.upstream}: ${w.label} from ${t} s to ${Math.round(w.endMs / 100) / 10} s. ${w.outcome}`, value: w.failoverMs });
  }
  for (const s of input.thresholds) {
    const b = s.firstBreach;
    if (!b) continue;
    timeline.push({ kind: 'threshold', t: b.t, stage: b.stage, targetLevel: b.targetLevel, message: `threshold ${s.source} breached at ${fmtLevel(b.targetLevel, loadModel)}${s.pass === true ? ' (held over the whole run)' : ''}`, value: b.value, thresholdId: s.id, source: s.source });
  }
  // The maxInFlight cap has its own sign above (arrivals-dropped); the others come from the runner.
  for (const f of input.clientLimits ?? []) {
    if (f.kind === 'in-flight-cap') continue;
    timeline.push({ kind: 'client-limit', t: f.t, stage: f.stage, targetLevel: f.targetLevel, message: `${f.message} — a limit of the load tester, not of the system under test: ${f.hint}`, value: f.requests });
  }
  // In the same second, a limit of the load tester comes first (it explains what follows), then
  // a threshold breach (what the team asked about), then the other signs.
  const rank = (e: AnalysisEvent) => (e.kind === 'client-limit' ? 0 : e.kind === 'threshold' ? 1 : 2);
  timeline.sort((a, b) => a.t - b.t || rank(a) - rank(b));
  // Name the fault window open when something broke: a TTFT breach during an upstream's latency window says so.
  for (const e of timeline) {
    if (e.kind === 'fault-window' || e.kind === 'client-limit') continue;
    const w = (input.faultWindows ?? []).find((f) => e.t * 1000 > f.startMs && (e.t - 1) * 1000 < f.endMs);
    if (w) e.message += ` — during the fault window on ${w.upstream} (${w.label}, ${Math.round(w.startMs / 100) / 10}–${Math.round(w.endMs / 100) / 10} s)`;
  }
  const recovery = recoveryOf(ticks, baseline);
  return {
    timeline,
    firstBreak: timeline[0] ?? null,
    highestPassingLevel: highestPassingLevel(ticks, input.thresholds),
    recoveryMs: recovery.ms,
    notRecovered: recovery.notRecovered,
    failoverMs: input.failoverEvents ? input.failoverEvents.reduce<number | null>((m, e) => (e.failoverMs === null ? m : Math.max(m ?? 0, e.failoverMs)), null) : null,
    baseline,
  };
}

/** Highest target level of any second before the first threshold breach, below the level the
 * breach came at (that level did not hold). */
export function highestPassingLevel(ticks: readonly TickPoint[], thresholds: readonly ThresholdState[]): number | null {
  if (!thresholds.length) return null;
  let first: ThresholdState['firstBreach'] = null;
  for (const s of thresholds) if (s.firstBreach && (!first || s.firstBreach.t < first.t)) first = s.firstBreach;
  const breachT = first ? first.t : Infinity;
  const breachLevel = first ? first.targetLevel - 1e-9 : Infinity;
  let best: number | null = null;
  for (const p of ticks) {
    if (p.t >= breachT) break;
    if (p.targetLevel > 0 && p.targetLevel < breachLevel && (best === null || p.targetLevel > best)) best = p.targetLevel;
  }
  return best;
}

/** Start (ms) of the last stretch where the target load decreased, or null. */
export function lastLoadDropMs(ticks: readonly TickPoint[]): number | null {
  let dropAt: number | null = null;
  for (let i = 1; i < ticks.length; i++) {
    const prev = ticks[i - 1];
    const cur = ticks[i];
    if (cur.targetLevel < prev.targetLevel - 1e-9 && cur.targetLevel > 0) {
      // The drop belongs to the stretch that began at the stage start (a ramp) or this second (a step).
      const stageStart = ticks.findIndex((p) => p.stageIndex === cur.stageIndex);
      const startTick = cur.stageIndex !== prev.stageIndex ? cur : ticks[stageStart];
      const at = (startTick.t - 1) * 1000;
      if (dropAt === null || at > dropAt) dropAt = at;
    }
  }
  return dropAt;
}

function recoveryOf(ticks: readonly TickPoint[], baseline: RunAnalysis['baseline']): { ms: number | null; notRecovered: boolean } {
  const dropMs = lastLoadDropMs(ticks);
  if (dropMs === null || baseline.ttftP95 === null) return { ms: null, notRecovered: false };
  const ttftLimit = RECOVERY_FACTOR * baseline.ttftP95;
  const errLimit = RECOVERY_FACTOR * (baseline.errorRate ?? 0);
  let run = 0;
  for (const p of ticks) {
    if ((p.t - 1) * 1000 < dropMs || p.targetLevel <= 0) continue;
    const judged = tickJudged(p);
    const ttftOk = p.ttft.p95 === null ? judged > 0 : p.ttft.p95 <= ttftLimit;
    const errOk = judged === 0 || tickErrors(p) / judged <= errLimit + 1e-12;
    if (ttftOk && errOk) {
      run++;
      if (run >= RECOVERY_SECONDS) {
        const recoveredAt = (p.t - RECOVERY_SECONDS) * 1000;
        return { ms: Math.max(0, recoveredAt - dropMs), notRecovered: false };
      }
    } else run = 0;
  }
  return { ms: null, notRecovered: true };
}

/** Growth and maximum metrics derived from stages and ticks (ttft.growth, cost.perRequest.growth,
 * agent.steps.growth, queue.depth.max, kvCache.usage.max). */
export function derivedMetrics(input: AnalysisInput): Record<string, number | null> {
  const stages = input.stages;
  const base = stages[0];
  const ratioMax = (pick: (s: StageSummary) => number | null): number | null => {
    const b = base ? pick(base) : null;
    if (b === null || !(b > 0)) return null;
    let worst: number | null = null;
    for (const s of stages) {
      const v = pick(s);
      if (v !== null && (worst === null || v > worst)) worst = v;
    }
    return worst === null ? null : worst / b;
  };
  const stepsByStage = new Map<number, number[]>();
  for (const p of input.ticks) {
    const v = p.agentSteps?.p95;
    if (v === null || v === undefined) continue;
    const list = stepsByStage.get(p.stageIndex) ?? [];
    list.push(v);
    stepsByStage.set(p.stageIndex, list);
  }
  const baseSteps = base ? median(stepsByStage.get(base.index) ?? []) : null;
  let worstSteps: number | null = null;
  for (const list of stepsByStage.values()) {
    const m = median(list);
    if (m !== null && (worstSteps === null || m > worstSteps)) worstSteps = m;
  }
  const maxOf = (pick: (p: TickPoint) => number | null | undefined): number | null =>
    input.ticks.reduce<number | null>((m, p) => {
      const v = pick(p);
      return v === null || v === undefined ? m : m === null ? v : Math.max(m, v);
    }, null);
  return {
    'ttft.growth': ratioMax((s) => s.ttft.p95),
    'cost.perRequest.growth': ratioMax((s) => s.costPerRequest),
    'agent.steps.growth': baseSteps !== null && baseSteps > 0 && worstSteps !== null ? worstSteps / baseSteps : null,
    'queue.depth.max': maxOf((p) => p.queueDepth ?? p.monitors?.queueDepth),
    'kvCache.usage.max': maxOf((p) => p.kvCacheUsage ?? p.monitors?.kvCacheUsage),
  };
}

/** The analysis as text lines: the first break, then the rest of the timeline. */
export function describeAnalysis(a: RunAnalysis, loadModel: 'open' | 'closed'): string[] {
  const lines: string[] = [];
  if (!a.timeline.length) lines.push('Nothing broke: no threshold breach and no failure-mode sign.');
  for (const e of a.timeline) lines.push(`${e.t}s [${e.stage}] ${e.message}`);
  if (a.highestPassingLevel !== null) lines.push(`Every threshold held up to ${fmtLevel(a.highestPassingLevel, loadModel)}.`);
  if (a.recoveryMs !== null) lines.push(`Recovered in ${fmtMs(a.recoveryMs)} after load dropped (TTFT p95 and errors within ${RECOVERY_FACTOR}× baseline for ${RECOVERY_SECONDS} s).`);
  else if (a.notRecovered) lines.push('Did not recover after load dropped before the run ended.');
  if (a.failoverMs !== null) lines.push(`Failover time ${fmtMs(a.failoverMs)}.`);
  return lines;
}
