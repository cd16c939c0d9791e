// The local run's sink: every sample goes into this second's window, the whole run and the
// request's stage (RunStats each). The windows (run-windows.ts) hand it a fresh window every
// tick; the summary reads the whole run and the stages.
//
// Latency samples go into the window only (and ttft/e2e into the stage too): the whole run's
// histograms get each window's counts merged once per tick (mergeWindowLatency), which gives
// exactly the percentiles of recording every value twice at a fraction of the cost.
import type { Outcome } from '../protocol/run-events';
import { recordMs } from './latency-histogram';
import type { RunSink } from './run-sink';
import { LAT_CLIENT_WAIT, LAT_E2E, LAT_E2E_INTENDED, LAT_ITL, LAT_SCHEDULE_LAG, LAT_TPOT, LAT_TTFT, LAT_TTFT_INTENDED, OUTCOME_INDEX, RunStats } from './run-stats';

function addTokens(s: RunStats, input: number, cached: number, output: number, cost: number, usage: boolean, cacheKnown: boolean): void {
  s.outputTokens += output;
  s.inputTokens += input;
  s.cachedTokens += cached;
  if (cacheKnown) s.cacheKnownInput += input;
  if (usage) s.usageRequests++;
  else s.countedRequests++;
  s.cost += cost;
}

export class StatsSink implements RunSink {
  /** The second in progress; replaced by nextWindow() at every tick. */
  window = new RunStats();
  readonly whole = new RunStats();
  /** One span per stage index (ttft and e2e histograms only). */
  readonly stages: RunStats[] = [];
  private readonly spanScratch: RunStats[] = [];

  constructor(stageCount: number) {
    this.addStages(stageCount);
  }

  /** Spans up to `stageCount` stages: a replay knows its stages once its trace is read, before
   * the first sample. */
  addStages(stageCount: number): void {
    for (let i = this.stages.length; i < stageCount; i++) this.stages.push(new RunStats([LAT_TTFT, LAT_E2E]));
  }

  requestSent(stageIndex: number): void {
    this.window.sent++;
    this.whole.sent++;
    this.stages[stageIndex].sent++;
  }

  arrivalsDropped(stageIndex: number, count: number): void {
    this.window.dropped += count;
    this.whole.dropped += count;
    this.stages[stageIndex].dropped += count;
  }

  attemptSent(stageIndex: number): void {
    this.window.attempts++;
    this.whole.attempts++;
    this.stages[stageIndex].attempts++;
  }

  scheduleLag(_stageIndex: number, lagMs: number): void {
    recordMs(this.window.latency[LAT_SCHEDULE_LAG]!, lagMs);
  }

  ttft(stageIndex: number, ttftMs: number): void {
    recordMs(this.window.latency[LAT_TTFT]!, ttftMs);
    recordMs(this.stages[stageIndex].latency[LAT_TTFT]!, ttftMs);
  }

  ttftIntended(_stageIndex: number, ttftMs: number): void {
    recordMs(this.window.latency[LAT_TTFT_INTENDED]!, ttftMs);
  }

  clientWait(_stageIndex: number, waitedMs: number): void {
    recordMs(this.window.latency[LAT_CLIENT_WAIT]!, waitedMs);
  }

  itl(gapMs: number): void {
    recordMs(this.window.latency[LAT_ITL]!, gapMs);
  }

  outputArrived(count: number): void {
    this.window.arrivedTokens += count;
  }

  attemptEnded(stageIndex: number, providerIndex: number, outcome: Outcome): void {
    this.window.path.attempt(providerIndex, outcome);
    this.whole.path.attempt(providerIndex, outcome);
    this.stages[stageIndex].path.attempt(providerIndex, outcome);
  }

  requestEnded(stageIndex: number, outcome: Outcome): void {
    const idx = OUTCOME_INDEX[outcome];
    const w = this.window;
    const all = this.whole;
    const stage = this.stages[stageIndex];
    w.finished++;
    all.finished++;
    stage.finished++;
    w.outcomes[idx]++;
    all.outcomes[idx]++;
    stage.outcomes[idx]++;
  }

  requestLatency(stageIndex: number, e2eMs: number, e2eIntendedMs: number, tpotMs: number): void {
    const w = this.window;
    recordMs(w.latency[LAT_E2E]!, e2eMs);
    recordMs(this.stages[stageIndex].latency[LAT_E2E]!, e2eMs);
    recordMs(w.latency[LAT_E2E_INTENDED]!, e2eIntendedMs);
    if (tpotMs >= 0) recordMs(w.latency[LAT_TPOT]!, tpotMs);
  }

  requestTokens(stageIndex: number, input: number, cachedInput: number, output: number, costUsd: number, fromUsage: boolean, cacheKnown: boolean): void {
    addTokens(this.window, input, cachedInput, output, costUsd, fromUsage, cacheKnown);
    addTokens(this.whole, input, cachedInput, output, costUsd, fromUsage, cacheKnown);
    addTokens(this.stages[stageIndex], input, cachedInput, output, costUsd, fromUsage, cacheKnown);
  }

  /** The spans a request counts into: this second, the run, its stage (for the request path's
   * own counters). One array reused for every call (its readers only iterate it), so finishing
   * a request allocates none. */
  spansOf(stageIndex: number): readonly RunStats[] {
    const s = this.spanScratch;
    s[0] = this.window;
    s[1] = this.whole;
    s[2] = this.stages[stageIndex];
    return s;
  }

  /** The whole run's latency histograms get this window's values. Called once per window:
   * right before it is handed over at a tick, or at the end for the last partial second. */
  mergeWindowLatency(): void {
    const w = this.window;
    for (let i = 0; i < w.latency.length; i++) this.whole.addLatency(w, i);
  }

  /** At a tick: `fresh` (a reset window) becomes the second in progress; returns the one that
   * ended. */
  nextWindow(fresh: RunStats): RunStats {
    const ended = this.window;
    this.window = fresh;
    return ended;
  }
}
