// The run engine: schedules arrivals from the load shape, sends chat completions through
// undici, retries, measures, aggregates one tick per second, judges thresholds and ends with a
// summary. Every request goes: launch (mix pick, prompt) -> attempt(s) -> complete. Issue 4's
// failover, http targets, agent loops, degradation and cancellation checks live in
// request-path.ts, called at launch, send, finished, tick and summary.
//
// Measurement rules (DESIGN.md section 4), where the definitions leave a choice:
// - "send" is when undici writes the request to a socket, so time spent waiting for a pooled
//   connection counts as schedule lag, not as server latency;
// - a request's TTFT and E2E run from its first attempt's send (retries and their waits are
//   part of what the user feels); TTFT is recorded in the second the token arrives;
// - E2E, E2E-from-intended and TPOT are taken from requests that ended ok; TTFT also from
//   cancelled streams that got a token; ITL from every gap seen;
// - rates over "finished requests" leave out aborted ones (stopped by the run, no verdict on
//   the target); cancellations are never errors;
// - when the load shape ends, requests in flight get min(timeouts.total, 10 s) to finish, then
//   are aborted.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { levelAt, segmentAt } from '../core/load-shape';
import type { PlanMixEntry, PlanThreshold, ResolvedPlan } from '../core/plan';
import { estimateTokens } from '../core/token-estimate';
import { ACHIEVED_RATE_SECONDS, type Breach, type LogEntry, type RunEvent, type RunSummary, type StageInfo, type StageSummary, type ThresholdState, type TickPoint } from '../protocol/run-events';
import { SlotList, type Slotted } from './slot-list';
import { Attempt, type AttemptHooks } from './attempt';
import { percentilesOf, recordMs } from './latency-histogram';
import { METRIC_KEYS, latencyIndexOfMetric, metricValues } from './metric-snapshot';
import { resolveTemplate } from './plan-templates';
import { MetricsScraper } from './prometheus-scrape';
import { MonitorSet, latestMonitorValue } from './monitors';
import { RequestPath, type PathRequest } from './request-path';
import { withAnalysis } from './summary-analysis';
import { startCacheAB } from './cache-experiment';
import { HerdProbe, herdPromptJson, herdResult, withHerd } from './herd-probe';
import { runWarmup } from './cache-warmup';
import { PromptMaker, RunConfigError, buildFillerText } from './prompt-source';
import { startProviders, type ProviderRuntime } from './provider-runtime';
import { isRetryable, retryDelayMs } from './retry-policy';
import type { RunHandle, RunOptions } from './run-options';
import { LAT_E2E, LAT_E2E_INTENDED, LAT_ITL, LAT_SCHEDULE_LAG, LAT_TPOT, LAT_TTFT, OUTCOME_INDEX, RunStats } from './run-stats';
import { SeededRandom } from './seeded-random';
import { buildVerdict, isCumulativeMetric, judge, newThresholdStates } from './verdict';
import { formatMetricValue } from '../core/format';
import { RECENT_SECONDS, WINDOW } from '../core/figures';

const TRAILING_WINDOWS = RECENT_SECONDS;
const SWEEP_MS = 20;
const CLOSED_CONTROL_MS = 100;
/** Arrivals handled per scheduler turn before yielding to I/O. */
const MAX_BATCH = 512;
/** How long in-flight requests may finish after the load shape ends. */
const MAX_DRAIN_MS = 10_000;

type Phase = 'starting' | 'running' | 'draining' | 'ending' | 'ended';
type EndReason = RunSummary['endReason'];

interface MixRuntime {
  entry: PlanMixEntry;
  maker: PromptMaker;
  provider: ProviderRuntime;
  /** JSON of the request body before and after the user message, prebuilt once. */
  bodyHead: string;
  bodyTail: string;
  systemTokens: number;
}

interface Request extends PathRequest, Slotted {
  mix: MixRuntime;
  stageIndex: number;
  intendedAt: number;
  body: string;
  promptTokens: number;
  cancelAfterMs: number;
  attempts: number;
  firstSendAt: number;
  ttftRecorded: boolean;
  /** The provider the latest attempt went to (prices the request). */
  provider: ProviderRuntime;
  user: ClosedUser | null;
  retryTimer: NodeJS.Timeout | null;
}

interface ClosedUser {
  retired: boolean;
  timer: NodeJS.Timeout | null;
}

/** An attempt's output tokens: the server's usage (or an http target's extraction rule) when
 * given, else the content tokens counted. */
function outputTokensOf(a: Attempt): number {
  return a.usageCompletion >= 0 ? a.usageCompletion : a.tokens;
}

function addTokens(s: RunStats, output: number, input: number, cached: number, cacheKnown: boolean, usage: boolean, cost: number): void {
  s.outputTokens += output;
  s.inputTokens += input;
  s.cachedTokens += cached;
  if (cacheKnown) s.cacheKnownInput += input;
  if (usage) s.usageRequests++;
  else s.countedRequests++;
  s.cost += cost;
}

export function startRun(options: RunOptions): RunHandle {
  if (options.plan.cacheExperiment?.ab) return startCacheAB(options, startSingleRun);
  return startSingleRun(options);
}

function startSingleRun(options: RunOptions): RunHandle {
  const run = new Run(options);
  void run.begin();
  return run.handle;
}

class Run implements AttemptHooks {
  readonly handle: RunHandle;
  private readonly plan: ResolvedPlan;
  private readonly runId: string;
  private readonly emitRaw: (e: RunEvent) => void;
  private resolveDone!: (s: RunSummary) => void;

  private phase: Phase = 'starting';
  private endReason: EndReason = 'completed';
  private endMessage: string | undefined;
  private t0 = 0;
  private startedAt = new Date();
  private multiplier = 1;

  private readonly rngArrivals: SeededRandom;
  private readonly rngMix: SeededRandom;
  private readonly rngPrompt: SeededRandom;
  private readonly rngCancel: SeededRandom;
  private readonly rngRetry: SeededRandom;
  private readonly rngThink: SeededRandom;

  private providers: ProviderRuntime[] = [];
  private mixes: MixRuntime[] = [];
  private cumulativeShares: number[] = [];
  private scraper: MetricsScraper | null = null;
  private monitorSet: MonitorSet | null = null;
  private herd: HerdProbe | null = null;
  /** Issue 4's request path: failover, http targets, agents, degradation, cancellation checks. */
  private path: RequestPath | null = null;
  private readonly rngTools: SeededRandom;
  /** Every tick of the run, for the end-of-run analysis (one small object per second). */
  private readonly tickLog: TickPoint[] = [];

