// The attempt lifecycle: every request goes launch (mix pick, prompt, cancellation draw) ->
// attempt(s) -> complete. An attempt is sent, measured through its hooks (sent to a socket,
// first token, each later token, finished) and then retried, followed by the agent task's next
// model call, or completed. One interval enforces every attempt's deadlines. Issue 4's
// failover, http targets, agent loops, degradation and cancellation checks are the request
// path's (request-path.ts), called at launch, send and finish.
//
// Every sample goes to the local sink (called directly, so the calls stay monomorphic) and,
// only when a caller added sinks, to them through one SinkFanOut (run-sink.ts).
import { MAX_TIMER_MS } from '../core/limits';
import type { PlanMixEntry } from '../core/plan';
import { performance } from 'node:perf_hooks';
import type { ClosedUser, RecordedArrivalTarget, RecordedRequest } from './arrivals';
import { Attempt, type AttemptHooks } from './attempt';
import { ClientErrorLog } from './client-limits';
import { ConnectionGate, GATE_WAITING, type Gated } from './connection-gate';
import type { MixRequest } from './mix-requests';
import { drawTokens } from './prompt-source';
import type { ProviderRuntime } from './provider-runtime';
import type { PathRequest, RequestPath } from './request-path';
import { timeoutOfAnyLength } from './long-timer';
import { isRetryable, retryDelayMs } from './retry-policy';
import type { RunControl } from './run-control';
import type { SinkFanOut } from './run-sink';
import type { SeededRandom } from './seeded-random';
import { SlotList, type Slotted } from './slot-list';
import type { StatsSink } from './stats-sink';

const SWEEP_MS = 20;

/** A mix entry ready to send: its prompt maker and prebuilt body (mix-requests.ts), the
 * provider it goes to first, and its place in the mix. */
export interface MixRuntime extends MixRequest {
  entry: PlanMixEntry;
  index: number;
  provider: ProviderRuntime;
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
  retryTimer: { clear(): void } | NodeJS.Timeout | null;
  /** What the request waits for between attempts, and the attempt before the wait. */
  waiting: 'retry' | 'tools' | null;
  lastAttempt: Attempt | null;
}

/** The random streams of the request flow (forked from the plan's seed by the run). */
export interface FlowRandom {
  mix: SeededRandom;
  prompt: SeededRandom;
  cancel: SeededRandom;
  retry: SeededRandom;
  tools: SeededRandom;
}

function clearWait(req: Request): void {
  const t = req.retryTimer;
  if (t === null) return;
  if ('clear' in t) t.clear();
  else clearTimeout(t);
}

