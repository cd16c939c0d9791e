// Hand-made runner events and results documents for report and live-view tests (the runner's
// real output is covered by the CLI end-to-end tests).
import type { ResolvedPlan } from '../../../src/core/plan';
import { OUTCOMES, type OutcomeCounts, type Percentiles, type RunEvent, type RunSummary, type ThresholdState, type TickPoint } from '../../../src/protocol/run-events';
import { applyRunEvent, createResultsDocument, type ResultsDocument } from '../../../src/report/results-document';

export function outcomes(partial: Partial<OutcomeCounts> = {}): OutcomeCounts {
  return { ...(Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as OutcomeCounts), ...partial };
}

export function pct(p50: number | null, p95: number | null = p50, count = 10): Percentiles {
  return { p50, p90: p95, p95, p99: p95, max: p95, mean: p50, min: p50, count };
}

export function samplePlan(name = 'Support bot'): ResolvedPlan {
  return {
    name,
    seed: 1,
    providers: [
      {
        id: 'primary',
        type: 'openai',
        baseUrl: '${env:BASE_URL}',
        apiKey: '${secret:OPENAI_API_KEY}',
        model: 'gpt-4o-mini',
        headers: { Authorization: 'Bearer sk-literal-should-go', 'x-team': 'search' },
        pricing: { input: 0.15, cachedInput: 0.075, output: 0.6 },
        maxConnections: 64,
      },
    ],
    workload: {
      mix: [{ name: 'faq', share: 1, weight: 1, promptTokens: { kind: 'fixed', tokens: 100 }, maxTokens: 50, stream: true, provider: 'primary' }],
      cancellations: { fraction: 0, afterMinMs: 0, afterMaxMs: 0 },
    },
    load: {
      model: 'open',
      arrival: 'poisson',
      timeScale: 1,
      maxInFlight: 100,
      thinkTimeMinMs: 0,
      thinkTimeMaxMs: 0,
      baseline: 2,
      segments: [
        { stage: 'baseline', stageIndex: 0, startMs: 0, endMs: 4000, shape: 'constant', from: 2, to: 2 },
        { stage: 'spike', stageIndex: 1, startMs: 4000, endMs: 8000, shape: 'constant', from: 20, to: 20 },
      ],
      durationMs: 8000,
    },
    resilience: {
      timeouts: { ttftMs: 10000, totalMs: 60000 },
      retries: { max: 0, backoff: 'exponential', baseMs: 250, capMs: 5000, jitter: 'full', respectRetryAfter: true, on: [] },
    },
    thresholds: [
      { id: 't0', source: 'ttft.p95 < 1.5s', metric: 'ttft.p95', op: '<', value: 1500, abortOnFail: false },
      { id: 't1', source: 'errors.rate < 1%', metric: 'errors.rate', op: '<', value: 0.01, abortOnFail: false },
    ],
  };
}

function thresholdStates(t: number, failing: boolean): ThresholdState[] {
  return [
    {
      id: 't0',
      source: 'ttft.p95 < 1.5s',
      metric: 'ttft.p95',
      pass: !failing,
      value: failing ? 2300 : 400,
      firstBreach: failing ? { t: 5, stage: 'spike', targetLevel: 20, achievedRate: 18.5, value: 2100 } : null,
    },
    { id: 't1', source: 'errors.rate < 1%', metric: 'errors.rate', pass: t > 0 ? true : null, value: 0, firstBreach: null },
  ];
}

export function samplePoint(t: number): TickPoint {
  const spike = t > 4;
  return {
    t,
    stage: spike ? 'spike' : 'baseline',
    stageIndex: spike ? 1 : 0,
    targetLevel: spike ? 20 : 2,
    multiplier: 1,
    sentRate: spike ? 18.5 : 2,
    achievedRate: spike ? 16.2 : 2,
    completedRate: spike ? 12 : 2,
    inFlight: spike ? 30 : 1,
    backlog: 0,
    dropped: 0,
    outcomes: outcomes({ ok: spike ? 11 : 2, rate_limited: spike ? 1 : 0 }),
    attempts: spike ? 12 : 2,
    ttft: pct(spike ? 900 : 120, spike ? 2300 : 200),
    itl: pct(20, 40),
    e2e: pct(spike ? 2500 : 600, spike ? 4000 : 900),
    e2eIntended: pct(spike ? 2600 : 600, spike ? 4200 : 900),
    scheduleLag: pct(1, 2),
    tokensPerSecond: spike ? 600 : 100,
    inputTokens: spike ? 1200 : 200,
    outputTokens: spike ? 600 : 100,
    cacheHitRate: null,
    cost: 0.001,
    costCumulative: 0.001 * t,
    queueDepth: spike ? 14 : 0,
    kvCacheUsage: spike ? 0.97 : 0.1,
    thresholds: thresholdStates(t, spike),
  };
}

