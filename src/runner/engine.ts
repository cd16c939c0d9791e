// The run engine: startRun, and the run's lifecycle — set up (run-setup.ts), start the parts,
// stop, the end of the load shape, the drain, finish and the summary (run-summary.ts). The
// parts, each in its own file:
// - arrivals.ts: when requests go out (open model arrivals, closed model users);
//   replay-arrivals.ts, replay-load.ts: a replay's recorded arrivals, its trace read at setup;
// - request-flow.ts: each request's attempts (send, retries, agent steps, deadlines, complete);
// - run-sink.ts, stats-sink.ts: what is recorded, sample by sample — the local statistics are
//   one sink, RunOptions.sinks adds others;
// - run-windows.ts: one tick per second, the trailing windows, live thresholds, the budget.
//
// Measurement rules (DESIGN.md section 4), where the definitions leave a choice:
// - "send" is when undici writes the request to a socket, so time spent waiting for a pooled
//   connection counts as schedule lag, not as server latency (request-flow.ts, started);
// - a request's TTFT and E2E run from its first attempt's send (retries and their waits are
//   part of what the user feels); TTFT is recorded in the second the token arrives;
// - E2E, E2E-from-intended and TPOT are taken from requests that ended ok; TTFT also from
//   cancelled streams that got a token; ITL from every gap seen (request-flow.ts, complete);
// - rates over "finished requests" leave out aborted ones (stopped by the run, no verdict on
//   the target); cancellations are never errors (run-stats.ts);
// - when the load shape ends, requests waiting for a retry end with the failure they got, and
//   requests in flight get up to timeouts.total to finish (the drain; their own TTFT and total
//   deadlines end most sooner), so a server that never answers shows as timeouts, never as
//   requests the run gave up on; what is still in flight after that is aborted and counted as
//   unfinished (here, shapeEnded).
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { faultWindowsOf } from '../core/gateway-analysis';
import { segmentAt } from '../core/load-shape';
import type { ResolvedPlan } from '../core/plan';
import type { LogEntry, RunEvent, RunSummary, StageInfo } from '../protocol/run-events';
import { ClosedUsers, OpenArrivals } from './arrivals';
import { startCacheAB } from './cache-experiment';
import { HerdProbe, herdPromptJson, herdResult, withHerd } from './herd-probe';
import { RunConfigError } from './prompt-source';
import { timeoutOfAnyLength } from './long-timer';
import { ReplayArrivals } from './replay-arrivals';
import { loadReplay, type ReplaySession } from './replay-load';
import { ReplayPrompts } from './replay-prompt';
import { RequestFlow } from './request-flow';
import type { RunControl, RunPhase } from './run-control';
import type { RunHandle, RunOptions } from './run-options';
import { RunResources, setUpRun, stagesOf, warmUp, type SetupContext } from './run-setup';
import { SinkFanOut } from './run-sink';
import { buildSummary, minimalSummary, type SummaryInputs } from './run-summary';
import { RunWindows } from './run-windows';
import { SeededRandom } from './seeded-random';
import { StatsSink } from './stats-sink';
import { withAnalysis, type ClientFindings } from './summary-analysis';
import { clientLimitFindings } from './client-limits';

