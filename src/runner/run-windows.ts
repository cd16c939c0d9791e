// Windows and thresholds: once a second (on the run's own clock) the local sink's window
// becomes a tick point, joins a trailing ring of the last 10 windows for live threshold
// evaluation, and is recycled; the budget is checked. Live values: latency, fraction, rate and
// ratio metrics over the trailing 10 s; count and USD metrics since the start (verdict.ts).
import { performance } from 'node:perf_hooks';
import { levelAt } from '../core/load-shape';
import type { PlanThreshold } from '../core/plan';
import { ACHIEVED_RATE_SECONDS, type Breach, type RunEvent, type StageInfo, type ThresholdState, type TickPoint, type TracePosition } from '../protocol/run-events';
import { percentilesOf } from './latency-histogram';
import { latencyIndexOfMetric, metricValues } from './metric-snapshot';
import type { RunControl } from './run-control';
import type { RunResources } from './run-setup';
import { LAT_CLIENT_WAIT, LAT_E2E, LAT_E2E_INTENDED, LAT_ITL, LAT_SCHEDULE_LAG, LAT_TTFT, LAT_TTFT_INTENDED, RunStats } from './run-stats';
import type { StatsSink } from './stats-sink';
import { isCumulativeMetric, judge, newThresholdStates } from './verdict';
import { formatMetricValue } from '../../vocabulary/format';
import { RECENT_SECONDS, WINDOW } from '../../vocabulary/figures';

/** The trailing window live thresholds are judged on: every surface's "last 10 s". */
export const TRAILING_WINDOWS = RECENT_SECONDS;

/** What a tick reads beyond the statistics, and where its point goes. */
export interface WindowSources {
  readonly stages: readonly StageInfo[];
  readonly resources: RunResources;
  inFlight(): number;
  /** The runner's own backlog: attempts waiting for a connection, an arrival overdue. */
  backlog(nowMs: number): number;
  /** Requests waiting in Stampede for a connection (maxConnections), the most at once since the
   * last call. */
  clientWaiting(): number;
  emit(event: RunEvent): void;
  /** breakingPoint mode: a threshold broke, so the search is over. */
  breakingPointFound(message: string): void;
  /** Replay: where in the trace a run time falls (ticks and breaches carry it). */
  tracePosition?(runMs: number): TracePosition | undefined;
}

export class RunWindows {
  readonly thresholdStates: ThresholdState[];
  /** Every tick of the run, for the end-of-run analysis (one small object per second). */
  readonly tickLog: TickPoint[] = [];
  peakTarget = 0;
  peakAchieved = 0;
  private readonly ring: RunStats[] = [];
  private ringNext = 0;
  private readonly trailing = new RunStats();
  private readonly latencyWanted = new Set<number>();
  private ticks = 0;
  private lastTickAt = 0;
  private lastStageIndex = -1;
  /** Sent rates of the last seconds: "achieved" is read over a few seconds, since one second of
   * Poisson arrivals (or a burst of retries) says little about the rate a system sustained. */
  private readonly recentSentRates: number[] = [];
  private budgetWarned = false;
  private timer: NodeJS.Timeout | null = null;
  /** abortOnFail: why the run stops once this tick is done (stopping inside it would finish
   * the run with this second's window merged into the whole run twice, its point unsent). */
  private abortAfterTick: string | null = null;

  constructor(
    private readonly run: RunControl,
    private readonly stats: StatsSink,
    private readonly sources: WindowSources,
  ) {
    const thresholds = run.plan.thresholds;
    this.thresholdStates = newThresholdStates(thresholds);
    for (const t of thresholds) {
      const i = latencyIndexOfMetric(t.metric);
      if (i >= 0) this.latencyWanted.add(i);
    }
    for (let i = 0; i < TRAILING_WINDOWS; i++) this.ring.push(new RunStats());
  }

