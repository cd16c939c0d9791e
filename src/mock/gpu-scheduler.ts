// The simulated GPU: a discrete-time engine loop like vLLM's. One timer drives it; each engine
// step admits waiting sequences, prefills a chunk of prompt tokens and decodes one token for
// every running sequence, and lasts (decode base + per-sequence cost x batch) + (prefilled
// tokens / prefill rate). That is what makes TTFT, ITL and queue depth climb under a spike,
// while the cost to the host stays one timer and one pass over the batch per step.
import { MAX_TIMER_MS } from '../core/limits';
import type { MockProfile } from './profiles';

export interface SequenceListener {
  /** Called after the step that produced token number `seq.generated` (1-based). */
  onToken(seq: Sequence): void;
  /** Called once the last token is produced and the sequence has left the batch. */
  onComplete(seq: Sequence): void;
  /** Called when prefill is done, before the first token is reported. */
  onPrefilled(seq: Sequence): void;
}

export type SequenceState = 'waiting' | 'running' | 'done' | 'cancelled';

export class Sequence {
  state: SequenceState = 'waiting';
  /** Prompt tokens still to prefill. */
  prefillLeft: number;
  generated = 0;
  readonly enqueuedAt: number;
  admittedAt = 0;
  prefilledAt = 0;
  /** Prompt tokens this step prefills; 0 when it decodes instead. */
  stepPrefill = 0;
  stepDecodes = false;
  /** Tokens one decode step yields: a degraded, cheaper model decodes faster. */
  tokensPerStep = 1;

  constructor(
    readonly promptTokens: number,
    readonly cachedTokens: number,
    readonly outputTokens: number,
    readonly listener: SequenceListener,
    now: number,
  ) {
    this.prefillLeft = Math.max(0, promptTokens - cachedTokens);
    this.enqueuedAt = now;
  }

  /** KV-cache tokens held from admission to completion. */
  get reservation(): number {
    return this.promptTokens + this.outputTokens;
  }
}

export type SubmitResult = 'admitted' | 'queued' | 'queue_full';

export class GpuScheduler {
  private waiting: Sequence[] = [];
  private waitingHead = 0;
  private running: Sequence[] = [];
  private reservedTokens = 0;
  private timer: NodeJS.Timeout | null = null;
  private stepStartedAt = 0;
  /** When the step now running should end; -1 while idle. */
  private intendedEnd = -1;
  private closed = false;
  generationTokens = 0;
  prefillTokens = 0;

  constructor(
    private readonly profile: MockProfile,
    private readonly now: () => number,
  ) {}

  get runningCount(): number {
    return this.running.length;
  }

  get waitingCount(): number {
    return this.waiting.length - this.waitingHead;
  }

  /** Share of the KV budget held by running sequences, 0..1. */
  get kvUsage(): number {
    return Math.min(1, this.reservedTokens / this.profile.kvCacheTokens);
  }

  /** Queues a sequence; a full queue refuses it at once. */
  submit(seq: Sequence): SubmitResult {
    if (this.waitingCount === 0 && this.canAdmit(seq)) {
      // Joins the batch now and takes part from the next step on, as in continuous batching.
      this.admit(seq);
      if (this.timer === null) this.startStep();
      return 'admitted';
    }
    if (this.waitingCount >= this.profile.queueCapacity) return 'queue_full';
    this.waiting.push(seq);
    if (this.timer === null) this.startStep();
    return 'queued';
  }

