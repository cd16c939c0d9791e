// Replay arrivals (load.model: replay): the open scheduler of arrivals.ts — its timer, batches
// and the count of arrivals still owed when the shape ends — walking the trace's recorded
// arrivals (replay-schedule.ts) instead of drawing them from a rate. Each goes out with the mix
// entry, prompt size and output size its trace recorded; shared prefix ids become shared prompt
// text (replay-prompt.ts).
import { OpenArrivals, type RecordedArrivalTarget, type RecordedRequest } from './arrivals';
import type { ReplaySession } from './replay-load';
import type { ReplayPrompts } from './replay-prompt';
import type { ReplayArrival, ReplayCursor } from './replay-schedule';
import type { RunControl } from './run-control';
import type { SeededRandom } from './seeded-random';

export class ReplayArrivals extends OpenArrivals {
  private cursor: ReplayCursor | null = null;
  /** The arrival at nextArrival's time. */
  private pending: ReplayArrival | null = null;

  constructor(
    run: RunControl,
    rng: SeededRandom,
    private readonly flow: RecordedArrivalTarget,
    private readonly session: ReplaySession,
    private readonly prompts: ReplayPrompts,
  ) {
    super(run, rng, flow);
  }

  protected override firstArrival(): number | null {
    this.cursor = this.session.cursor();
    return this.advance();
  }

  protected override launchOne(intendedMs: number): number | null {
    const run = this.run;
    this.flow.launchRecorded(run.t0 + intendedMs, run.stageIndexAt(intendedMs), this.recorded(this.pending!));
    return this.advance();
  }

  /** The due arrival and every one the trace still holds. */
  protected override owedFrom(): number {
    let owed = 1;
    while (this.advance() !== null) owed++;
    return owed;
  }

  private advance(): number | null {
    this.pending = this.cursor!.next();
    return this.pending ? this.pending.atMs : null;
  }

  private recorded(arrival: ReplayArrival): RecordedRequest {
    const trace = this.session.trace;
    const prompts = this.prompts;
    const i = arrival.index;
    const kept = trace.prompts;
    return {
      mixIndex: trace.route[i],
      promptTokens: trace.promptTokensOf(i),
      maxTokens: trace.outputTokens[i],
      promptJson: (rng) => (kept ? JSON.stringify(kept[i]) : prompts.json(trace.promptTokens[i], trace.ids, trace.idStart[i], trace.idCount[i], trace.prefixTokens[i], arrival.universe, rng)),
    };
  }
}