/** Stage statistics are indexed by stage index. */
function stageSlots(stages: readonly StageInfo[]): number {
  return stages.reduce((m, s) => Math.max(m, s.index), -1) + 1;
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

class Run implements RunControl {
  readonly handle: RunHandle;
  /** Replaced once at setup by a replay, whose trace fills in the load shape. */
  plan: ResolvedPlan;
  phase: RunPhase = 'starting';
  t0 = 0;
  multiplier = 1;
  private readonly runId: string;
  private readonly emitRaw: (e: RunEvent) => void;
  private resolveDone!: (s: RunSummary) => void;
  private endReason: RunSummary['endReason'] = 'completed';
  private endMessage: string | undefined;
  /** The run ended on a bug of Stampede's, not on configuration it could not use. */
  private internalError = false;
  private startedAt = new Date();
  private readonly stages: StageInfo[];

  private readonly res = new RunResources();
  private readonly stats: StatsSink;
  private readonly flow: RequestFlow;
  private open: OpenArrivals;
  private readonly users: ClosedUsers;
  private readonly rngArrivals: SeededRandom;
  private replay: ReplaySession | null = null;
  private readonly windows: RunWindows;
  private readonly setupContext: SetupContext;
  private herd: HerdProbe | null = null;
  private endTimer: { clear(): void } | null = null;
  private drainTimer: { clear(): void } | null = null;
  private finishing: Promise<void> | null = null;

  constructor(options: RunOptions) {
    this.plan = options.plan;
    this.runId = options.runId ?? `run-${this.startedAt.toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`;
    this.emitRaw = options.onEvent;
    // The order of the forks is part of the seed's meaning: each purpose keeps its stream.
    const root = new SeededRandom(this.plan.seed);
    const rngArrivals = (this.rngArrivals = root.fork(1));
    const rngMix = root.fork(2);
    const rngPrompt = root.fork(3);
    const rngCancel = root.fork(4);
    const rngRetry = root.fork(5);
    const rngThink = root.fork(6);
    const rngTools = root.fork(7);
    this.stages = stagesOf(this.plan.load);
    this.stats = new StatsSink(stageSlots(this.stages));
    const extra = options.sinks?.length ? new SinkFanOut(options.sinks, (error) => this.sinkFailed(error)) : null;
    this.flow = new RequestFlow(this, this.stats, extra, { mix: rngMix, prompt: rngPrompt, cancel: rngCancel, retry: rngRetry, tools: rngTools });
    this.open = new OpenArrivals(this, rngArrivals, this.flow);
    this.users = new ClosedUsers(this, rngThink, this.flow);
    this.windows = new RunWindows(this, this.stats, {
      stages: this.stages,
      resources: this.res,
      inFlight: () => this.flow.inFlight,
      backlog: (nowMs) => this.flow.queued + this.open.backlog(nowMs),
      clientWaiting: () => this.flow.takeClientWaiting(),
      emit: (event) => this.emit(event),
      breakingPointFound: (message) => this.breakingPointFound(message),
      tracePosition: (runMs) => this.replay?.position(runMs),
    });
    this.setupContext = {
      plan: this.plan,
      options,
      stillStarting: () => this.phase === 'starting',
      now: () => this.now(),
      log: (level, message) => this.log(level, message),
    };
    const done = new Promise<RunSummary>((resolve) => (this.resolveDone = resolve));
    this.handle = {
      runId: this.runId,
      done,
      stop: (reason = 'stopped', message) => this.stop(reason, message),
      setMultiplier: (m) => this.setMultiplier(m),
    };
  }

  // ---- starting --------------------------------------------------------------------------

  async begin(): Promise<void> {
    let warmed: string | null = null;
    try {
      if (this.plan.load.replay) await this.readTrace();
      await setUpRun(this.res, this.setupContext);
      if (this.phase === 'starting') {
        this.flow.ready(this.res.mixes, this.res.path!, this.res.providers);
        if (this.replay) this.open = new ReplayArrivals(this, this.rngArrivals, this.flow, this.replay, new ReplayPrompts(this.plan.seed, this.plan.load.replay!.blockTokens, this.res.filler));
      }
      warmed = await warmUp(this.res, this.setupContext);
    } catch (error) {
      const message = error instanceof RunConfigError ? error.message : `could not start the run: ${error instanceof Error ? error.message : String(error)}`;
      this.emitStart();
      this.log('error', message);
      this.endReason = 'error';
      this.endMessage = message;
      await this.finish();
      return;
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
    this.res.path!.startRun(this.t0);
    this.emitStart();
    if (this.phase !== 'running') return; // stopped from inside the start listener
    for (const warning of this.res.preflightWarnings) this.log('warn', warning);
    for (const line of this.res.upstreams?.describe() ?? []) this.log('info', line);
    if (warmed) this.log('info', warmed);
    this.flow.startDeadlines();
    this.windows.schedule();
    if (this.plan.load.model === 'open') this.open.start();
    else this.users.control();
    this.endTimer = timeoutOfAnyLength(() => this.guarded(() => this.shapeEnded()), this.plan.load.durationMs);
    this.scheduleHerdProbe();
  }

  /** load.model: replay: the trace gives the load shape — its stages and the recorded rate —
   * so the plan, the stages and the stage statistics are filled in before anything starts. */
  private async readTrace(): Promise<void> {
    const replay = (this.replay = await loadReplay(this.plan, this.setupContext.options.baseDir ?? process.cwd()));
    this.plan = this.setupContext.plan = replay.plan;
    this.stages.splice(0, this.stages.length, ...stagesOf(this.plan.load));
    this.stats.addStages(stageSlots(this.stages));
  }

  /** cacheExperiment.herd: identical requests at a cold key, fired at once at a set time. */
  private scheduleHerdProbe(): void {
    const herd = this.plan.cacheExperiment?.herd;
    if (!herd || herd.atMs >= this.plan.load.durationMs) return;
    const mock = this.res.providers.find((p) => p.type === 'mock');
    const probe = (this.herd = new HerdProbe(mock ? mock.origin : null));
    setTimeout(() => {
      if (this.phase !== 'running') return;
      const prompt = herdPromptJson(this.runId);
      this.log('info', `herd probe: ${herd.requests} identical requests at a cold key`);
      probe.fire(Math.round(this.now() / 100) / 10, herd.requests, () => this.guarded(() => this.phase === 'running' && this.flow.launch(this.t0 + this.now(), this.stageIndexAt(this.now()), null, prompt)));
    }, herd.atMs).unref();
  }

  private emitStart(): void {
    const providers = this.res.providers;
    this.emit({
      type: 'start',
      runId: this.runId,
      scenario: this.plan.name,
      startedAt: this.startedAt.toISOString(),
      durationMs: this.plan.load.durationMs,
      loadModel: this.plan.load.model,
      stages: this.stages.map((s) => ({ ...s })),
      thresholds: this.plan.thresholds.map((t) => ({ id: t.id, source: t.source, metric: t.metric })),
      providers: providers.length
        ? providers.map((p) => ({ id: p.id, type: p.type, url: p.displayUrl }))
        : this.plan.providers.map((p) => ({ id: p.id, type: p.type, url: p.type === 'mock' ? `embedded mock (${p.profile})` : p.type === 'http' ? '' : p.baseUrl })),
      ...(this.plan.gateway || this.plan.providers.some((p) => p.type === 'mock' && p.behaviour?.faults.length) ? { faultWindows: faultWindowsOf(this.plan) } : {}),
      ...(this.res.upstreams ? { upstreams: this.res.upstreams.truth.upstreams.map((u) => ({ name: u.name, url: u.url, target: u.target })) } : {}),
    });
  }

  // ---- what the parts use (RunControl) ---------------------------------------------------

  private emit(event: RunEvent): void {
    try {
      this.emitRaw(event);
    } catch {
      // onEvent must not throw; a throwing listener must not take the run down with it.
    }
  }

  log(level: LogEntry['level'], message: string): void {
    const t = this.t0 ? Math.round((performance.now() - this.t0) / 100) / 10 : 0;
    this.emit({ type: 'log', entry: { t, level, message } });
  }

  now(): number {
    return performance.now() - this.t0;
  }

  stageIndexAt(tMs: number): number {
    const seg = segmentAt(this.plan.load, Math.min(tMs, this.plan.load.durationMs - 1));
    return seg ? seg.stageIndex : Math.max(0, this.stages.length - 1);
  }

  /** Runs a timer callback; an engine bug ends the run with endReason 'error' instead of
   * taking the process down. */
  guarded(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.fail(`engine failure: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private fail(message: string): void {
    if (this.phase === 'ending' || this.phase === 'ended') return;
    this.endReason = 'error';
    this.endMessage = message;
    this.internalError = true;
    this.log('error', message);
    void this.finish();
  }

  private sinkFailed(error: unknown): void {
    this.fail(`a sink added to the run failed: ${error instanceof Error ? error.message : String(error)}`);
  }

  stop(reason: 'stopped' | 'aborted', message?: string): void {
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
    if (this.plan.load.replay) {
      this.log('warn', `a replay keeps the trace's own timing: the multiplier has no effect (scale the trace with load.rate, e.g. 3x)`);
      return;
    }
    this.multiplier = m;
    this.flow.followMultiplier(m);
    if (this.phase !== 'running') return;
    this.log('info', `load multiplier set to ${m}`);
    if (this.plan.load.model === 'open') this.open.redraw();
    else this.users.control();
  }

  /** breakingPoint mode: the search is over; end as completed once this tick has been emitted. */
  private breakingPointFound(message: string): void {
    this.endMessage = message;
    this.log('info', message);
    setImmediate(() => {
      if (this.phase === 'running') void this.finish();
    });
  }

  // ---- ending ----------------------------------------------------------------------------

  private shapeEnded(): void {
    this.endTimer = null;
    if (this.phase !== 'running') return;
    // Arrivals already due get their turn; what the runner still owes after that it could not
    // keep up with, and it is counted, never silently skipped.
    this.open.launchDue();
    this.open.dropOwed();
    this.phase = 'draining';
    this.open.stop();
    this.users.stop();
    this.flow.endRetryWaits();
    const inFlight = this.flow.inFlight;
    if (inFlight === 0) {
      void this.finish();
      return;
    }
    // Every attempt ends by its own deadlines within timeouts.total of its send; an agent
    // task's next model call may start in the drain, so the drain itself is bounded too.
    const grace = this.plan.resilience.timeouts.totalMs;
    this.log('info', `load shape finished; waiting up to ${Math.round(grace / 100) / 10}s (resilience.timeouts.total) for ${inFlight} requests in flight`);
    this.drainTimer = timeoutOfAnyLength(() => void this.finish(), grace);
  }

  finish(): Promise<void> {
    if (!this.finishing) this.finishing = this.doFinish();
    return this.finishing;
  }

  private async doFinish(): Promise<void> {
    const wasRunning = this.t0 > 0;
    this.phase = 'ending';
    this.open.stop();
    for (const t of [this.endTimer, this.drainTimer]) t?.clear();
    this.endTimer = this.drainTimer = null;
    this.flow.stopDeadlines();
    this.windows.stop();
    this.users.stop();
    this.flow.abortWaiting();
    // Leaks are read before the run's own aborts disconnect what is still in flight, after a
    // moment for the embedded mocks to see the last cancellations' disconnects.
    const path = this.res.path;
    if (wasRunning && path) {
      if (path.settleDelayMs(this.stats.whole) > 0) await new Promise((r) => setTimeout(r, path.settleDelayMs(this.stats.whole)));
      path.settle(this.now(), [this.stats.window, this.stats.whole]);
    }
    this.flow.abortInFlight();
    // The herd probe's second counter read may still be on its way (bounded wait).
    if (this.herd) await this.herd.settle();
    let summary: RunSummary;
    try {
      if (wasRunning) this.windows.finalTick();
      path?.stopCounting();
      summary = withAnalysis(buildSummary(this.summaryInputs()), this.plan, this.windows.tickLog, this.clientFindings());
      if (this.herd?.state) summary = withHerd(summary, herdResult(this.herd.state, this.windows.tickLog), this.windows.tickLog);
    } catch (error) {
      this.endReason = 'error';
      this.endMessage = `engine failure: ${error instanceof Error ? error.message : String(error)}`;
      this.internalError = true;
      summary = minimalSummary(this.summaryInputs());
    }
    if (this.internalError) summary = { ...summary, internalError: true };
    await this.res.close();
    this.phase = 'ended';
    this.emit({ type: 'done', summary });
    this.resolveDone(summary);
  }

  /** The network errors by code and phase, and the limits of Stampede itself that held. */
  private clientFindings(): ClientFindings {
    const whole = this.stats.whole;
    return {
      networkErrors: this.flow.clientErrors.summary(),
      limits: clientLimitFindings({
        plan: this.plan,
        ticks: this.windows.tickLog,
        log: this.flow.clientErrors,
        caps: this.flow.connectionCaps,
        capacity: this.res.capacity,
        sent: whole.sent,
        dropped: whole.dropped,
      }),
    };
  }

  private summaryInputs(): SummaryInputs {
    const w = this.windows;
    return {
      runId: this.runId,
      plan: this.plan,
      startedAt: this.startedAt,
      durationMs: this.t0 ? this.now() : 0,
      endReason: this.endReason,
      endMessage: this.endMessage,
      stats: this.stats,
      stages: this.stages,
      thresholdStates: w.thresholdStates,
      path: this.res.path,
      peakTarget: w.peakTarget,
      peakAchieved: w.peakAchieved,
    };
  }
}
