// Issue 4's request path, beside the engine: where each attempt goes (failover), what it sends
// (per-provider bodies, http templates, agent loops), what its response says (degradation
// level, cache hit, Server-Timing, http extraction rules) and whether cancelled streams really
// stopped (mock counters or a monitor). The request flow calls in at launch, send and finish,
// the run's windows at each tick, the summary at the end; all state lives here.
import type { PlanMixEntry, ResolvedPlan } from '../core/plan';
import type { AgentSummary, CancellationSummary, FailoverEvent, Percentiles, ProviderSummary, RunSummary, TickPoint } from '../protocol/run-events';
import { AgentTask, toolCallsOf } from './agent-loop';
import type { Attempt } from './attempt';
import { MockLeakCounter, MonitorCancellationCheck, type LatestMonitorValue } from './cancellation-check';
import { cacheHitFromHeader, degradationLevelOf, levelFromText, modelNameIn } from './degradation';
import { FailoverRouter } from './failover';
import { buildHttpBody, HttpExtractor, httpResponseReader } from './http-target';
import { percentilesOf, recordMs } from './latency-histogram';
import type { DataRow } from './prompt-source';
import type { ProviderRuntime } from './provider-runtime';
import { OUTCOME_INDEX, type RunStats } from './run-stats';
import type { SeededRandom } from './seeded-random';
import { chatAnswerFacts, failedCheck, prepareChecks } from './answer-check';
import type { UpstreamSet } from './upstreams';
import { longestOf } from '../core/gateway-analysis';

/** What the request path needs to know about one request. */
export interface PathRequest {
  entry: PlanMixEntry;
  /** The mix entry's own provider (failover starts there). */
  home: ProviderRuntime;
  /** The prompt as a JSON string literal, and the data row it came from. */
  promptJson: string;
  row: DataRow | undefined;
  /** The prebuilt chat body for `home` (used when nothing else applies). */
  homeBody: string;
  /** max_tokens of this request (drawn, or recorded in a replayed trace). */
  maxTokens: number;
  attempts: number;
  /** Provider index of the previous attempt (-1 before the first). */
  lastProviderIndex: number;
  agent: AgentTask | null;
  /** Monitor level before a request that will be cancelled was sent. */
  preCancelLevel: number | null;
  /** The gateway request id it carries (issue 12), set at its first attempt. */
  requestId?: string;
  /** Whether an upstream proxy saw its request id (counted once). */
  joined?: boolean;
}

export interface PathPick {
  readonly provider: ProviderRuntime;
  readonly probe: boolean;
}

export class RequestPath {
  readonly router: FailoverRouter | null;
  private readonly leaks: MockLeakCounter;
  private readonly monitorCheck: MonitorCancellationCheck | null;
  private readonly extractors = new Map<ProviderRuntime, HttpExtractor>();
  private readonly needModel: boolean;
  private readonly ids: string[];
  /** One pick per provider for the usual case without failover (no object per request). */
  private readonly homePicks: readonly PathPick[];

  /** Issue 12: the gateway's upstreams, and the prefix of this run's request ids. */
  private readonly idPrefix: string;
  private nextId = 0;

  constructor(
    private readonly plan: ResolvedPlan,
    private readonly providers: readonly ProviderRuntime[],
    private readonly now: () => number,
    log: (level: 'info' | 'warn', message: string) => void,
    latest: LatestMonitorValue,
    private readonly upstreams: UpstreamSet | null = null,
  ) {
    this.idPrefix = `${(plan.seed >>> 0).toString(36)}-${Date.now().toString(36)}-`;
    prepareChecks(plan.workload.mix.map((e) => e.expect));
    this.ids = providers.map((p) => p.id);
    this.homePicks = providers.map((provider) => ({ provider, probe: false }));
    const failover = plan.resilience.failover;
    this.router = failover && providers.length > 1 ? new FailoverRouter(this.ids, failover, now, log, (index, since) => scheduledRecovery(plan, index, since)) : null;
    this.leaks = new MockLeakCounter(providers.flatMap((p) => (p.mock ? [p.mock] : [])));
    const verify = plan.workload.cancellations.verify;
    this.monitorCheck = verify && !this.leaks.active ? new MonitorCancellationCheck(latest, verify.series, verify.withinMs) : null;
    for (const p of providers) {
      if (p.http) this.extractors.set(p, new HttpExtractor(p.http.extract, p.http.serverTimingEntry));
      else {
        const extract = plan.providers[p.index]?.extract;
        if (extract && Object.keys(extract).length > 0) this.extractors.set(p, new HttpExtractor(extract));
      }
    }
    this.needModel = plan.degradation?.models !== undefined;
  }

