// Counters and latency histograms for one span of the run: a 1-second window, a stage, or the
// whole run. Windows are recycled (reset) rather than reallocated, so memory stays flat however
// long the run is.
import type { Histogram } from 'hdr-histogram-js';
import { OUTCOMES, type Outcome, type OutcomeCounts } from '../protocol/run-events';
import { newHistogram } from './latency-histogram';
import { PathStats } from './request-path-stats';

export const LAT_TTFT = 0;
export const LAT_ITL = 1;
export const LAT_E2E = 2;
export const LAT_E2E_INTENDED = 3;
export const LAT_SCHEDULE_LAG = 4;
export const LAT_TPOT = 5;
export const LAT_TTFT_INTENDED = 6;
export const LAT_CLIENT_WAIT = 7;
export const LATENCY_NAMES = ['ttft', 'itl', 'e2e', 'e2eIntended', 'scheduleLag', 'tpot', 'ttftIntended', 'clientWait'] as const;
const ALL_LATENCIES = LATENCY_NAMES.map((_, i) => i);

export const OUTCOME_INDEX: Record<Outcome, number> = Object.fromEntries(OUTCOMES.map((o, i) => [o, i])) as Record<Outcome, number>;
const ERROR_MASK = OUTCOMES.map((o) => o !== 'ok' && o !== 'unacceptable' && o !== 'canceled' && o !== 'aborted');

export class RunStats {
  sent = 0;
  dropped = 0;
  attempts = 0;
  finished = 0;
  readonly outcomes = new Float64Array(OUTCOMES.length);
  inputTokens = 0;
  cachedTokens = 0;
  outputTokens = 0;
  /** Output tokens in the second they arrived: each streamed content event at once, the rest of
   * an attempt's count (usage beyond the events, or a whole non-streamed answer) when it ends. */
  arrivedTokens = 0;
  /** Requests whose tokens came from the server's usage / were counted from the stream. */
  usageRequests = 0;
  countedRequests = 0;
  /** Prompt tokens of requests whose usage told us the cached share. */
  cacheKnownInput = 0;
  cost = 0;
  /** Issue 4's request path: providers, degradation, response cache, agents, leaks. */
  readonly path = new PathStats();
  readonly latency: Array<Histogram | null>;

  /** `which` lists the latency histograms this span keeps (a stage needs only ttft and e2e). */
  constructor(which: readonly number[] = ALL_LATENCIES) {
    this.latency = LATENCY_NAMES.map((_, i) => (which.includes(i) ? newHistogram() : null));
  }

  reset(): void {
    this.sent = this.dropped = this.attempts = this.finished = 0;
    this.outcomes.fill(0);
    this.inputTokens = this.cachedTokens = this.outputTokens = this.arrivedTokens = 0;
    this.usageRequests = this.countedRequests = this.cacheKnownInput = 0;
    this.cost = 0;
    this.path.reset();
    for (const h of this.latency) if (h && h.totalCount > 0) h.reset();
  }

  addCounters(o: RunStats): void {
    this.sent += o.sent;
    this.dropped += o.dropped;
    this.attempts += o.attempts;
    this.finished += o.finished;
    for (let i = 0; i < this.outcomes.length; i++) this.outcomes[i] += o.outcomes[i];
    this.inputTokens += o.inputTokens;
    this.cachedTokens += o.cachedTokens;
    this.outputTokens += o.outputTokens;
    this.arrivedTokens += o.arrivedTokens;
    this.usageRequests += o.usageRequests;
    this.countedRequests += o.countedRequests;
    this.cacheKnownInput += o.cacheKnownInput;
    this.cost += o.cost;
    this.path.add(o.path);
  }

  addLatency(o: RunStats, index: number): void {
    const mine = this.latency[index];
    const theirs = o.latency[index];
    if (mine && theirs && theirs.totalCount > 0) mine.add(theirs);
  }

  outcomeCounts(): OutcomeCounts {
    const out = {} as OutcomeCounts;
    OUTCOMES.forEach((o, i) => (out[o] = this.outcomes[i]));
    return out;
  }

  errors(): number {
    let n = 0;
    for (let i = 0; i < this.outcomes.length; i++) if (ERROR_MASK[i]) n += this.outcomes[i];
    return n;
  }

  /** Finished requests with a result to judge: aborted ones (the run was stopped) are left out
   * of rate denominators because they say nothing about the target. */
  judged(): number {
    return this.finished - this.outcomes[OUTCOME_INDEX.aborted];
  }
}