  private readonly whole = new RunStats();
  private window = new RunStats();
  private readonly ring: RunStats[] = [];
  private ringNext = 0;
  private readonly trailing = new RunStats();
  private stageStats: RunStats[] = [];
  private stages: StageInfo[] = [];
  private readonly stageSent: number[] = [];
  private readonly spanScratch: RunStats[] = [];

  private readonly active = new SlotList<Attempt>();
  private readonly retryWaits = new SlotList<Request>();
  private inFlight = 0;
  private queued = 0;

  private nextArrival: number | null = null;
  private schedTimer: NodeJS.Timeout | null = null;
  private schedImmediate: NodeJS.Immediate | null = null;
  private endTimer: NodeJS.Timeout | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  /** The earliest deadline of any attempt in flight (or later): sweeps before it are skipped. */
  private nextDeadline = Infinity;
  private tickTimer: NodeJS.Timeout | null = null;
  private closedTimer: NodeJS.Timeout | null = null;
  private drainTimer: NodeJS.Timeout | null = null;
  private users: ClosedUser[] = [];
  private ticks = 0;
  private lastTickAt = 0;
  private lastStageIndex = -1;
  private peakTarget = 0;
  private peakAchieved = 0;
  /** Sent rates of the last seconds: "achieved" is read over a few seconds, since one second of
   * Poisson arrivals (or a burst of retries) says little about the rate a system sustained. */
  private readonly recentSentRates: number[] = [];

  private readonly thresholdStates: ThresholdState[];
  private readonly latencyWanted = new Set<number>();
  private readonly loggedKinds = new Set<string>();
  private budgetWarned = false;
  private finishing: Promise<void> | null = null;

  constructor(private readonly options: RunOptions) {
    this.plan = options.plan;
    this.runId = options.runId ?? `run-${this.startedAt.toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`;
    this.emitRaw = options.onEvent;
    const root = new SeededRandom(this.plan.seed);
    this.rngArrivals = root.fork(1);
    this.rngMix = root.fork(2);
    this.rngPrompt = root.fork(3);
    this.rngCancel = root.fork(4);
    this.rngRetry = root.fork(5);
    this.rngThink = root.fork(6);
    this.rngTools = root.fork(7);
    this.thresholdStates = newThresholdStates(this.plan.thresholds);
    for (const t of this.plan.thresholds) {
      const i = latencyIndexOfMetric(t.metric);
      if (i >= 0) this.latencyWanted.add(i);
    }
    for (let i = 0; i < TRAILING_WINDOWS; i++) this.ring.push(new RunStats());
    const done = new Promise<RunSummary>((resolve) => (this.resolveDone = resolve));
    this.handle = {
      runId: this.runId,
      done,
      stop: (reason = 'stopped', message) => this.stop(reason, message),
      setMultiplier: (m) => this.setMultiplier(m),
    };
    this.buildStages();
  }

  // ---- lifecycle -------------------------------------------------------------------------

  async begin(): Promise<void> {
    try {
      await this.setup();
    } catch (error) {
      const message = error instanceof RunConfigError ? error.message : `could not start the run: ${error instanceof Error ? error.message : String(error)}`;
      this.emitStart();
      this.log('error', message);
      this.endReason = 'error';
      this.endMessage = message;
      await this.finish();
      return;
    }
    const warm = this.plan.cacheExperiment?.warmup;
    let warmed: string | null = null;
    if (warm && this.phase === 'starting') {
      const rng = new SeededRandom(this.plan.seed).fork(9);
      const mixes = this.mixes.filter((m) => m.provider.type !== 'http');
      let i = 0;
      const r = await runWarmup(
        () => {
          const mix = mixes[i++ % Math.max(1, mixes.length)];
          return mix ? { target: mix.provider.target, body: mix.bodyHead + mix.maker.makeJson(rng) + mix.bodyTail, stream: mix.entry.stream } : null;
        },
        warm.rate,
        warm.durationMs,
        this.plan.resilience.timeouts,
        () => this.phase !== 'starting',
      );
      warmed = `cache warm-up: ${r.sent} requests in ${Math.round(warm.durationMs / 100) / 10}s before the run (${r.ok} ok), not counted${mixes.length < this.mixes.length ? '; http targets were not warmed' : ''}`;
    }
    if (this.phase !== 'starting') {
      // stop() arrived while providers were starting.
      this.emitStart();
      await this.finish();
      return;
    }
    this.phase = 'running';
    this.t0 = performance.now();
    this.startedAt = new Date();
    this.path?.startRun(this.t0);
    this.emitStart();
    if (this.phase !== 'running') return; // stopped from inside the start listener
    if (warmed) this.log('info', warmed);
    this.sweepTimer = setInterval(() => this.guarded(() => this.sweep()), SWEEP_MS);
    this.scheduleTick();
    if (this.plan.load.model === 'open') {
      this.nextArrival = this.computeNextArrival(0, true);
      this.pump();
    } else {
      this.controlUsers();
    }
    this.endTimer = setTimeout(() => this.guarded(() => this.shapeEnded()), this.plan.load.durationMs);
    const herd = this.plan.cacheExperiment?.herd;
    if (herd && herd.atMs < this.plan.load.durationMs) {
      const mock = this.providers.find((p) => p.type === 'mock');
      this.herd = new HerdProbe(mock ? mock.origin : null);
      const probe = this.herd;
      setTimeout(() => {
        if (this.phase !== 'running') return;
        const prompt = herdPromptJson(this.runId);
        this.log('info', `herd probe: ${herd.requests} identical requests at a cold key`);
        probe.fire(Math.round(this.now() / 100) / 10, herd.requests, () => this.guarded(() => this.phase === 'running' && this.launch(this.t0 + this.now(), this.stageIndexAt(this.now()), null, prompt)));
      }, herd.atMs).unref();
    }
  }