  /** Run time 0: the mocks' and the upstream proxies' fault schedules start now. */
  startRun(t0: number): void {
    for (const p of this.providers) p.mock?.setRunStart(t0);
    this.upstreams?.setRunStart(t0);
  }

  newAgentTask(entry: PlanMixEntry, promptJson: string): AgentTask | null {
    if (!entry.agent) return null;
    const first: string[] = [];
    if (entry.system !== undefined) first.push(JSON.stringify({ role: 'system', content: entry.system }));
    first.push(`{"role":"user","content":${promptJson}}`);
    return new AgentTask(entry.agent, first);
  }

  /** The provider of the next attempt; a retry avoids the provider that just failed. */
  pick(req: PathRequest): PathPick {
    if (!this.router) {
      const home = this.homePicks[req.home.index];
      return home !== undefined && home.provider === req.home ? home : { provider: req.home, probe: false };
    }
    const choice = this.router.pick(req.home.index, req.attempts > 1 ? req.lastProviderIndex : -1);
    return { provider: this.providers[choice.index], probe: choice.probe };
  }

  body(req: PathRequest, provider: ProviderRuntime): string {
    const entry = req.entry;
    if (provider.http) {
      const t = provider.http;
      if (t.body === undefined) return '';
      const values: Record<string, string | number | boolean> = { ...(req.row ?? {}), prompt: JSON.parse(req.promptJson) as string, maxTokens: req.maxTokens, model: provider.model, stream: entry.stream };
      return buildHttpBody(t.body, t.bodyEncoding ?? 'json', values);
    }
    if (req.agent) return req.agent.body(provider.model, req.maxTokens, entry.stream);
    if (provider === req.home) return req.homeBody;
    const messages = `${entry.system !== undefined ? JSON.stringify({ role: 'system', content: entry.system }) + ',' : ''}{"role":"user","content":${req.promptJson}}`;
    const streamPart = entry.stream ? ',"stream":true,"stream_options":{"include_usage":true}' : ',"stream":false';
    return `{"model":${JSON.stringify(provider.model)},"messages":[${messages}],"max_tokens":${Math.max(1, Math.floor(req.maxTokens))}${streamPart}}`;
  }

  /** Sets what the attempt keeps and how it reads the response. */
  prepare(a: Attempt, req: PathRequest, pick: PathPick): void {
    a.providerIndex = pick.provider.index;
    a.probe = pick.probe;
    const idHeader = this.upstreams?.truth.requestIdHeader;
    if (idHeader) {
      req.requestId ??= this.idPrefix + (++this.nextId).toString(36);
      a.headers = { ...pick.provider.target.headers, [idHeader]: req.requestId };
    }
    if (pick.provider.http) {
      a.reader = httpResponseReader(pick.provider.http);
      a.collect = true;
    } else if (req.agent || this.needModel || req.entry.expect !== undefined || this.extractors.get(pick.provider)?.wantsBody) a.collect = true;
  }