/** "3600 s", "1.2 s", "250 ms" */
function formatWait(ms: number): string {
  if (!Number.isFinite(ms)) return 'forever';
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms)} ms`;
}

/** An attempt's output tokens: the server's usage (or an http target's extraction rule) when
 * given, else its text counted by the provider's tokenizer, else the content tokens seen. */
function outputTokensOf(a: Attempt): number {
  return a.outputTokens;
}

export class RequestFlow implements AttemptHooks, RecordedArrivalTarget {
  inFlight = 0;
  /** Attempts dispatched but not yet written to a socket (waiting for a pooled connection). */
  queued = 0;
  private mixes: MixRuntime[] = [];
  private cumulativeShares: number[] = [];
  private path: RequestPath | null = null;
  private readonly active = new SlotList<Attempt>();
  private readonly retryWaits = new SlotList<Request>();
  /** The earliest deadline of any attempt in flight (or later): sweeps before it are skipped. */
  private nextDeadline = Infinity;
  private sweepTimer: NodeJS.Timeout | null = null;
  private readonly loggedKinds = new Set<string>();
  /** One connection gate per provider (by plan index): its maxConnections, kept by Stampede. */
  private gates: ConnectionGate[] = [];
  /** Every network outcome by code and phase, and the attempts that timed out waiting in a gate. */
  readonly clientErrors = new ClientErrorLog();

  constructor(
    private readonly run: RunControl,
    private readonly local: StatsSink,
    private readonly extra: SinkFanOut | null,
    private readonly rng: FlowRandom,
  ) {}

  /** Setup is done: what requests are made of and where they go. */
  ready(mixes: MixRuntime[], path: RequestPath, providers: readonly ProviderRuntime[]): void {
    this.mixes = mixes;
    this.path = path;
    const plan = this.run.plan;
    const guard = (fn: () => void) => this.run.guarded(fn);
    this.gates = providers.map((p) => new ConnectionGate(Math.max(1, plan.providers[p.index]?.maxConnections ?? 1), this.admitted, guard));
    let acc = 0;
    this.cumulativeShares = mixes.map((m) => (acc += m.entry.share));
  }

  /** One interval enforces every attempt's TTFT, total and cancellation deadline. */
  startDeadlines(): void {
    this.sweepTimer = setInterval(() => this.run.guarded(() => this.sweep()), SWEEP_MS);
  }

  stopDeadlines(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
  }

  dropArrivals(stageIndex: number, count: number): void {
    this.local.arrivalsDropped(stageIndex, count);
    if (this.extra !== null) this.extra.arrivalsDropped(stageIndex, count);
  }

  private pickMix(): MixRuntime {
    if (this.mixes.length === 1) return this.mixes[0];
    const r = this.rng.mix.next() * this.cumulativeShares[this.cumulativeShares.length - 1];
    for (let i = 0; i < this.mixes.length; i++) if (r < this.cumulativeShares[i]) return this.mixes[i];
    return this.mixes[this.mixes.length - 1];
  }

  /** Open and closed arrivals: a mix entry drawn by weight, a prompt drawn from its sizes (or
   * the herd probe's). */
  launch(intendedAt: number, stageIndex: number, user: ClosedUser | null, herdPrompt?: string): void {
    if (user === null && this.droppedAtCapacity(stageIndex)) return;
    const mix = this.pickMix();
    const promptJson = herdPrompt ?? mix.maker.makeJson(this.rng.prompt);
    const maxTokens = mix.entry.maxTokensDist ? drawTokens(mix.entry.maxTokensDist, this.rng.prompt) : mix.maxTokens;
    this.begin(intendedAt, stageIndex, user, mix, promptJson, mix.maker.lastTokens + mix.systemTokens, maxTokens, mix.maker.lastRow);
  }

  /** A replayed arrival: the mix entry and sizes its trace recorded. */
  launchRecorded(intendedAt: number, stageIndex: number, recorded: RecordedRequest): void {
    if (this.droppedAtCapacity(stageIndex)) return;
    const mix = this.mixes[recorded.mixIndex];
    this.begin(intendedAt, stageIndex, null, mix, recorded.promptJson(this.rng.prompt), recorded.promptTokens + mix.systemTokens, recorded.maxTokens, undefined);
  }

  /** An open-model arrival finds load.maxInFlight requests in flight: it is dropped, counted. */
  private droppedAtCapacity(stageIndex: number): boolean {
    const maxInFlight = this.run.plan.load.maxInFlight;
    if (this.inFlight < maxInFlight) return false;
    this.dropArrivals(stageIndex, 1);
    if (!this.loggedKinds.has('dropped')) {
      this.loggedKinds.add('dropped');
      this.run.log('warn', `arrivals dropped: ${maxInFlight} requests already in flight (load.maxInFlight)`);
    }
    return true;
  }

  private begin(intendedAt: number, stageIndex: number, user: ClosedUser | null, mix: MixRuntime, promptJson: string, promptTokens: number, maxTokens: number, row: PathRequest['row']): void {
    const c = this.run.plan.workload.cancellations;
    let cancelAfterMs = -1;
    if (mix.entry.stream && c.fraction > 0 && this.rng.cancel.next() < c.fraction) {
      cancelAfterMs = c.afterMaxMs > c.afterMinMs ? this.rng.cancel.uniform(c.afterMinMs, c.afterMaxMs) : c.afterMinMs;
    }
    let body: string;
    if (maxTokens === mix.maxTokens) body = mix.bodyHead + promptJson + mix.bodyTail;
    else {
      const parts = mix.partsFor(maxTokens);
      body = parts.head + promptJson + parts.tail;
    }
    const req: Request = {
      mix,
      entry: mix.entry,
      home: mix.provider,
      promptJson,
      row,
      homeBody: body,
      entryIndex: mix.index,
      maxTokens,
      lastProviderIndex: -1,
      agent: this.path!.newAgentTask(mix.entry, promptJson),
      preCancelLevel: cancelAfterMs >= 0 ? this.path!.levelBeforeSend() : null,
      stageIndex,
      intendedAt,
      body,
      promptTokens,
      cancelAfterMs,
      attempts: 0,
      firstSendAt: 0,
      ttftRecorded: false,
      provider: mix.provider,
      user,
      retryTimer: null,
      waiting: null,
      lastAttempt: null,
      slot: -1,
    };
    this.inFlight++;
    this.local.requestSent(stageIndex);
    if (this.extra !== null) this.extra.requestSent(stageIndex);
    this.sendAttempt(req);
  }

  private sendAttempt(req: Request): void {
    req.attempts++;
    const timeouts = this.run.plan.resilience.timeouts;
    const path = this.path!;
    const pick = path.pick(req);
    req.provider = pick.provider;
    const a = new Attempt(req.provider.target, path.body(req, req.provider), req.mix.entry.stream, this, timeouts.ttftMs, timeouts.totalMs, req.cancelAfterMs);
    a.owner = req;
    path.prepare(a, req, pick);
    req.lastProviderIndex = req.provider.index;
    this.active.add(a);
    this.queued++;
    this.local.attemptSent(req.stageIndex);
    if (this.extra !== null) this.extra.attemptSent(req.stageIndex);
    const now = performance.now();
    a.totalDeadline = now + timeouts.totalMs;
    this.gates[req.provider.index].enter(a, now);
    if (a.gateState === GATE_WAITING) this.clientErrors.waited(req.provider.index, this.run.now());
    this.noteDeadlines(a);
  }

  /** An attempt leaves its provider's connection gate for undici, after `waitedMs` there. */
  private readonly admitted = (g: Gated, waitedMs: number): void => {
    const req = (g as Attempt).owner as Request;
    this.local.clientWait(req.stageIndex, waitedMs);
    if (this.extra !== null) this.extra.clientWait(req.stageIndex, waitedMs);
  };

  /** Requests waiting in Stampede for a connection, the most at once since the last call. */
  takeClientWaiting(): number {
    let n = 0;
    for (const g of this.gates) n += g.takePeak();
    return n;
  }

  /** A cap that follows the plan follows the live load multiplier too (never below the plan). */
  followMultiplier(m: number): void {
    const plan = this.run.plan;
    this.gates.forEach((g, i) => {
      const p = plan.providers[i];
      if (p?.maxConnectionsFromPlan) g.raiseCap(Math.ceil(p.maxConnections * Math.max(1, m)));
    });
  }

  /** The connection caps in force, by provider index. */
  get connectionCaps(): number[] {
    return this.gates.map((g) => g.cap);
  }

  // ---- the attempt's hooks (AttemptHooks) -------------------------------------------------

  itl(ms: number): void {
    this.local.itl(ms);
    this.local.outputArrived(1);
    if (this.extra !== null) {
      this.extra.itl(ms);
      this.extra.outputArrived(1);
    }
  }

  started(a: Attempt): void {
    this.queued--;
    this.noteDeadlines(a);
    const req = a.owner as Request;
    if (req.firstSendAt === 0) {
      req.firstSendAt = a.sendAt;
      const lag = a.sendAt - req.intendedAt;
      this.local.scheduleLag(req.stageIndex, lag);
      if (this.extra !== null) this.extra.scheduleLag(req.stageIndex, lag);
    }
  }

  /** TTFT from the request's first send (retries included), recorded when the token arrives so
   * the live series shows it in that second rather than when a long stream ends. */
  firstToken(a: Attempt): void {
    this.local.outputArrived(1);
    if (this.extra !== null) this.extra.outputArrived(1);
    const req = a.owner as Request;
    if (req.ttftRecorded) return;
    req.ttftRecorded = true;
    const ttft = a.firstTokenAt - (req.firstSendAt || a.sendAt);
    const ttftIntended = a.firstTokenAt - req.intendedAt;
    this.local.ttft(req.stageIndex, ttft);
    this.local.ttftIntended(req.stageIndex, ttftIntended);
    if (this.extra !== null) {
      this.extra.ttft(req.stageIndex, ttft);
      this.extra.ttftIntended(req.stageIndex, ttftIntended);
    }
  }

  finished(a: Attempt): void {
    this.active.delete(a);
    if (a.sendAt === 0) this.queued--;
    const req = a.owner as Request;
    const run = this.run;
    const path = this.path!;
    this.gates[a.providerIndex].leave(a);
    // An answer that fails its entry's expect is `unacceptable` before anything counts it.
    path.judgeAnswer(a, req, req.provider, this.local.spansOf(req.stageIndex));
    if (a.outcome === 'network') this.clientErrors.network(a.errorCode, a.sendAt === 0 ? 'connect' : a.hasHeaders ? 'mid-stream' : 'headers', run.now(), a.detail);
    if (a.outcome !== 'ok') this.logFirst(a);
    this.local.attemptEnded(req.stageIndex, a.providerIndex, a.outcome);
    if (this.extra !== null) this.extra.attemptEnded(req.stageIndex, a.providerIndex, a.outcome);
    path.attemptFinished(a, req.provider, this.local.spansOf(req.stageIndex));
    if (a.outcome === 'canceled') path.canceled(req.preCancelLevel, run.now());
    if (a.outcome === 'ok' || a.outcome === 'unacceptable' || a.outcome === 'canceled') {
      const rest = outputTokensOf(a) - a.streamedTokens;
      this.local.outputArrived(rest);
      if (this.extra !== null) this.extra.outputArrived(rest);
    }
    if (req.agent && a.outcome === 'ok' && (run.phase === 'running' || run.phase === 'draining')) {
      const t = this.attemptTokens(req, a);
      const delay = path.agentNext(req.agent, a, t.input, t.cached, t.output, t.cost, t.usage, this.rng.tools);
      if (delay >= 0) {
        // The tools' simulated latency, then the next model call of the same task.
        this.wait(req, a, 'tools', delay);
        return;
      }
    }
    const retries = run.plan.resilience.retries;
    // Retries belong to the load shape: once it has ended (the drain), a failure is final.
    if (a.outcome !== 'ok' && isRetryable(retries, a.outcome) && run.phase === 'running') {
      if (req.attempts <= retries.max) {
        const delay = retryDelayMs(retries, req.attempts, a.retryAfter, this.rng.retry);
        const left = run.plan.load.durationMs - run.now();
        if (delay < left) {
          this.wait(req, a, 'retry', delay);
          return;
        }
        // A retry-after of an hour (or of 2099) cannot be waited for within the run: the
        // request ends with the failure it got, rather than with an abort that judges nothing.
        this.logOnce(`late:${a.outcome}`, 'warn', `a retry would come after the end of the load shape (${a.retryAfter >= 0 ? `the server's retry-after asks for ${formatWait(a.retryAfter)}` : `backoff of ${formatWait(delay)}`}, ${formatWait(Math.max(0, left))} left), so it is not sent: requests end with their ${a.outcome}`);
        this.complete(req, a);
        return;
      }
      if (retries.max > 0 && !this.loggedKinds.has(`giveup:${a.outcome}`)) {
        this.loggedKinds.add(`giveup:${a.outcome}`);
        run.log('warn', `retries exhausted: a request failed ${req.attempts} times (last: ${a.outcome})`);
      }
    }
    this.complete(req, a);
  }

  // ---- completion ------------------------------------------------------------------------

  private complete(req: Request, a: Attempt): void {
    this.inFlight--;
    const outcome = a.outcome;
    const stageIndex = req.stageIndex;
    this.local.requestEnded(stageIndex, outcome);
    if (this.extra !== null) this.extra.requestEnded(stageIndex, outcome);
    if (outcome === 'ok' || outcome === 'unacceptable' || outcome === 'canceled') {
      if (outcome !== 'canceled') {
        const e2e = a.endAt - (req.firstSendAt || a.sendAt);
        // A non-streamed answer's first token arrives with the whole answer.
        if (!a.stream && !req.ttftRecorded && !req.agent) {
          req.ttftRecorded = true;
          this.local.ttft(stageIndex, e2e);
          if (this.extra !== null) this.extra.ttft(stageIndex, e2e);
        }
        const e2eIntended = a.endAt - req.intendedAt;
        const tpot = a.stream && a.tokens > 1 ? (a.lastTokenAt - a.firstTokenAt) / (a.tokens - 1) : -1;
        this.local.requestLatency(stageIndex, e2e, e2eIntended, tpot);
        if (this.extra !== null) this.extra.requestLatency(stageIndex, e2e, e2eIntended, tpot);
      }
      let { output, input, cached, usage, cost } = this.attemptTokens(req, a);
      const task = req.agent;
      if (task) {
        if (outcome === 'ok') this.path!.agentDone(task, req.attempts, input + output, cost, this.local.spansOf(stageIndex));
        output += task.outputTokens;
        input += task.inputTokens;
        cached += task.cachedTokens;
        cost += task.cost;
        usage &&= task.usage;
      }
      const cacheKnown = a.usagePrompt >= 0;
      this.local.requestTokens(stageIndex, input, cached, output, cost, usage, cacheKnown);
      if (this.extra !== null) this.extra.requestTokens(stageIndex, input, cached, output, cost, usage, cacheKnown);
    }
    if (req.user) req.user.owner.done(req.user, a.hasHeaders);
    if (this.run.phase === 'draining' && this.inFlight === 0) void this.run.finish();
  }

  /** Waits `delayMs` (less than what is left of the run), then sends the next attempt. */
  private wait(req: Request, a: Attempt, why: 'retry' | 'tools', delayMs: number): void {
    req.waiting = why;
    req.lastAttempt = a;
    this.retryWaits.add(req);
    const next = (): void => {
      req.retryTimer = null;
      req.waiting = null;
      req.lastAttempt = null;
      this.retryWaits.delete(req);
      this.run.guarded(() => this.sendAttempt(req));
    };
    // Waits are shorter than the run, which validation keeps within a timer's range; a plan
    // built in code gets a chained timer rather than one that fires after 1 ms.
    req.retryTimer = delayMs <= MAX_TIMER_MS ? setTimeout(next, delayMs) : timeoutOfAnyLength(next, delayMs);
  }

  private logOnce(kind: string, level: 'info' | 'warn', message: string): void {
    if (this.loggedKinds.has(kind)) return;
    this.loggedKinds.add(kind);
    this.run.log(level, message);
  }

  /** A request waiting for a retry or its agent's tools ends without another attempt. */
  private completeWith(req: Request, outcome: 'aborted'): void {
    this.inFlight--;
    this.local.requestEnded(req.stageIndex, outcome);
    if (this.extra !== null) this.extra.requestEnded(req.stageIndex, outcome);
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

  private logFirst(a: Attempt): void {
    if (this.loggedKinds.has(a.outcome)) return;
    this.loggedKinds.add(a.outcome);
    if (a.outcome === 'aborted') return;
    const level = a.outcome === 'canceled' ? 'info' : 'warn';
    const what = a.outcome === 'canceled' ? 'first cancellation' : `first ${a.outcome}`;
    this.run.log(level, `${what}${a.detail ? `: ${a.detail}` : ''}`);
  }

  // ---- ending ----------------------------------------------------------------------------

  /** The load shape ended: requests waiting for a retry end with the failure they got (a retry
   * now would be load after the shape); agent tasks waiting for their tools go on in the drain. */
  endRetryWaits(): void {
    for (const req of this.retryWaits.toArray()) {
      if (req.waiting !== 'retry' || req.lastAttempt === null) continue;
      clearWait(req);
      req.retryTimer = null;
      this.retryWaits.delete(req);
      const a = req.lastAttempt;
      req.waiting = null;
      req.lastAttempt = null;
      this.complete(req, a);
    }
  }

  /** Requests waiting for a retry or their agent's tools end as aborted (the run is finishing). */
  abortWaiting(): void {
    for (const req of this.retryWaits.toArray()) {
      clearWait(req);
      req.retryTimer = null;
      this.retryWaits.delete(req);
      this.completeWith(req, 'aborted');
    }
  }

  /** Every attempt still in flight ends as aborted (the run is finishing). */
  abortInFlight(): void {
    for (const a of this.active.toArray()) a.abort('aborted', 'the run ended before the response finished');
  }

  // ---- deadlines -------------------------------------------------------------------------

  /** The total timeout ran out while the attempt still waited in Stampede for a connection: it
   * never reached the server, and the finding says so. */
  private timedOutWaiting(a: Attempt): void {
    const cap = this.gates[a.providerIndex].cap;
    this.clientErrors.queueTimeout(a.providerIndex);
    a.abort('timeout', `waited ${this.run.plan.resilience.timeouts.totalMs} ms (resilience.timeouts.total) in Stampede for one of providers[${a.providerIndex}].maxConnections = ${cap} connections and was never sent: a limit of the load tester, not of the server`);
  }

  /** Deadlines are set at dispatch and moved at send (TTFT, cancellation, total from send). */
  private noteDeadlines(a: Attempt): void {
    const d = a.nextDeadline();
    if (d < this.nextDeadline) this.nextDeadline = d;
  }

  /** Aborts every attempt past a deadline. Between deadlines it returns at once: thousands of
   * long streams are not walked 50 times a second. */
  private sweep(): void {
    if (this.active.size === 0) return;
    const now = performance.now();
    if (now < this.nextDeadline) return;
    const timeouts = this.run.plan.resilience.timeouts;
    let next = Infinity;
    this.nextDeadline = Infinity;
    this.active.forEachRemovable((a) => {
      if (now >= a.cancelAt) a.abort('canceled', 'canceled by the scenario (workload.cancellations)');
      else if (a.firstTokenAt === 0 && now >= a.ttftDeadline) a.abort('timeout', `no first token within ${timeouts.ttftMs} ms (resilience.timeouts.ttft)`);
      else if (now >= a.totalDeadline && a.gateState === GATE_WAITING) this.timedOutWaiting(a);
      else if (now >= a.totalDeadline) a.abort('timeout', `not finished within ${timeouts.totalMs} ms (resilience.timeouts.total)`);
      else next = Math.min(next, a.nextDeadline());
    });
    if (next < this.nextDeadline) this.nextDeadline = next;
  }
}
