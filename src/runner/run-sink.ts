// What the runner records, sample by sample, as it happens. The local run's per-second
// statistics are one sink (stats-sink.ts); a caller of startRun adds others with
// RunOptions.sinks — an Artillery engine emitting its histograms and counters per sample, say.
//
// The request flow calls the local sink directly and the others through one SinkFanOut, which
// exists only when there are others: with none, nothing extra runs per sample. Sinks are called
// on the hot path (an ITL sample per streamed token), so they should be cheap.
//
// Times are milliseconds, cost is USD, stage indexes are the plan's (PlanSegment.stageIndex).
// Issue 4's request-path counters (failover, degradation, response cache, agent steps, leaked
// cancellations) are not samples here: they stay in the local statistics.
import type { Outcome } from '../protocol/run-events';

export interface RunSink {
  /** An arrival became a request; its first attempt is dispatched right after. */
  requestSent(stageIndex: number): void;
  /** Arrivals that were due but never sent: load.maxInFlight was reached, or the runner still
   * owed them when the load shape ended (it fell behind its schedule). */
  arrivalsDropped(stageIndex: number, count: number): void;
  /** An attempt was dispatched: a request's first, a retry, or an agent task's next model call. */
  attemptSent(stageIndex: number): void;
  /** A request's first attempt was written to a socket, `lagMs` after its intended send time. */
  scheduleLag(stageIndex: number, lagMs: number): void;
  /** A request's first content token, `ttftMs` after its first send (retries and their waits
   * included). Once per request, in the moment the token arrives. */
  ttft(stageIndex: number, ttftMs: number): void;
  /** The same first token, `ttftMs` after the request's intended send (the closed user's send,
   * the open model's arrival): time waiting inside Stampede included. Optional: a sink that
   * leaves it out is not sent it. */
  ttftIntended?(stageIndex: number, ttftMs: number): void;
  /** An attempt left Stampede's connection queue for undici after `waitedMs` (0: a connection
   * was free at once). Optional, as ttftIntended. */
  clientWait?(stageIndex: number, waitedMs: number): void;
  /** A gap between two content tokens of one attempt. */
  itl(gapMs: number): void;
  /** Output tokens reached the client now: 1 for each streamed content token (every attempt's
   * first included), and when an ok or canceled attempt ends, the rest of its count (usage
   * beyond the streamed events, or a whole non-streamed answer; negative when the usage counted
   * fewer tokens than the stream had events). Live tokens/s only: requestTokens is the count. */
  outputArrived(count: number): void;
  /** An attempt ended, with the provider (plan index) it went to. */
  attemptEnded(stageIndex: number, providerIndex: number, outcome: Outcome): void;
  /** A request ended with its user-visible outcome: after retries, failover and agent steps,
   * or 'aborted' when the run ended while it waited. */
  requestEnded(stageIndex: number, outcome: Outcome): void;
  /** Latencies of a request that ended ok: E2E from its first send, E2E from its intended send
   * (coordinated omission shows here), and TPOT — negative when the answer was not streamed or
   * had a single token. */
  requestLatency(stageIndex: number, e2eMs: number, e2eIntendedMs: number, tpotMs: number): void;
  /** Tokens and cost of a request that delivered (ok or canceled), an agent task's earlier model
   * calls included. `fromUsage`: the server's usage (or an http target's extraction) gave the
   * output count, rather than counting the stream. `cacheKnown`: the usage said how much of the
   * input was cached, so it counts toward the cache hit rate's denominator. */
  requestTokens(stageIndex: number, input: number, cachedInput: number, output: number, costUsd: number, fromUsage: boolean, cacheKnown: boolean): void;
}

/**
 * The sinks a caller added, behind one object. A sink that throws stops receiving samples and
 * `onFailure` is told once (the run then ends with an error rather than a sink's consumer
 * silently missing samples).
 */
export class SinkFanOut implements RunSink {
  private sinks: RunSink[];

  constructor(sinks: readonly RunSink[], private readonly onFailure: (error: unknown) => void) {
    this.sinks = [...sinks];
  }

  private failed(error: unknown): void {
    this.sinks = [];
    this.onFailure(error);
  }

  requestSent(stageIndex: number): void {
    try {
      for (const s of this.sinks) s.requestSent(stageIndex);
    } catch (error) {
      this.failed(error);
    }
  }

  arrivalsDropped(stageIndex: number, count: number): void {
    try {
      for (const s of this.sinks) s.arrivalsDropped(stageIndex, count);
    } catch (error) {
      this.failed(error);
    }
  }

  attemptSent(stageIndex: number): void {
    try {
      for (const s of this.sinks) s.attemptSent(stageIndex);
    } catch (error) {
      this.failed(error);
    }
  }

  scheduleLag(stageIndex: number, lagMs: number): void {
    try {
      for (const s of this.sinks) s.scheduleLag(stageIndex, lagMs);
    } catch (error) {
      this.failed(error);
    }
  }

  ttft(stageIndex: number, ttftMs: number): void {
    try {
      for (const s of this.sinks) s.ttft(stageIndex, ttftMs);
    } catch (error) {
      this.failed(error);
    }
  }

  ttftIntended(stageIndex: number, ttftMs: number): void {
    try {
      for (const s of this.sinks) s.ttftIntended?.(stageIndex, ttftMs);
    } catch (error) {
      this.failed(error);
    }
  }

  clientWait(stageIndex: number, waitedMs: number): void {
    try {
      for (const s of this.sinks) s.clientWait?.(stageIndex, waitedMs);
    } catch (error) {
      this.failed(error);
    }
  }

  itl(gapMs: number): void {
    try {
      for (const s of this.sinks) s.itl(gapMs);
    } catch (error) {
      this.failed(error);
    }
  }

  outputArrived(count: number): void {
    try {
      for (const s of this.sinks) s.outputArrived(count);
    } catch (error) {
      this.failed(error);
    }
  }

  attemptEnded(stageIndex: number, providerIndex: number, outcome: Outcome): void {
    try {
      for (const s of this.sinks) s.attemptEnded(stageIndex, providerIndex, outcome);
    } catch (error) {
      this.failed(error);
    }
  }

  requestEnded(stageIndex: number, outcome: Outcome): void {
    try {
      for (const s of this.sinks) s.requestEnded(stageIndex, outcome);
    } catch (error) {
      this.failed(error);
    }
  }

  requestLatency(stageIndex: number, e2eMs: number, e2eIntendedMs: number, tpotMs: number): void {
    try {
      for (const s of this.sinks) s.requestLatency(stageIndex, e2eMs, e2eIntendedMs, tpotMs);
    } catch (error) {
      this.failed(error);
    }
  }

  requestTokens(stageIndex: number, input: number, cachedInput: number, output: number, costUsd: number, fromUsage: boolean, cacheKnown: boolean): void {
    try {
      for (const s of this.sinks) s.requestTokens(stageIndex, input, cachedInput, output, costUsd, fromUsage, cacheKnown);
    } catch (error) {
      this.failed(error);
    }
  }
}