  /** Reads what an attempt's response says and counts it into `spans` (its outcome per
   * provider is counted by the sinks, as every attempt's outcome). */
  attemptFinished(a: Attempt, provider: ProviderRuntime, spans: readonly RunStats[]): void {
    const req = a.owner as PathRequest | null;
    this.router?.record(a.providerIndex, a.probe, a.outcome);
    if (a.outcome === 'canceled' || a.outcome === 'aborted' || !a.hasHeaders) return;
    let level: number | null = null;
    let cacheHit = cacheHitFromHeader(a.header('x-cache'));
    let providerLatency: number | null = null;
    let queueDepth: number | null = null;
    const extractor = this.extractors.get(provider);
    if (extractor) {
      const last = a.events && a.events.length > 0 ? a.events[a.events.length - 1] : a.bodyText;
      const facts = extractor.read(a.responseHeaders, last);
      if (facts.inputTokens !== null) a.usagePrompt = facts.inputTokens;
      if (facts.outputTokens !== null) a.usageCompletion = facts.outputTokens;
      else if (provider.http && !a.events && a.outcome === 'ok') a.tokens = Math.ceil(a.bodyText.length / 4);
      if (facts.upstream !== null) a.servedBy = facts.upstream;
      if (facts.costUsd !== null) a.extractedCost = facts.costUsd;
      if (facts.cacheHit !== null) cacheHit = facts.cacheHit;
      if (facts.degradationLevel !== null && this.plan.degradation) level = levelFromText(facts.degradationLevel, this.plan.degradation.levels);
      providerLatency = facts.providerLatencyMs;
      queueDepth = facts.queueDepth;
      // The feature runs its own agent loop and reports the steps it took.
      if (facts.agentSteps !== null && a.outcome === 'ok') for (const sp of spans) sp.path.agentTask(facts.agentSteps);
    }
    if (level === null && this.plan.degradation) {
      const model = this.needModel ? modelNameIn(a.events && a.events.length > 0 ? a.events[0] : a.bodyText) : null;
      level = degradationLevelOf(this.plan.degradation, a.responseHeaders, model);
    }
    if (req && this.upstreams) this.joinUpstream(a, req);
    for (const s of spans) {
      if (level !== null) s.path.addDegradation(level);
      if (cacheHit !== null && a.outcome === 'ok') {
        s.path.cacheResponses++;
        if (cacheHit) s.path.cacheHits++;
      }
      if (providerLatency !== null) recordMs(s.path.providerLatency, providerLatency);
      if (queueDepth !== null) s.path.queueDepthMax = Math.max(s.path.queueDepthMax, queueDepth);
    }
  }

  /** Issue 12: an answer that fails its entry's `expect` becomes `unacceptable` (not an error, never
   * retried); called when an attempt ends, before anything counts its outcome. */
  judgeAnswer(a: Attempt, req: PathRequest, provider: ProviderRuntime, spans: readonly RunStats[]): void {
    if (a.outcome !== 'ok' || !req.entry.expect || (req.agent && toolCallsOf(a).length > 0)) return;
    const outputTokens = a.usageCompletion >= 0 ? a.usageCompletion : a.tokens;
    const facts = provider.http
      ? { text: a.events ? a.events.join('') : a.bodyText, model: null, finishReason: null, outputTokens }
      : chatAnswerFacts(a.bodyText, a.events, outputTokens);
    const why = failedCheck(req.entry.expect!, facts);
    for (const s of spans) s.path.checked++;
    if (why === null) return;
    a.outcome = 'unacceptable';
    a.detail = `${req.entry.name}: ${why}`;
    for (const s of spans) s.path.unacceptable++;
  }

  /** Issue 12: the upstream attempts a proxy saw with this request's id, and who served it. */
  private joinUpstream(a: Attempt, req: PathRequest): void {
    const truth = this.upstreams!.truth;
    const join = req.requestId !== undefined ? truth.take(req.requestId) : null;
    if (join && !req.joined) {
      req.joined = true;
      this.joinedRequests++;
    }
    const servedBy = a.servedBy ?? join?.servedBy ?? null;
    if (servedBy !== null && req.entry.expect && (a.outcome === 'ok' || a.outcome === 'unacceptable')) truth.noteAnswer(servedBy, a.outcome === 'ok');
  }

  private joinedRequests = 0;

  /**
   * After an ok model call of an agent task: the delay before the next call (the tools'
   * simulated latency), or -1 when the task is over (a final answer, or maxSteps reached).
   */
  agentNext(task: AgentTask, a: Attempt, input: number, cached: number, output: number, cost: number, usage: boolean, rng: SeededRandom): number {
    task.steps++;
    const calls = toolCallsOf(a);
    if (calls.length === 0) return -1;
    if (task.steps >= task.agent.maxSteps) {
      task.capped = true;
      return -1;
    }
    // Tokens and cost of this intermediate call; the final call is priced by the engine.
    task.inputTokens += input;
    task.cachedTokens += cached;
    task.outputTokens += output;
    task.cost += cost;
    if (!usage) task.usage = false;
    return task.runTools(calls, rng);
  }

  agentDone(task: AgentTask, attempts: number, finalTokens: number, finalCost: number, spans: readonly RunStats[]): void {
    for (const s of spans) {
      const p = s.path;
      p.agentTask(task.steps);
      if (task.capped) p.agentCapped++;
      p.agentTokens += task.inputTokens + task.outputTokens + finalTokens;
      p.agentCost += task.cost + finalCost;
      p.agentLoopRetries += Math.max(0, attempts - task.steps);
      p.toolCalls += task.toolCalls;
      p.toolFailures += task.toolFailures;
    }
  }