export function sampleSummary(overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    runId: 'run-1',
    scenario: 'Support bot',
    startedAt: '2026-11-28T02:00:00.000Z',
    endedAt: '2026-11-28T02:00:08.000Z',
    durationMs: 8000,
    endReason: 'completed',
    requests: { total: 52, sent: 52, dropped: 0, attempts: 56, rate: 6.5 },
    outcomes: outcomes({ ok: 48, rate_limited: 4 }),
    ttft: pct(300, 2300, 52),
    itl: pct(20, 40, 900),
    e2e: pct(900, 4000, 52),
    e2eIntended: pct(950, 4200, 52),
    scheduleLag: pct(1, 2, 52),
    tpot: pct(20, 30, 52),
    tokens: { input: 5200, cachedInput: 0, output: 2600, perSecond: 325, method: 'usage' },
    cost: { total: 0.008, perRequest: 0.00015 },
    cacheHitRate: null,
    stages: [
      { name: 'baseline', index: 0, startMs: 0, endMs: 4000, requests: 8, outcomes: outcomes({ ok: 8 }), ttft: pct(120, 200), e2e: pct(600, 900), cost: 0.001, costPerRequest: 0.000125, achievedRate: 2 },
      { name: 'spike', index: 1, startMs: 4000, endMs: 8000, requests: 44, outcomes: outcomes({ ok: 40, rate_limited: 4 }), ttft: pct(900, 2300), e2e: pct(2500, 4000), cost: 0.007, costPerRequest: 0.00016, achievedRate: 18.5 },
    ],
    thresholds: thresholdStates(8, true),
    metrics: { 'ttft.p95': 2300, 'errors.rate': 0.077 },
    verdict: {
      pass: false,
      headline: 'ttft.p95 < 1.5s broke first, 5 s into spike at 20/s',
      firstBreach: { t: 5, stage: 'spike', targetLevel: 20, achievedRate: 18.5, value: 2100, thresholdId: 't0', source: 'ttft.p95 < 1.5s' },
    },
    ...overrides,
  };
}

export function sampleEvents(options: { seconds?: number; summary?: Partial<RunSummary> | null } = {}): RunEvent[] {
  const seconds = options.seconds ?? 8;
  const events: RunEvent[] = [
    {
      type: 'start',
      runId: 'run-1',
      scenario: 'Support bot',
      startedAt: '2026-11-28T02:00:00.000Z',
      durationMs: 8000,
      loadModel: 'open',
      stages: [
        { name: 'baseline', index: 0, startMs: 0, endMs: 4000 },
        { name: 'spike', index: 1, startMs: 4000, endMs: 8000 },
      ],
      thresholds: [
        { id: 't0', source: 'ttft.p95 < 1.5s', metric: 'ttft.p95' },
        { id: 't1', source: 'errors.rate < 1%', metric: 'errors.rate' },
      ],
      providers: [{ id: 'primary', type: 'openai', url: 'http://127.0.0.1:9/v1' }],
    },
  ];
  for (let t = 1; t <= seconds; t += 1) {
    events.push({ type: 'tick', point: samplePoint(t) });
    if (t === 5) events.push({ type: 'log', entry: { t: 5, level: 'warn', message: 'first 429 from primary' } });
  }
  if (options.summary !== null) events.push({ type: 'done', summary: sampleSummary(options.summary ?? {}) });
  return events;
}

export function sampleDocument(options: { name?: string; seconds?: number; summary?: Partial<RunSummary> | null } = {}): ResultsDocument {
  const plan = samplePlan(options.name);
  const doc = createResultsDocument({
    runId: 'run-1',
    toolVersion: '0.1.0',
    scenarioName: plan.name,
    scenarioFile: 'support.stampede.yaml',
    overrides: ['load.timeScale=60'],
    redactedPlan: plan,
    now: new Date('2026-11-28T02:00:00.000Z'),
  });
  for (const e of sampleEvents(options)) applyRunEvent(doc, e);
  return doc;
}