  /** Arms the next tick at run time (ticks + 1) s, so timer lateness does not accumulate. */
  schedule(): void {
    const run = this.run;
    const due = run.t0 + (this.ticks + 1) * 1000;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (run.phase !== 'running' && run.phase !== 'draining') return;
      run.guarded(() => this.tick(false));
      if (run.phase === 'running' || run.phase === 'draining') this.schedule();
    }, Math.max(0, due - performance.now()));
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** At the end: the last partial second gets a tick of its own when it is longer than 50 ms
   * (or when there was none); otherwise its latencies still join the whole run. */
  finalTick(): void {
    if (this.run.now() - this.ticks * 1000 > 50 || this.ticks === 0) this.tick(true);
    else this.stats.mergeWindowLatency();
  }

  /** One second's point (`final`: the last, partial second), from the timer of schedule(). */
  tick(final: boolean): void {
    const run = this.run;
    const elapsedMs = run.now();
    this.ticks++;
    const t = this.ticks;
    const windowStart = (t - 1) * 1000;
    const windowEnd = final ? Math.max(elapsedMs, windowStart + 1) : t * 1000;
    const seconds = final ? Math.max(0.001, (elapsedMs - this.lastTickAt) / 1000) : 1;
    this.lastTickAt = elapsedMs;
    const stats = this.stats;
    const w = stats.window;
    const load = run.plan.load;
    // Stage and target at the end of the window (on the nominal clock, so timer jitter cannot
    // push the last second of the shape past its end).
    const at = Math.max(0, Math.min(windowEnd, load.durationMs) - 0.001);
    const stageIndex = run.stageIndexAt(at);
    const stage = this.sources.stages.find((s) => s.index === stageIndex);
    const inShape = windowStart < load.durationMs;
    const targetLevel = inShape ? levelAt(load, at) * run.multiplier : 0;
    if (stageIndex !== this.lastStageIndex && inShape) {
      if (this.lastStageIndex >= 0 || stageIndex > 0) run.log('info', `stage ${stage?.name ?? stageIndex} started (target ${Math.round(targetLevel * 10) / 10}${load.model === 'open' ? '/s' : ' users'})`);
      this.lastStageIndex = stageIndex;
    }
    const sentRate = w.sent / seconds;
    this.recentSentRates.push(sentRate);
    if (this.recentSentRates.length > ACHIEVED_RATE_SECONDS) this.recentSentRates.shift();
    const achievedRate = this.recentSentRates.reduce((a, b) => a + b, 0) / this.recentSentRates.length;
    this.peakTarget = Math.max(this.peakTarget, targetLevel);
    this.peakAchieved = Math.max(this.peakAchieved, achievedRate);

    const { path, scraper, monitorSet } = this.sources.resources;
    path?.pollLeaks(elapsedMs, [w, stats.whole]);
    stats.mergeWindowLatency();
    // Trailing window for live thresholds: this second and up to nine before it.
    this.ring[this.ringNext].reset();
    const recycled = this.ring[this.ringNext];
    this.ring[this.ringNext] = w;
    this.ringNext = (this.ringNext + 1) % TRAILING_WINDOWS;
    const trace = inShape ? this.sources.tracePosition?.(at) : undefined;
    const recent = this.evaluateLive(t, stage?.name ?? '', targetLevel, achievedRate, Math.min(t, TRAILING_WINDOWS), trace);

    const scraped = scraper?.latest ?? { queueDepth: null, kvCacheUsage: null };
    scraper?.scrape();
    const monitors = monitorSet?.values();
    // A monitor series named queueDepth / kvCacheUsage wins over the mock's own /metrics.
    const gauges = { queueDepth: monitors?.queueDepth ?? scraped.queueDepth, kvCacheUsage: monitors?.kvCacheUsage ?? scraped.kvCacheUsage };
    const point: TickPoint = {
      t,
      stage: stage?.name ?? '',
      stageIndex,
      targetLevel,
      multiplier: run.multiplier,
      sentRate,
      achievedRate,
      completedRate: w.finished / seconds,
      inFlight: this.sources.inFlight(),
      backlog: this.sources.backlog(elapsedMs),
      dropped: w.dropped,
      outcomes: w.outcomeCounts(),
      attempts: w.attempts,
      ttft: percentilesOf(w.latency[LAT_TTFT]!),
      itl: percentilesOf(w.latency[LAT_ITL]!),
      e2e: percentilesOf(w.latency[LAT_E2E]!),
      e2eIntended: percentilesOf(w.latency[LAT_E2E_INTENDED]!),
      scheduleLag: percentilesOf(w.latency[LAT_SCHEDULE_LAG]!),
      ttftIntended: percentilesOf(w.latency[LAT_TTFT_INTENDED]!),
      clientWait: percentilesOf(w.latency[LAT_CLIENT_WAIT]!),
      clientWaiting: this.sources.clientWaiting(),
      tokensPerSecond: Math.max(0, w.arrivedTokens) / seconds,
      inputTokens: w.inputTokens,
      outputTokens: w.outputTokens,
      cacheHitRate: w.cacheKnownInput > 0 ? w.cachedTokens / w.cacheKnownInput : null,
      cost: w.cost,
      costCumulative: stats.whole.cost,
      queueDepth: gauges.queueDepth,
      kvCacheUsage: gauges.kvCacheUsage,
      thresholds: this.thresholdStates.map((s) => ({ ...s, firstBreach: s.firstBreach ? { ...s.firstBreach } : null })),
      recent,
    };
    if (monitors) point.monitors = monitors;
    if (trace) point.trace = trace;
    if (path) Object.assign(point, path.tickFields(w, point.queueDepth !== null));
    stats.nextWindow(recycled);
    this.tickLog.push(point);
    this.sources.emit({ type: 'tick', point });
    const abort = this.abortAfterTick;
    this.abortAfterTick = null;
    if (abort !== null) run.stop('aborted', abort);
    else if (!final) this.checkBudget();
  }

  /** Judges the thresholds on the trailing window and returns its figures for the tick: the
   * status bar, the panel and the CLI show them as "last 10 s", the window the thresholds'
   * live values are taken over. */
  private evaluateLive(t: number, stage: string, targetLevel: number, achievedRate: number, windows: number, trace: TracePosition | undefined): NonNullable<TickPoint['recent']> {
    const plan = this.run.plan;
    const tr = this.trailing;
    tr.reset();
    for (let i = 0; i < TRAILING_WINDOWS; i++) {
      tr.addCounters(this.ring[i]);
      tr.addLatency(this.ring[i], LAT_TTFT);
      for (const li of this.latencyWanted) if (li !== LAT_TTFT) tr.addLatency(this.ring[i], li);
    }
    const judged = tr.judged();
    const recent = { seconds: windows, ttftP95: percentilesOf(tr.latency[LAT_TTFT]!).p95, errorRate: judged > 0 ? tr.errors() / judged : null };
    if (plan.thresholds.length === 0) return recent;
    const live = metricValues(tr, windows, this.latencyWanted);
    const total = metricValues(this.stats.whole, Math.max(0.001, this.run.now() / 1000), new Set<number>());
    const newly = judge(
      plan.thresholds,
      this.thresholdStates,
      (th) => (isCumulativeMetric(th.metric) ? total[th.metric] : live[th.metric]) ?? null,
      (value): Breach => (trace ? { t, stage, targetLevel, achievedRate, value, trace } : { t, stage, targetLevel, achievedRate, value }),
    );
    for (const th of newly) this.onBreach(th);
    return recent;
  }

  private onBreach(th: PlanThreshold): void {
    const run = this.run;
    const s = this.thresholdStates.find((x) => x.id === th.id)!;
    run.log('warn', `threshold ${th.source} breached at ${s.firstBreach!.t}s: ${formatMetricValue(th.metric, s.value)} (${isCumulativeMetric(th.metric) ? WINDOW.soFar : WINDOW.recent})`);
    if (th.abortOnFail && run.phase === 'running') this.abortAfterTick ??= `threshold ${th.source} failed (abortOnFail)`;
    else if (run.plan.breakingPoint && run.phase === 'running') {
      this.sources.breakingPointFound(`breaking point found: ${th.source} broke at ${Math.round(s.firstBreach!.targetLevel * 100) / 100}/s`);
    }
  }

  private checkBudget(): void {
    const run = this.run;
    const budget = run.plan.budget;
    const cost = this.stats.whole.cost;
    if (!budget || cost <= budget.maxCostUsd) return;
    const message = `budget exceeded: $${cost.toFixed(4)} spent, budget.maxCostUsd is $${budget.maxCostUsd}`;
    if (budget.onExceed === 'abort') {
      if (run.phase === 'running' || run.phase === 'draining') run.stop('aborted', message);
    } else if (!this.budgetWarned) {
      this.budgetWarned = true;
      run.log('warn', message);
    }
  }
}