  /** A request that will be cancelled is about to be sent (monitor verification). */
  levelBeforeSend(): number | null {
    return this.monitorCheck ? this.monitorCheck.levelBeforeSend() : null;
  }

  canceled(pre: number | null, nowMs: number): void {
    this.monitorCheck?.canceled(pre, nowMs);
  }

  /** Once per tick: new leaks go into the window (and the run). */
  pollLeaks(nowMs: number, spans: readonly RunStats[]): void {
    const n = this.leaks.active ? this.leaks.newLeaks() : this.monitorCheck ? this.monitorCheck.poll(nowMs) : 0;
    if (n > 0) for (const s of spans) s.path.leaked += n;
  }

  /** `queueKnown`: a monitor or the mock already gave this second's queue depth. */
  tickFields(w: RunStats, queueKnown: boolean): Partial<TickPoint> {
    const p = w.path;
    return {
      ...(!queueKnown && p.queueDepthMax >= 0 ? { queueDepth: p.queueDepthMax } : {}),
      providerShare: p.providerShare(this.ids),
      attemptsPerRequest: w.finished > 0 ? w.attempts / w.finished : null,
      degradation: this.plan.degradation ? p.degradationShares(this.plan.degradation.levels.length) : null,
      agentSteps: p.agentStepPercentiles(),
      leakedCancellations: p.leaked,
      providerLatency: p.providerLatency.totalCount > 0 ? percentilesOf(p.providerLatency) : null,
      ...(p.cacheResponses > 0 ? { cacheHitRate: p.cacheHits / p.cacheResponses } : {}),
      ...(this.upstreams ? this.upstreams.truth.tick(this.now(), w.judged()) : {}),
    };
  }

  /** The last tick was taken: upstream attempts after it are not counted. */
  stopCounting(): void {
    this.upstreams?.truth.stop();
  }

  /** How long to wait before settling: the mocks count a disconnect when its socket closes. */
  settleDelayMs(all: RunStats): number {
    return this.leaks.active && all.outcomes[OUTCOME_INDEX.canceled] > 0 ? 30 : 0;
  }

  /** At the end of the run, before providers close: settles the leak counts into `whole`. */
  settle(nowMs: number, spans: readonly RunStats[]): void {
    if (this.leaks.active) this.pollLeaks(nowMs, spans);
    else if (this.monitorCheck) {
      const n = this.monitorCheck.settle(nowMs);
      if (n > 0) for (const s of spans) s.path.leaked += n;
    }
  }

  /** `stages` are the per-stage spans, in stage-index order (for the agent steps growth). */
  summaryFields(all: RunStats, metrics: Record<string, number | null>, stages: readonly RunStats[] = []): Partial<RunSummary> {
    const p = all.path;
    metrics['agent.steps.growth'] ??= agentStepsGrowth(stages);
    const canceled = all.outcomes[OUTCOME_INDEX.canceled];
    let cancellations: CancellationSummary;
    if (this.leaks.active) {
      const t = this.leaks.totals();
      cancellations = { count: canceled, stoppedByServer: t.stopped, leaked: p.leaked, method: 'mock-counters' };
    } else if (this.monitorCheck) {
      cancellations = { count: canceled, stoppedByServer: this.monitorCheck.stopped, leaked: this.monitorCheck.leaked, method: 'monitor' };
    } else cancellations = { count: canceled, stoppedByServer: null, leaked: null, method: 'none' };
    metrics['cancellations.leaked'] = cancellations.leaked;
    const totalAttempts = this.ids.reduce((n, _, i) => n + p.providerAttempts(i), 0);
    const providers: ProviderSummary[] = this.ids.map((id, i) => ({ id, attempts: p.providerAttempts(i), outcomes: p.providerOutcomeCounts(i), share: totalAttempts > 0 ? p.providerAttempts(i) / totalAttempts : 0 }));
    let failover: RunSummary['failover'] = null;
    if (this.router) {
      const longest = this.router.longest();
      const events: FailoverEvent[] = this.router.summaryEvents();
      failover = { events, failoverMs: longest.failoverMs === null ? null : Math.round(longest.failoverMs), failbackMs: longest.failbackMs === null ? null : Math.round(longest.failbackMs) };
      metrics['failover.time'] = failover.failoverMs;
      metrics['failback.time'] = failover.failbackMs;
    }
    let agent: AgentSummary | null = null;
    if (p.agentTasks > 0) {
      agent = {
        tasks: p.agentTasks,
        steps: percentilesOf(p.agentSteps),
        capped: p.agentCapped,
        tokensPerTask: p.agentTokens / p.agentTasks,
        costPerTask: p.agentCost / p.agentTasks,
        retriesInLoop: p.agentLoopRetries,
        toolCalls: p.toolCalls,
        toolFailures: p.toolFailures,
      };
    }
    const deg = this.plan.degradation;
    const providerLatency: Percentiles | null = p.providerLatency.totalCount > 0 ? percentilesOf(p.providerLatency) : null;
    const quality = p.checked > 0 ? { checked: p.checked, acceptable: p.checked - p.unacceptable, share: (p.checked - p.unacceptable) / p.checked } : null;
    const gateway = this.upstreams ? this.gatewaySummary(all, metrics) : undefined;
    return {
      ...(gateway ? { gateway } : {}),
      quality,
      failover,
      providers,
      agent,
      degradation: deg ? { levels: deg.levels, counts: deg.levels.map((_, i) => p.degradation[i] ?? 0), share: p.degradationShare(), maxLevel: p.degradationMaxLevel() } : null,
      cancellations,
      providerLatency,
      ...(p.cacheResponses > 0 ? { cacheHitRate: p.cacheHits / p.cacheResponses } : {}),
    };
  }