  private async setup(): Promise<void> {
    const plan = this.plan;
    if (plan.providers.length === 0) throw new RunConfigError('providers: the plan has no provider');
    if (plan.workload.mix.length === 0) throw new RunConfigError('workload.mix: the plan has no request mix');
    if (plan.load.segments.length === 0 || !(plan.load.durationMs > 0)) throw new RunConfigError('load.stages: the plan has no stage to run');
    const baseDir = this.options.baseDir ?? process.cwd();
    const filler = buildFillerText(new SeededRandom(plan.seed ^ 0x5eed));
    const makers = plan.workload.mix.map((entry, i) => new PromptMaker(entry, i, baseDir, filler));
    const env = this.options.env ?? process.env;
    // Each secret is asked for once, however many fields use it (the editor may prompt).
    const asked = new Map<string, Promise<string | undefined>>();
    const ask = this.options.resolveSecret;
    const resolveSecret = ask
      ? (name: string) => {
          let p = asked.get(name);
          if (!p) asked.set(name, (p = ask(name)));
          return p;
        }
      : undefined;
    const sources = { env, resolveSecret };
    // Resolve every reference before starting any server, so a missing one costs nothing.
    for (const [i, p] of plan.providers.entries()) {
      const field = `providers[${i}] (${p.id})`;
      if (p.type === 'openai') {
        await resolveTemplate(p.baseUrl, `${field}.baseUrl`, sources);
        if (p.apiKey) await resolveTemplate(p.apiKey, `${field}.apiKey`, sources);
      }
      for (const [name, value] of Object.entries(p.headers)) await resolveTemplate(value, `${field}.headers.${name}`, sources);
    }
    this.providers = await startProviders(plan, sources, plan.resilience.timeouts.totalMs);
    if (this.phase !== 'starting') return;
    const byId = new Map(this.providers.map((p) => [p.id, p]));
    let acc = 0;
    this.mixes = plan.workload.mix.map((entry, i) => {
      const provider = byId.get(entry.provider) ?? this.providers[0];
      const messagesHead = entry.system !== undefined ? `[${JSON.stringify({ role: 'system', content: entry.system })},{"role":"user","content":` : '[{"role":"user","content":';
      const streamPart = entry.stream ? ',"stream":true,"stream_options":{"include_usage":true}' : ',"stream":false';
      acc += entry.share;
      this.cumulativeShares.push(acc);
      return {
        entry,
        maker: makers[i],
        provider,
        bodyHead: `{"model":${JSON.stringify(provider.model)},"messages":${messagesHead}`,
        bodyTail: `}],"max_tokens":${Math.max(1, Math.floor(entry.maxTokens))}${streamPart}}`,
        systemTokens: entry.system !== undefined ? estimateTokens(entry.system) : 0,
      };
    });
    this.path = new RequestPath(plan, this.providers, () => this.now(), (level, message) => this.log(level, message), latestMonitorValue);
    const firstMock = this.providers.find((p) => p.type === 'mock');
    if (firstMock) this.scraper = new MetricsScraper(firstMock.origin);
    if (plan.monitors?.length) {
      const urls: string[] = [];
      for (const [i, m] of plan.monitors.entries()) urls.push(await resolveTemplate(m.url, `monitors[${i}].url`, sources));
      this.monitorSet = new MonitorSet(plan.monitors, urls, (message) => this.log('warn', message));
      await this.monitorSet.start();
    }
  }

  private buildStages(): void {
    const byIndex = new Map<number, StageInfo>();
    for (const s of this.plan.load.segments) {
      const cur = byIndex.get(s.stageIndex);
      if (!cur) byIndex.set(s.stageIndex, { name: s.stage, index: s.stageIndex, startMs: s.startMs, endMs: s.endMs });
      else {
        cur.startMs = Math.min(cur.startMs, s.startMs);
        cur.endMs = Math.max(cur.endMs, s.endMs);
      }
    }
    this.stages = [...byIndex.values()].sort((a, b) => a.index - b.index);
    const maxIndex = this.stages.reduce((m, s) => Math.max(m, s.index), -1);
    for (let i = 0; i <= maxIndex; i++) {
      this.stageStats.push(new RunStats([LAT_TTFT, LAT_E2E]));
      this.stageSent.push(0);
    }
  }

  private emitStart(): void {
    this.emit({
      type: 'start',
      runId: this.runId,
      scenario: this.plan.name,
      startedAt: this.startedAt.toISOString(),
      durationMs: this.plan.load.durationMs,
      loadModel: this.plan.load.model,
      stages: this.stages.map((s) => ({ ...s })),
      thresholds: this.plan.thresholds.map((t) => ({ id: t.id, source: t.source, metric: t.metric })),
      providers: this.providers.length
        ? this.providers.map((p) => ({ id: p.id, type: p.type, url: p.displayUrl }))
        : this.plan.providers.map((p) => ({ id: p.id, type: p.type, url: p.type === 'openai' ? p.baseUrl : p.type === 'mock' ? `embedded mock (${p.profile})` : '' })),
    });
  }

  private emit(event: RunEvent): void {
    try {
      this.emitRaw(event);
    } catch {
      // onEvent must not throw; a throwing listener must not take the run down with it.
    }
  }

  private log(level: LogEntry['level'], message: string): void {
    const t = this.t0 ? Math.round((performance.now() - this.t0) / 100) / 10 : 0;
    this.emit({ type: 'log', entry: { t, level, message } });
  }

  private stop(reason: 'stopped' | 'aborted', message?: string): void {
    if (this.phase === 'ending' || this.phase === 'ended') return;
    this.endReason = reason;
    this.endMessage = message;
    if (this.phase === 'starting') {
      this.phase = 'ending';
      return;
    }
    if (message) this.log(reason === 'aborted' ? 'warn' : 'info', message);
    void this.finish();
  }

  private setMultiplier(m: number): void {
    if (!Number.isFinite(m) || m < 0) return;
    this.multiplier = m;
    if (this.phase !== 'running') return;
    this.log('info', `load multiplier set to ${m}`);
    if (this.plan.load.model === 'open') {
      // Redraw the next arrival at the new rate; the process is memoryless, so nothing is lost.
      const now = this.now();
      this.nextArrival = this.computeNextArrival(now);
      this.armScheduler();
    } else this.controlUsers();
  }