  /** Takes a sequence out of the queue or the batch and frees its KV reservation. */
  cancel(seq: Sequence): void {
    if (seq.state === 'waiting') {
      const index = this.waiting.indexOf(seq, this.waitingHead);
      if (index >= 0) this.waiting.splice(index, 1);
    } else if (seq.state === 'running') {
      const index = this.running.indexOf(seq);
      if (index >= 0) this.running.splice(index, 1);
      this.reservedTokens -= seq.reservation;
    } else {
      return;
    }
    seq.state = 'cancelled';
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const seq of this.running) seq.state = 'cancelled';
    for (let i = this.waitingHead; i < this.waiting.length; i++) this.waiting[i]!.state = 'cancelled';
    this.running = [];
    this.waiting = [];
    this.waitingHead = 0;
    this.reservedTokens = 0;
  }

  private canAdmit(seq: Sequence): boolean {
    return this.running.length < this.profile.batchSlots && this.reservedTokens + seq.reservation <= this.profile.kvCacheTokens;
  }

  private admit(seq: Sequence): void {
    seq.state = 'running';
    seq.admittedAt = this.now();
    this.reservedTokens += seq.reservation;
    this.running.push(seq);
  }

  private admitWaiting(): void {
    // FIFO without head-of-line bypass, as vLLM's default scheduler: a long prompt that does
    // not fit blocks the ones behind it, which is exactly the spike behaviour to show.
    while (this.waitingHead < this.waiting.length) {
      const next = this.waiting[this.waitingHead]!;
      if (!this.canAdmit(next)) break;
      this.waitingHead++;
      this.admit(next);
    }
    if (this.waitingHead > 1024 && this.waitingHead * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.waitingHead);
      this.waitingHead = 0;
    }
  }

  private startStep(): void {
    if (this.closed) return;
    this.admitWaiting();
    const { profile } = this;
    let prefillBudget = profile.maxPrefillTokensPerStep;
    let prefilled = 0;
    let decoding = 0;
    for (const seq of this.running) {
      if (seq.prefillLeft > 0) {
        const chunk = Math.min(seq.prefillLeft, prefillBudget);
        seq.stepPrefill = chunk;
        seq.stepDecodes = false;
        prefillBudget -= chunk;
        prefilled += chunk;
      } else {
        seq.stepPrefill = 0;
        seq.stepDecodes = true;
        decoding++;
      }
    }
    if (this.running.length === 0) {
      this.timer = null;
      this.intendedEnd = -1;
      return;
    }
    const decodeMs = decoding > 0 ? profile.decodeStepBaseMs + profile.decodeStepPerSeqMs * decoding : 0;
    const prefillMs = prefilled > 0 && profile.prefillTokensPerSecond > 0 ? (prefilled * 1000) / profile.prefillTokensPerSecond : 0;
    // A step that prefills but decodes nothing still pays one forward pass for the first token.
    const stepMs = decodeMs + prefillMs + (decoding === 0 ? profile.decodeStepBaseMs : 0);
    const now = this.now();
    // Timers fire late by a millisecond or so; taking that out of the next step keeps the
    // simulated token rate true over a long stream. A long stall is not made up for.
    const late = this.intendedEnd < 0 ? 0 : Math.min(stepMs, Math.max(0, now - this.intendedEnd));
    this.stepStartedAt = now - late;
    this.intendedEnd = this.stepStartedAt + stepMs;
    // A step longer than a Node timer can hold (absurd overrides) ends at the timer's limit.
    this.timer = setTimeout(this.endStep, Math.min(MAX_TIMER_MS, stepMs - late));
  }

  private readonly endStep = (): void => {
    this.timer = null;
    if (this.closed) return;
    const finished: Sequence[] = [];
    // Snapshot: listeners may cancel sequences while tokens are handed out.
    const batch = this.running.slice();
    const now = this.now();
    for (const seq of batch) {
      if (seq.state !== 'running') continue;
      if (seq.stepPrefill > 0) {
        seq.prefillLeft -= seq.stepPrefill;
        seq.stepPrefill = 0;
        if (seq.prefillLeft > 0) continue;
        // vLLM's prefill step also samples the first token.
        this.markPrefilled(seq, now);
      } else if (!seq.stepDecodes) {
        continue;
      } else if (seq.generated === 0) {
        this.markPrefilled(seq, now);
      }
      if (seq.state !== 'running') continue;
      const produced = Math.min(seq.tokensPerStep, seq.outputTokens - seq.generated);
      seq.generated += produced;
      this.generationTokens += produced;
      if (seq.generated >= seq.outputTokens) finished.push(seq);
      seq.listener.onToken(seq);
    }
    for (const seq of finished) {
      if (seq.state !== 'running') continue;
      const index = this.running.indexOf(seq);
      if (index >= 0) this.running.splice(index, 1);
      this.reservedTokens -= seq.reservation;
      seq.state = 'done';
      seq.listener.onComplete(seq);
    }
    this.startStep();
  };

  private markPrefilled(seq: Sequence, now: number): void {
    seq.prefilledAt = now;
    this.prefillTokens += seq.promptTokens;
    seq.listener.onPrefilled(seq);
  }

  /** When the current step started (for diagnostics). */
  get currentStepStartedAt(): number {
    return this.stepStartedAt;
  }
}
