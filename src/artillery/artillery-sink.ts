// The Artillery engine's sink: every sample the runner records goes out as an Artillery metric
// event on the scenario's event emitter — latencies as histograms, outcomes and tokens as
// counters, cost as micro-USD counters — the moment it is recorded. Artillery aggregates them in
// 10-second periods and merges them across workers (names: core/artillery-metrics.ts).
import {
  COUNTERS,
  HISTOGRAMS,
  allCounterNames,
  endCounter,
  attemptOutcomeCounter,
  isErrorOutcome,
  requestOutcomeCounter,
  stageMetric,
  toMicroUsd,
} from '../core/artillery-metrics';
import type { Outcome } from '../protocol/run-events';
import type { RunSink } from '../runner/run-sink';

/** The part of Artillery's scenario event emitter a sink uses. */
export interface MetricEmitter {
  emit(event: 'counter' | 'histogram', name: string, value: number): unknown;
}

export class ArtillerySink implements RunSink {
  private costUsd = 0;
  private readonly stageCostUsd: number[];
  private readonly perStage: boolean;

  constructor(private readonly ee: MetricEmitter, private readonly stageCount: number) {
    this.perStage = stageCount > 1;
    this.stageCostUsd = new Array<number>(stageCount).fill(0);
  }

  /** Every counter at 0 and this worker counted once, before the first request. */
  started(): void {
    for (const name of allCounterNames(this.stageCount)) this.ee.emit('counter', name, 0);
    this.ee.emit('counter', COUNTERS.workers, 1);
  }

  /** The worker's run ended after `runMs` with `reason` (completed, stopped, aborted, error). */
  ended(runMs: number, reason: string): void {
    this.ee.emit('counter', COUNTERS.workerMs, Math.round(runMs));
    this.ee.emit('counter', endCounter(reason), 1);
  }

  private count(name: string, value = 1): void {
    this.ee.emit('counter', name, value);
  }

  requestSent(stageIndex: number): void {
    this.count(COUNTERS.sent);
    if (this.perStage) this.count(stageMetric(stageIndex, 'sent'));
  }

  arrivalsDropped(_stageIndex: number, count: number): void {
    this.count(COUNTERS.dropped, count);
  }

  attemptSent(): void {
    this.count(COUNTERS.attempts);
  }

  scheduleLag(_stageIndex: number, lagMs: number): void {
    this.ee.emit('histogram', HISTOGRAMS.scheduleLag, lagMs);
  }

  ttft(stageIndex: number, ttftMs: number): void {
    this.ee.emit('histogram', HISTOGRAMS.ttft, ttftMs);
    if (this.perStage) this.ee.emit('histogram', stageMetric(stageIndex, 'ttft'), ttftMs);
  }

  itl(gapMs: number): void {
    this.ee.emit('histogram', HISTOGRAMS.itl, gapMs);
  }

  outputArrived(): void {
    // Output tokens are counted per request in requestTokens, from the usage when there is one.
  }

  attemptEnded(_stageIndex: number, _providerIndex: number, outcome: Outcome): void {
    this.count(attemptOutcomeCounter(outcome));
  }

  requestEnded(stageIndex: number, outcome: Outcome): void {
    const failed = isErrorOutcome(outcome);
    this.count(requestOutcomeCounter(outcome));
    this.count(COUNTERS.finished);
    if (failed) this.count(COUNTERS.failed);
    if (!this.perStage) return;
    this.count(stageMetric(stageIndex, 'finished'));
    this.count(stageMetric(stageIndex, outcome));
  }

  requestLatency(stageIndex: number, e2eMs: number, e2eIntendedMs: number, tpotMs: number): void {
    this.ee.emit('histogram', HISTOGRAMS.e2e, e2eMs);
    this.ee.emit('histogram', HISTOGRAMS.e2eIntended, e2eIntendedMs);
    if (tpotMs >= 0) this.ee.emit('histogram', HISTOGRAMS.tpot, tpotMs);
    if (this.perStage) this.ee.emit('histogram', stageMetric(stageIndex, 'e2e'), e2eMs);
  }

  requestTokens(stageIndex: number, input: number, cachedInput: number, output: number, costUsd: number, fromUsage: boolean, cacheKnown: boolean): void {
    this.count(COUNTERS.inputTokens, input);
    this.count(COUNTERS.cachedInputTokens, cachedInput);
    this.count(COUNTERS.outputTokens, output);
    if (cacheKnown) this.count(COUNTERS.cacheKnownInputTokens, input);
    this.count(fromUsage ? COUNTERS.usageCounted : COUNTERS.streamCounted);
    // Whole micro-dollars, as the difference of the rounded running total, so the counters add
    // up to the exact total rounded once rather than accumulating a rounding per request.
    const before = this.costUsd;
    this.costUsd += costUsd;
    const micro = toMicroUsd(this.costUsd) - toMicroUsd(before);
    if (micro !== 0) this.count(COUNTERS.costMicroUsd, micro);
    if (this.perStage && stageIndex < this.stageCount) {
      const stageBefore = this.stageCostUsd[stageIndex];
      this.stageCostUsd[stageIndex] += costUsd;
      const stageMicro = toMicroUsd(this.stageCostUsd[stageIndex]) - toMicroUsd(stageBefore);
      if (stageMicro !== 0) this.count(stageMetric(stageIndex, 'cost_micro_usd'), stageMicro);
    }
  }
}