  /** Runs a timer callback; an engine bug ends the run with endReason 'error' instead of
   * taking the process down. */
  private guarded(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      if (this.phase === 'ending' || this.phase === 'ended') return;
      this.endReason = 'error';
      this.endMessage = `engine failure: ${error instanceof Error ? error.message : String(error)}`;
      this.log('error', this.endMessage);
      void this.finish();
    }
  }

  private now(): number {
    return performance.now() - this.t0;
  }

  private shapeEnded(): void {
    this.endTimer = null;
    if (this.phase !== 'running') return;
    // Arrivals already due get their turn; what the runner still owes after that it could not
    // keep up with, and it is counted, never silently skipped.
    this.pumpArrivals();
    this.dropArrivalsStillDue();
    this.phase = 'draining';
    this.clearScheduler();
    if (this.closedTimer) clearTimeout(this.closedTimer);
    this.closedTimer = null;
    for (const u of this.users) this.retireUser(u);
    this.cancelRetryWaits('aborted');
    if (this.inFlight === 0) {
      void this.finish();
      return;
    }
    const grace = Math.min(this.plan.resilience.timeouts.totalMs, MAX_DRAIN_MS);
    this.log('info', `load shape finished; waiting up to ${Math.round(grace / 100) / 10}s for ${this.inFlight} requests in flight`);
    this.drainTimer = setTimeout(() => void this.finish(), grace);
  }

  private finish(): Promise<void> {
    if (!this.finishing) this.finishing = this.doFinish();
    return this.finishing;
  }

  private async doFinish(): Promise<void> {
    const wasRunning = this.t0 > 0;
    this.phase = 'ending';
    this.clearScheduler();
    for (const t of [this.endTimer, this.sweepTimer, this.tickTimer, this.closedTimer, this.drainTimer]) if (t) clearTimeout(t);
    this.endTimer = this.sweepTimer = this.tickTimer = this.closedTimer = this.drainTimer = null;
    for (const u of this.users) this.retireUser(u);
    this.cancelRetryWaits('aborted');
    // Leaks are read before the run's own aborts disconnect what is still in flight, after a
    // moment for the embedded mocks to see the last cancellations' disconnects.
    if (wasRunning && this.path) {
      if (this.path.settleDelayMs(this.whole) > 0) await new Promise((r) => setTimeout(r, this.path!.settleDelayMs(this.whole)));
      this.path.settle(this.now(), [this.window, this.whole]);
    }
    for (const a of this.active.toArray()) a.abort('aborted', 'the run ended before the response finished');
    // The herd probe's second counter read may still be on its way (bounded wait).
    if (this.herd) await this.herd.settle();
    let summary: RunSummary;
    try {
      if (wasRunning) {
        const elapsed = this.now();
        if (elapsed - this.ticks * 1000 > 50 || this.ticks === 0) this.tick(true);
        else this.mergeWindowLatency();
      }
      summary = withAnalysis(this.buildSummary(), this.plan, this.tickLog);
      if (this.herd?.state) summary = withHerd(summary, herdResult(this.herd.state, this.tickLog), this.tickLog);
    } catch (error) {
      this.endReason = 'error';
      this.endMessage = `engine failure: ${error instanceof Error ? error.message : String(error)}`;
      summary = this.minimalSummary();
    }
    await Promise.all([...this.providers.map((p) => p.close()), this.scraper?.close(), this.monitorSet?.close()]).catch(() => undefined);
    this.phase = 'ended';
    this.emit({ type: 'done', summary });
    this.resolveDone(summary);
  }

  // ---- open model ------------------------------------------------------------------------

  /**
   * Next intended arrival after `fromMs`: an exponential (Poisson) or unit (uniform) amount of
   * "work" consumed against the rate curve in 50 ms steps, so rate changes between arrivals
   * (ramps, a spike starting) take effect at the right moment. null past the end of the shape.
   */
  private computeNextArrival(fromMs: number, first = false): number | null {
    const load = this.plan.load;
    // Uniform spacing starts with an arrival as soon as the rate is positive, so a stage of
    // d seconds at r/s gets r x d arrivals, not one fewer.
    let need = load.arrival === 'poisson' ? this.rngArrivals.exponential() : first ? 0 : 1;
    let t = fromMs;
    const end = load.durationMs;
    while (t < end) {
      const rate = levelAt(load, t) * this.multiplier;
      const stepEnd = Math.min(end, Math.floor(t / 50) * 50 + 50);
      const have = (rate * (stepEnd - t)) / 1000;
      if (rate > 0 && have >= need) {
        const at = need === 0 ? t : t + (need / rate) * 1000;
        // A nanosecond of slack, so float residue of the step sums cannot add a last arrival.
        return at < end - 1e-6 ? at : null;
      }
      need -= have;
      t = stepEnd;
    }
    return null;
  }

  /** At the end of the load shape: arrivals whose time has come but that were never sent
   * (the runner fell behind its schedule) count as dropped, in the stage of the oldest. */
  private dropArrivalsStillDue(): void {
    const first = this.nextArrival;
    if (first === null) return;
    const load = this.plan.load;
    // The next arrival, then the expected count of the rest: exact for uniform spacing, the
    // mean for Poisson. Walked in the same 50 ms steps as computeNextArrival, never one by one.
    let expected = 0;
    for (let t = first; t < load.durationMs; ) {
      const stepEnd = Math.min(load.durationMs, Math.floor(t / 50) * 50 + 50);
      expected += (levelAt(load, t) * this.multiplier * (stepEnd - t)) / 1000;
      t = stepEnd;
    }
    const owed = 1 + Math.floor(expected);
    this.nextArrival = null;
    this.window.dropped += owed;
    this.whole.dropped += owed;
    this.stageStats[this.stageIndexAt(first)].dropped += owed;
    const lagS = Math.round((this.now() - first) / 100) / 10;
    this.log('warn', `the runner fell behind its schedule: ${owed} arrivals due by the end of the load shape were never sent (counted as dropped; the oldest was ${lagS}s late). The client machine could not generate this rate: lower it or spread the load over more runners`);
  }

  private readonly pump = (): void => this.guarded(this.pumpArrivals);

  private readonly pumpArrivals = (): void => {
    this.schedTimer = null;
    this.schedImmediate = null;
    if (this.phase !== 'running') return;
    const now = this.now();
    let n = 0;
    while (this.nextArrival !== null && this.nextArrival <= now) {
      const intended = this.nextArrival;
      this.launch(this.t0 + intended, this.stageIndexAt(intended), null);
      this.nextArrival = this.computeNextArrival(intended);
      if (++n >= MAX_BATCH) {
        this.schedImmediate = setImmediate(this.pump);
        return;
      }
    }
    this.armScheduler();
  };

  private armScheduler(): void {
    this.clearScheduler();
    if (this.nextArrival === null || this.phase !== 'running') return;
    const delay = this.nextArrival - this.now();
    if (delay <= 0) this.schedImmediate = setImmediate(this.pump);
    else this.schedTimer = setTimeout(this.pump, delay);
  }

  private clearScheduler(): void {
    if (this.schedTimer) clearTimeout(this.schedTimer);
    if (this.schedImmediate) clearImmediate(this.schedImmediate);
    this.schedTimer = null;
    this.schedImmediate = null;
  }

  private stageIndexAt(tMs: number): number {
    const seg = segmentAt(this.plan.load, Math.min(tMs, this.plan.load.durationMs - 1));
    return seg ? seg.stageIndex : Math.max(0, this.stages.length - 1);
  }

  // ---- closed model ----------------------------------------------------------------------

  private controlUsers(): void {
    if (this.closedTimer) clearTimeout(this.closedTimer);
    this.closedTimer = null;
    if (this.phase !== 'running') return;
    const target = Math.max(0, Math.round(levelAt(this.plan.load, this.now()) * this.multiplier));
    let activeUsers = this.users.length;
    while (activeUsers < target) {
      const user: ClosedUser = { retired: false, timer: null };
      this.users.push(user);
      activeUsers++;
      this.userNext(user, 0);
    }
    while (activeUsers > target) {
      const user = this.users.pop()!;
      this.retireUser(user);
      activeUsers--;
    }
    this.closedTimer = setTimeout(() => this.guarded(() => this.controlUsers()), CLOSED_CONTROL_MS);
  }

  private retireUser(user: ClosedUser): void {
    user.retired = true;
    if (user.timer) clearTimeout(user.timer);
    user.timer = null;
  }

  private userNext(user: ClosedUser, thinkMs: number): void {
    if (thinkMs <= 0) {
      // No think time: the next request goes out on the next turn of the event loop (never
      // synchronously from inside the previous response's callbacks).
      setImmediate(this.userFireGuarded, user);
      return;
    }
    user.timer = setTimeout(() => {
      user.timer = null;
      this.guarded(() => this.userFire(user));
    }, thinkMs);
  }

  private readonly userFireGuarded = (user: ClosedUser): void => {
    try {
      this.userFire(user);
    } catch (error) {
      this.guarded(() => {
        throw error;
      });
    }
  };

  private userFire(user: ClosedUser): void {
    if (user.retired || this.phase !== 'running') return;
    const now = this.now();
    this.launch(this.t0 + now, this.stageIndexAt(now), user);
  }

  /** `answered`: the last attempt got a response from the network (so the user's loop cannot
   * spin without yielding to I/O). */
  private userDone(user: ClosedUser, answered: boolean): void {
    if (user.retired || this.phase !== 'running') return;
    const load = this.plan.load;
    const think = load.thinkTimeMaxMs > load.thinkTimeMinMs ? this.rngThink.uniform(load.thinkTimeMinMs, load.thinkTimeMaxMs) : load.thinkTimeMinMs;
    if (think <= 0 && answered) {
      // Right after the response's callbacks return, still before the next I/O: no Immediate
      // per request. A failure without a response (refused, a synchronous error) goes through
      // setImmediate instead, so a failing user cannot starve the event loop.
      queueMicrotask(() => this.userFireGuarded(user));
      return;
    }
    this.userNext(user, think);
  }

  // ---- requests --------------------------------------------------------------------------

  private pickMix(): MixRuntime {
    if (this.mixes.length === 1) return this.mixes[0];
    const r = this.rngMix.next() * this.cumulativeShares[this.cumulativeShares.length - 1];
    for (let i = 0; i < this.mixes.length; i++) if (r < this.cumulativeShares[i]) return this.mixes[i];
    return this.mixes[this.mixes.length - 1];
  }

  private launch(intendedAt: number, stageIndex: number, user: ClosedUser | null, herdPrompt?: string): void {
    if (user === null && this.inFlight >= this.plan.load.maxInFlight) {
      this.window.dropped++;
      this.whole.dropped++;
      this.stageStats[stageIndex].dropped++;
      if (!this.loggedKinds.has('dropped')) {
        this.loggedKinds.add('dropped');
        this.log('warn', `arrivals dropped: ${this.plan.load.maxInFlight} requests already in flight (load.maxInFlight)`);
      }
      return;
    }
    const mix = this.pickMix();
    const promptJson = herdPrompt ?? mix.maker.makeJson(this.rngPrompt);
    const c = this.plan.workload.cancellations;
    let cancelAfterMs = -1;
    if (mix.entry.stream && c.fraction > 0 && this.rngCancel.next() < c.fraction) {
      cancelAfterMs = c.afterMaxMs > c.afterMinMs ? this.rngCancel.uniform(c.afterMinMs, c.afterMaxMs) : c.afterMinMs;
    }
    const body = mix.bodyHead + promptJson + mix.bodyTail;
    const req: Request = {
      mix,
      entry: mix.entry,
      home: mix.provider,
      promptJson,
      row: mix.maker.lastRow,
      homeBody: body,
      lastProviderIndex: -1,
      agent: this.path!.newAgentTask(mix.entry, promptJson),
      preCancelLevel: cancelAfterMs >= 0 ? this.path!.levelBeforeSend() : null,
      stageIndex,
      intendedAt,
      body,
      promptTokens: mix.maker.lastTokens + mix.systemTokens,
      cancelAfterMs,
      attempts: 0,
      firstSendAt: 0,
      ttftRecorded: false,
      provider: mix.provider,
      user,
      retryTimer: null,
      slot: -1,
    };
    this.inFlight++;
    this.window.sent++;
    this.whole.sent++;
    this.stageStats[stageIndex].sent++;
    this.stageSent[stageIndex]++;
    this.sendAttempt(req);
  }

  private sendAttempt(req: Request): void {
    req.attempts++;
    const timeouts = this.plan.resilience.timeouts;
    const pick = this.path!.pick(req);
    req.provider = pick.provider;
    const a = new Attempt(req.provider.target, this.path!.body(req, req.provider), req.mix.entry.stream, this, timeouts.ttftMs, timeouts.totalMs, req.cancelAfterMs);
    a.owner = req;
    this.path!.prepare(a, req, pick);
    req.lastProviderIndex = req.provider.index;
    this.active.add(a);
    this.queued++;
    this.window.attempts++;
    this.whole.attempts++;
    this.stageStats[req.stageIndex].attempts++;
    a.start();
    this.noteDeadlines(a);
  }

  itl(ms: number): void {
    recordMs(this.window.latency[LAT_ITL]!, ms);
    this.window.arrivedTokens++;
  }

  started(a: Attempt): void {
    this.queued--;
    this.noteDeadlines(a);
    const req = a.owner as Request;
    if (req.firstSendAt === 0) {
      req.firstSendAt = a.sendAt;
      const lag = a.sendAt - req.intendedAt;
      recordMs(this.window.latency[LAT_SCHEDULE_LAG]!, lag);
    }
  }

  /** TTFT from the request's first send (retries included), recorded when the token arrives so
   * the live series shows it in that second rather than when a long stream ends. */
  firstToken(a: Attempt): void {
    this.window.arrivedTokens++;
    const req = a.owner as Request;
    if (req.ttftRecorded) return;
    req.ttftRecorded = true;
    const ttft = a.firstTokenAt - (req.firstSendAt || a.sendAt);
    recordMs(this.window.latency[LAT_TTFT]!, ttft);
    recordMs(this.stageStats[req.stageIndex].latency[LAT_TTFT]!, ttft);
  }

  finished(a: Attempt): void {
    this.active.delete(a);
    if (a.sendAt === 0) this.queued--;
    const req = a.owner as Request;
    if (a.outcome !== 'ok') this.logFirst(a);
    this.path!.attemptFinished(a, req.provider, this.spansOf(req.stageIndex));
    if (a.outcome === 'canceled') this.path!.canceled(req.preCancelLevel, this.now());
    if (a.outcome === 'ok' || a.outcome === 'canceled') this.window.arrivedTokens += outputTokensOf(a) - a.streamedTokens;
    if (req.agent && a.outcome === 'ok' && (this.phase === 'running' || this.phase === 'draining')) {
      const t = this.attemptTokens(req, a);
      const delay = this.path!.agentNext(req.agent, a, t.input, t.cached, t.output, t.cost, t.usage, this.rngTools);
      if (delay >= 0) {
        // The tools' simulated latency, then the next model call of the same task.
        this.retryWaits.add(req);
        req.retryTimer = setTimeout(() => {
          req.retryTimer = null;
          this.retryWaits.delete(req);
          this.guarded(() => this.sendAttempt(req));
        }, delay);
        return;
      }
    }
    const retries = this.plan.resilience.retries;
    if (a.outcome !== 'ok' && isRetryable(retries, a.outcome) && (this.phase === 'running' || this.phase === 'draining')) {
      if (req.attempts <= retries.max) {
        const delay = retryDelayMs(retries, req.attempts, a.retryAfter, this.rngRetry);
        this.retryWaits.add(req);
        req.retryTimer = setTimeout(() => {
          req.retryTimer = null;
          this.retryWaits.delete(req);
          this.sendAttempt(req);
        }, delay);
        return;
      }
      if (retries.max > 0 && !this.loggedKinds.has(`giveup:${a.outcome}`)) {
        this.loggedKinds.add(`giveup:${a.outcome}`);
        this.log('warn', `retries exhausted: a request failed ${req.attempts} times (last: ${a.outcome})`);
      }
    }
    this.complete(req, a);
  }

  /** The spans a request counts into: this second, the run, its stage. One array reused for
   * every call (its readers only iterate it), so finishing a request allocates none. */
  private spansOf(stageIndex: number): readonly RunStats[] {
    const s = this.spanScratch;
    s[0] = this.window;
    s[1] = this.whole;
    s[2] = this.stageStats[stageIndex];
    return s;
  }

  private cancelRetryWaits(outcome: 'aborted'): void {
    for (const req of this.retryWaits.toArray()) {
      if (req.retryTimer) clearTimeout(req.retryTimer);
      req.retryTimer = null;
      this.retryWaits.delete(req);
      this.completeWith(req, outcome);
    }
  }

  private logFirst(a: Attempt): void {
    if (this.loggedKinds.has(a.outcome)) return;
    this.loggedKinds.add(a.outcome);
    if (a.outcome === 'aborted') return;
    const level = a.outcome === 'canceled' ? 'info' : 'warn';
    const what = a.outcome === 'canceled' ? 'first cancellation' : `first ${a.outcome}`;
    this.log(level, `${what}${a.detail ? `: ${a.detail}` : ''}`);
  }

  private completeWith(req: Request, outcome: 'aborted'): void {
    this.inFlight--;
    const idx = OUTCOME_INDEX[outcome];
    for (const s of [this.window, this.whole, this.stageStats[req.stageIndex]]) {
      s.finished++;
      s.outcomes[idx]++;
    }
  }

  private complete(req: Request, a: Attempt): void {
    this.inFlight--;
    const outcome = a.outcome;
    const idx = OUTCOME_INDEX[outcome];
    const stage = this.stageStats[req.stageIndex];
    const w = this.window;
    const all = this.whole;
    w.finished++;
    all.finished++;
    stage.finished++;
    w.outcomes[idx]++;
    all.outcomes[idx]++;
    stage.outcomes[idx]++;
    const delivered = outcome === 'ok' || outcome === 'canceled';
    if (delivered) {
      const sendAt = req.firstSendAt || a.sendAt;
      if (outcome === 'ok') {
        const e2e = a.endAt - sendAt;
        recordMs(w.latency[LAT_E2E]!, e2e);
        recordMs(stage.latency[LAT_E2E]!, e2e);
        recordMs(w.latency[LAT_E2E_INTENDED]!, a.endAt - req.intendedAt);
        if (a.stream && a.tokens > 1) recordMs(w.latency[LAT_TPOT]!, (a.lastTokenAt - a.firstTokenAt) / (a.tokens - 1));
      }
      let { output, input, cached, usage, cost } = this.attemptTokens(req, a);
      const task = req.agent;
      if (task) {
        if (outcome === 'ok') this.path!.agentDone(task, req.attempts, input + output, cost, this.spansOf(req.stageIndex));
        output += task.outputTokens;
        input += task.inputTokens;
        cached += task.cachedTokens;
        cost += task.cost;
        usage &&= task.usage;
      }
      addTokens(w, output, input, cached, a.usagePrompt >= 0, usage, cost);
      addTokens(all, output, input, cached, a.usagePrompt >= 0, usage, cost);
      addTokens(stage, output, input, cached, a.usagePrompt >= 0, usage, cost);
    }
    if (req.user) this.userDone(req.user, a.hasHeaders);
    if (this.phase === 'draining' && this.inFlight === 0) void this.finish();
  }

  /** Tokens and cost of one attempt: the server's usage (or an http target's extraction
   * rules) when given, else counted and estimated. */
  private attemptTokens(req: Request, a: Attempt): { output: number; input: number; cached: number; usage: boolean; cost: number } {
    const usage = a.usageCompletion >= 0;
    const output = outputTokensOf(a);
    const input = a.usagePrompt >= 0 ? a.usagePrompt : req.promptTokens;
    const cached = a.usagePrompt >= 0 ? Math.min(a.usageCached, input) : 0;
    const p = req.provider.pricing;
    const cost = a.extractedCost >= 0 ? a.extractedCost : ((input - cached) * p.input + cached * p.cachedInput + output * p.output) / 1e6;
    return { output, input, cached, usage, cost };
  }

  // ---- timers: deadlines and ticks -------------------------------------------------------

  /** Deadlines are set at dispatch and moved at send (TTFT, cancellation, total from send). */
  private noteDeadlines(a: Attempt): void {
    const d = a.nextDeadline();
    if (d < this.nextDeadline) this.nextDeadline = d;
  }

  /** One interval enforces every attempt's TTFT, total and cancellation deadline. Between
   * deadlines it returns at once: thousands of long streams are not walked 50 times a second. */
  private sweep(): void {
    if (this.active.size === 0) return;
    const now = performance.now();
    if (now < this.nextDeadline) return;
    let next = Infinity;
    this.nextDeadline = Infinity;
    this.active.forEachRemovable((a) => {
      if (now >= a.cancelAt) a.abort('canceled', 'canceled by the scenario (workload.cancellations)');
      else if (a.firstTokenAt === 0 && now >= a.ttftDeadline) a.abort('timeout', `no first token within ${this.plan.resilience.timeouts.ttftMs} ms (resilience.timeouts.ttft)`);
      else if (now >= a.totalDeadline) a.abort('timeout', `not finished within ${this.plan.resilience.timeouts.totalMs} ms (resilience.timeouts.total)`);
      else next = Math.min(next, a.nextDeadline());
    });
    if (next < this.nextDeadline) this.nextDeadline = next;
  }

  private scheduleTick(): void {
    const due = this.t0 + (this.ticks + 1) * 1000;
    this.tickTimer = setTimeout(() => {
      this.tickTimer = null;
      if (this.phase !== 'running' && this.phase !== 'draining') return;
      this.guarded(() => this.tick(false));
      if (this.phase === 'running' || this.phase === 'draining') this.scheduleTick();
    }, Math.max(0, due - performance.now()));
  }

  private tick(final: boolean): void {
    const elapsedMs = this.now();
    this.ticks++;
    const t = this.ticks;
    const windowStart = (t - 1) * 1000;
    const windowEnd = final ? Math.max(elapsedMs, windowStart + 1) : t * 1000;
    const seconds = final ? Math.max(0.001, (elapsedMs - this.lastTickAt) / 1000) : 1;
    this.lastTickAt = elapsedMs;
    const w = this.window;
    const load = this.plan.load;
    // Stage and target at the end of the window (on the nominal clock, so timer jitter cannot
    // push the last second of the shape past its end).
    const at = Math.max(0, Math.min(windowEnd, load.durationMs) - 0.001);
    const stageIndex = this.stageIndexAt(at);
    const stage = this.stages.find((s) => s.index === stageIndex);
    const inShape = windowStart < load.durationMs;
    const targetLevel = inShape ? levelAt(load, at) * this.multiplier : 0;
    if (stageIndex !== this.lastStageIndex && inShape) {
      if (this.lastStageIndex >= 0 || stageIndex > 0) this.log('info', `stage ${stage?.name ?? stageIndex} started (target ${Math.round(targetLevel * 10) / 10}${load.model === 'open' ? '/s' : ' users'})`);
      this.lastStageIndex = stageIndex;
    }
    const sentRate = w.sent / seconds;
    this.recentSentRates.push(sentRate);
    if (this.recentSentRates.length > ACHIEVED_RATE_SECONDS) this.recentSentRates.shift();
    const achievedRate = this.recentSentRates.reduce((a, b) => a + b, 0) / this.recentSentRates.length;
    this.peakTarget = Math.max(this.peakTarget, targetLevel);
    this.peakAchieved = Math.max(this.peakAchieved, achievedRate);

    this.path?.pollLeaks(elapsedMs, [w, this.whole]);
    this.mergeWindowLatency();
    // Trailing window for live thresholds: this second and up to nine before it.
    this.ring[this.ringNext].reset();
    const recycled = this.ring[this.ringNext];
    this.ring[this.ringNext] = w;
    this.ringNext = (this.ringNext + 1) % TRAILING_WINDOWS;
    const recent = this.evaluateLive(t, stage?.name ?? '', targetLevel, achievedRate, Math.min(t, TRAILING_WINDOWS));

    const scraped = this.scraper?.latest ?? { queueDepth: null, kvCacheUsage: null };
    this.scraper?.scrape();
    const monitors = this.monitorSet?.values();
    // A monitor series named queueDepth / kvCacheUsage wins over the mock's own /metrics.
    const gauges = { queueDepth: monitors?.queueDepth ?? scraped.queueDepth, kvCacheUsage: monitors?.kvCacheUsage ?? scraped.kvCacheUsage };
    const point: TickPoint = {
      t,
      stage: stage?.name ?? '',
      stageIndex,
      targetLevel,
      multiplier: this.multiplier,
      sentRate,
      achievedRate,
      completedRate: w.finished / seconds,
      inFlight: this.inFlight,
      backlog: this.queued + (this.nextArrival !== null && this.nextArrival < elapsedMs ? 1 : 0),
      dropped: w.dropped,
      outcomes: w.outcomeCounts(),
      attempts: w.attempts,
      ttft: percentilesOf(w.latency[LAT_TTFT]!),
      itl: percentilesOf(w.latency[LAT_ITL]!),
      e2e: percentilesOf(w.latency[LAT_E2E]!),
      e2eIntended: percentilesOf(w.latency[LAT_E2E_INTENDED]!),
      scheduleLag: percentilesOf(w.latency[LAT_SCHEDULE_LAG]!),
      tokensPerSecond: Math.max(0, w.arrivedTokens) / seconds,
      inputTokens: w.inputTokens,
      outputTokens: w.outputTokens,
      cacheHitRate: w.cacheKnownInput > 0 ? w.cachedTokens / w.cacheKnownInput : null,
      cost: w.cost,
      costCumulative: this.whole.cost,
      queueDepth: gauges.queueDepth,
      kvCacheUsage: gauges.kvCacheUsage,
      thresholds: this.thresholdStates.map((s) => ({ ...s, firstBreach: s.firstBreach ? { ...s.firstBreach } : null })),
      recent,
    };
    if (monitors) point.monitors = monitors;
    if (this.path) Object.assign(point, this.path.tickFields(w, point.queueDepth !== null));
    this.window = recycled;
    this.tickLog.push(point);
    this.emit({ type: 'tick', point });
    if (!final) this.checkBudget();
  }

  /** The whole run's latency histograms get each second's values here, once per tick, rather
   * than one record per value: add() of same-shaped histograms sums the counts bucket by
   * bucket, so the whole-run percentiles are exactly those of recording every value twice. A
   * window is merged once: right before it is recycled, or at the end for the last partial
   * second that gets no tick of its own. */
  private mergeWindowLatency(): void {
    const w = this.window;
    for (let i = 0; i < w.latency.length; i++) this.whole.addLatency(w, i);
  }

  /** Judges the thresholds on the trailing window and returns its figures for the tick (the
   * status bar, the panel and the CLI show them as "last 10 s", the same window the
   * thresholds' live values are taken over). */
  private evaluateLive(t: number, stage: string, targetLevel: number, achievedRate: number, windows: number): NonNullable<TickPoint['recent']> {
    const tr = this.trailing;
    tr.reset();
    for (let i = 0; i < TRAILING_WINDOWS; i++) {
      tr.addCounters(this.ring[i]);
      tr.addLatency(this.ring[i], LAT_TTFT);
      for (const li of this.latencyWanted) if (li !== LAT_TTFT) tr.addLatency(this.ring[i], li);
    }
    const judged = tr.judged();
    const recent = { seconds: windows, ttftP95: percentilesOf(tr.latency[LAT_TTFT]!).p95, errorRate: judged > 0 ? tr.errors() / judged : null };
    if (this.plan.thresholds.length === 0) return recent;
    const live = metricValues(tr, windows, this.latencyWanted);
    const total = metricValues(this.whole, Math.max(0.001, this.now() / 1000), new Set<number>());
    const newly = judge(
      this.plan.thresholds,
      this.thresholdStates,
      (th) => (isCumulativeMetric(th.metric) ? total[th.metric] : live[th.metric]) ?? null,
      (value): Breach => ({ t, stage, targetLevel, achievedRate, value }),
    );
    for (const th of newly) this.onBreach(th);
    return recent;
  }

  private onBreach(th: PlanThreshold): void {
    const s = this.thresholdStates.find((x) => x.id === th.id)!;
    this.log('warn', `threshold ${th.source} breached at ${s.firstBreach!.t}s: ${formatMetricValue(th.metric, s.value)} (${isCumulativeMetric(th.metric) ? WINDOW.soFar : WINDOW.recent})`);
    if (th.abortOnFail && this.phase === 'running') this.stop('aborted', `threshold ${th.source} failed (abortOnFail)`);
    else if (this.plan.breakingPoint && this.phase === 'running') {
      // The search is over: end as completed once this tick has been emitted.
      this.endMessage = `breaking point found: ${th.source} broke at ${Math.round(s.firstBreach!.targetLevel * 100) / 100}/s`;
      this.log('info', this.endMessage);
      setImmediate(() => {
        if (this.phase === 'running') void this.finish();
      });
    }
  }

  private checkBudget(): void {
    const budget = this.plan.budget;
    if (!budget || this.whole.cost <= budget.maxCostUsd) return;
    const message = `budget exceeded: $${this.whole.cost.toFixed(4)} spent, budget.maxCostUsd is $${budget.maxCostUsd}`;
    if (budget.onExceed === 'abort') {
      if (this.phase === 'running' || this.phase === 'draining') this.stop('aborted', message);
    } else if (!this.budgetWarned) {
      this.budgetWarned = true;
      this.log('warn', message);
    }
  }

  // ---- summary ---------------------------------------------------------------------------

  private buildSummary(): RunSummary {
    const all = this.whole;
    const durationMs = this.t0 ? this.now() : 0;
    const seconds = Math.max(0.001, durationMs / 1000);
    const metrics = metricValues(all, seconds);
    // Failover, agents, degradation and verified cancellations; also fills their metrics.
    const pathFields = this.path ? this.path.summaryFields(all, metrics, this.stageStats) : {};
    // Final pass/fail is judged on the whole run; first breaches found live are kept.
    judge(this.plan.thresholds, this.thresholdStates, (th) => metrics[th.metric] ?? null, () => null);
    const stages: StageSummary[] = this.stages.map((st) => {
      const s = this.stageStats[st.index];
      const ranMs = Math.max(0, Math.min(st.endMs, durationMs) - st.startMs);
      const judged = s.judged();
      return {
        name: st.name,
        index: st.index,
        startMs: st.startMs,
        endMs: st.endMs,
        requests: s.finished,
        outcomes: s.outcomeCounts(),
        ttft: percentilesOf(s.latency[LAT_TTFT]!),
        e2e: percentilesOf(s.latency[LAT_E2E]!),
        cost: s.cost,
        costPerRequest: judged > 0 ? s.cost / judged : null,
        achievedRate: ranMs > 0 ? this.stageSent[st.index] / (ranMs / 1000) : 0,
      };
    });
    const method = all.usageRequests > 0 && all.countedRequests > 0 ? 'mixed' : all.usageRequests > 0 ? 'usage' : all.countedRequests > 0 ? 'counted' : 'none';
    const thresholds = this.thresholdStates.map((s) => ({ ...s }));
    const verdict = buildVerdict(thresholds, { model: this.plan.load.model, endReason: this.endReason, endMessage: this.endMessage, peakTarget: this.peakTarget, peakAchieved: this.peakAchieved, outcomes: all.outcomeCounts() });
    const judged = all.judged();
    return {
      runId: this.runId,
      scenario: this.plan.name,
      startedAt: this.startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      durationMs: Math.round(durationMs),
      endReason: this.endReason,
      ...(this.endMessage ? { endMessage: this.endMessage } : {}),
      requests: { total: all.finished, sent: all.sent, dropped: all.dropped, attempts: all.attempts, rate: all.sent / seconds },
      outcomes: all.outcomeCounts(),
      ttft: percentilesOf(all.latency[LAT_TTFT]!),
      itl: percentilesOf(all.latency[LAT_ITL]!),
      e2e: percentilesOf(all.latency[LAT_E2E]!),
      e2eIntended: percentilesOf(all.latency[LAT_E2E_INTENDED]!),
      scheduleLag: percentilesOf(all.latency[LAT_SCHEDULE_LAG]!),
      tpot: percentilesOf(all.latency[LAT_TPOT]!),
      tokens: { input: all.inputTokens, cachedInput: all.cachedTokens, output: all.outputTokens, perSecond: all.outputTokens / seconds, method },
      cost: { total: all.cost, perRequest: judged > 0 ? all.cost / judged : null },
      cacheHitRate: all.cacheKnownInput > 0 ? all.cachedTokens / all.cacheKnownInput : null,
      stages,
      thresholds,
      ...pathFields,
      metrics: Object.fromEntries(METRIC_KEYS.map((k) => [k, metrics[k] ?? null])),
      verdict,
    };
  }

  /** Used only if building the full summary itself failed: every field, no measurements. */
  private minimalSummary(): RunSummary {
    const empty = percentilesOf(new RunStats([LAT_TTFT]).latency[LAT_TTFT]!);
    const outcomes = this.whole.outcomeCounts();
    return {
      runId: this.runId,
      scenario: this.plan.name,
      startedAt: this.startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      durationMs: this.t0 ? Math.round(this.now()) : 0,
      endReason: 'error',
      endMessage: this.endMessage,
      requests: { total: this.whole.finished, sent: this.whole.sent, dropped: this.whole.dropped, attempts: this.whole.attempts, rate: 0 },
      outcomes,
      ttft: empty,
      itl: empty,
      e2e: empty,
      e2eIntended: empty,
      scheduleLag: empty,
      tpot: empty,
      tokens: { input: 0, cachedInput: 0, output: 0, perSecond: 0, method: 'none' },
      cost: { total: this.whole.cost, perRequest: null },
      cacheHitRate: null,
      stages: [],
      thresholds: this.thresholdStates,
      metrics: Object.fromEntries(METRIC_KEYS.map((k) => [k, null])),
      verdict: { pass: false, headline: `ERROR — ${this.endMessage ?? 'engine failure'}`, firstBreach: null },
    };
  }
}