  /** Issue 12: the upstreams' figures, the fault windows (user view added by the analysis) and the gateway metrics. */
  private gatewaySummary(all: RunStats, metrics: Record<string, number | null>): NonNullable<RunSummary['gateway']> {
    const truth = this.upstreams!.truth;
    const upstreams = truth.upstreamSummaries();
    const windows = truth.windowRecords();
    const requests = all.judged();
    const attempts = truth.totalAttempts();
    const wastedAttempts = upstreams.reduce((n, u) => n + u.wasted.attempts, 0);
    const wastedCostUsd = upstreams.reduce((n, u) => n + u.wasted.costUsd, 0);
    const summary = {
      upstreams,
      windows,
      correlation: { header: truth.requestIdHeader, method: this.joinedRequests > 0 ? ('request-id' as const) : ('counts' as const), joinedRequests: this.joinedRequests },
      amplification: requests > 0 ? attempts / requests : null,
      failoverMs: longestOf(windows, (w) => w.failoverMs),
      userFailoverMs: null,
      failbackMs: longestOf(windows, (w) => w.failbackMs),
      switchErrors: 0,
      wastedAttempts,
      wastedCostUsd,
    };
    metrics['gateway.failover.time'] = summary.failoverMs;
    metrics['gateway.failback.time'] = summary.failbackMs;
    metrics['gateway.amplification'] = summary.amplification;
    metrics['gateway.wasted.attempts'] = wastedAttempts;
    metrics['gateway.wasted.cost'] = wastedCostUsd;
    for (const u of upstreams) {
      metrics[`gateway.share.${u.name}`] = u.share;
      metrics[`quality.${u.name}`] = u.quality ? u.quality.share : null;
    }
    return summary;
  }
}

/** The end of the fault window a mock provider was in at `since` (or the next one to start), null when its faults are not scheduled. */
function scheduledRecovery(plan: ResolvedPlan, index: number, since: number): number | null {
  const p = plan.providers[index];
  if (p?.type !== 'mock') return null;
  const windows = (p.behaviour?.faults ?? []).filter((f) => f.kind === 'outage' || f.kind === 'error-rate').filter((f) => f.endMs > since - 1);
  return windows.length ? Math.min(...windows.map((f) => f.endMs)) : null;
}

/** p95 agent steps of the worst stage over that of the first stage with agent tasks. */
function agentStepsGrowth(stages: readonly RunStats[]): number | null {
  const p95s = stages.map((s) => (s.path.agentSteps.totalCount > 0 ? percentilesOf(s.path.agentSteps).p95 : null));
  const base = p95s.find((v) => v !== null && v > 0);
  if (base === undefined || base === null) return null;
  let worst = base;
  for (const v of p95s) if (v !== null && v > worst) worst = v;
  return worst / base;
}
