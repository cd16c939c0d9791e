// Thundering-herd probe: at `at`, a burst of identical requests at a key nobody asked for
// before. Against the embedded mock, duplicate upstream computations are the growth of its
// mock_duplicate_computations_total counter around the burst (a cache without coalescing
// computes the same answer once per request; with coalescing, once). The latency spike is read
// from the per-second series after the burst against the run's typical E2E before it.
import { Client } from 'undici';
import type { HerdResult, RunSummary, TickPoint } from '../protocol/run-events';
import { promValue } from './prometheus-scrape';

/** How long after the burst the counter is read again: duplicates are counted as misses arrive. */
const SETTLE_MS = 1000;
/** Seconds after the burst searched for its latency. */
const SPIKE_WINDOW_S = 10;

export interface HerdProbeState {
  t: number;
  requests: number;
  duplicateComputations: number | null;
  method: HerdResult['method'];
}

async function readCounter(origin: string): Promise<number | null> {
  const client = new Client(origin, { headersTimeout: 2_000, bodyTimeout: 2_000 });
  try {
    const res = await client.request({ path: '/metrics', method: 'GET' });
    const text = await res.body.text();
    return res.statusCode === 200 ? promValue(text, 'mock_duplicate_computations_total') : null;
  } catch {
    return null;
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** The cold key: a prompt no workload entry produces, unique per run. */
export function herdPromptJson(runId: string): string {
  return JSON.stringify(`Herd probe ${runId}: summarise the refund policy for orders shipped abroad in three sentences.`);
}

export class HerdProbe {
  state: HerdProbeState | null = null;
  private pending: Promise<void> | null = null;

  constructor(private readonly mockOrigin: string | null) {}

  /** Reads the counter, sends the burst through `launch`, reads the counter again after it settles. */
  fire(tSeconds: number, requests: number, launch: () => void): void {
    const state: HerdProbeState = { t: tSeconds, requests, duplicateComputations: null, method: this.mockOrigin ? 'mock-counters' : 'none' };
    this.state = state;
    const origin = this.mockOrigin;
    if (!origin) {
      for (let i = 0; i < requests; i++) launch();
      return;
    }
    this.pending = (async () => {
      const before = await readCounter(origin);
      for (let i = 0; i < requests; i++) launch();
      await new Promise((r) => setTimeout(r, SETTLE_MS).unref());
      const after = await readCounter(origin);
      if (before !== null && after !== null) state.duplicateComputations = Math.max(0, after - before);
    })();
  }

  /** Waits (bounded) for the second counter read, so the summary has it. */
  async settle(): Promise<void> {
    if (this.pending) await Promise.race([this.pending, new Promise((r) => setTimeout(r, SETTLE_MS * 3).unref())]);
  }
}

export function herdResult(state: HerdProbeState, ticks: readonly TickPoint[]): HerdResult {
  const before = ticks.filter((p) => p.t <= state.t && p.e2e.p50 !== null).map((p) => p.e2e.p50!);
  const typical = before.length ? [...before].sort((a, b) => a - b)[Math.floor((before.length - 1) / 2)] : null;
  let worst: number | null = null;
  for (const p of ticks) {
    if (p.t > state.t && p.t <= state.t + SPIKE_WINDOW_S && p.e2e.p95 !== null) worst = worst === null ? p.e2e.p95 : Math.max(worst, p.e2e.p95);
  }
  return {
    t: state.t,
    requests: state.requests,
    duplicateComputations: state.duplicateComputations,
    method: state.method,
    latencyP95: worst,
    latencySpike: worst !== null && typical !== null && typical > 0 ? worst / typical : null,
  };
}

/** Puts the herd on the analysis timeline when it computed the same answer more than once. */
export function withHerd(summary: RunSummary, herd: HerdResult, ticks: readonly TickPoint[]): RunSummary {
  const out: RunSummary = { ...summary, herd };
  if (!summary.analysis || !herd.duplicateComputations) return out;
  const at = ticks.find((p) => p.t >= herd.t) ?? ticks[ticks.length - 1];
  const event = {
    kind: 'herd' as const,
    t: herd.t,
    stage: at?.stage ?? '',
    targetLevel: at?.targetLevel ?? 0,
    message: `thundering herd: ${herd.requests} identical requests at a cold key computed ${herd.duplicateComputations + 1} times upstream`,
    value: herd.duplicateComputations,
  };
  const timeline = [...summary.analysis.timeline, event].sort((a, b) => a.t - b.t || (a.kind === 'threshold' ? 0 : 1) - (b.kind === 'threshold' ? 0 : 1));
  out.analysis = { ...summary.analysis, timeline, firstBreak: timeline[0] };
  return out;
}
