// Runs the engine in a worker thread with the same RunHandle semantics as startRun. Secrets are
// resolved here, in the parent, and handed to the worker by value.
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { RunEvent, RunSummary } from '../protocol/run-events';
import { METRIC_KEYS } from '../../vocabulary/metric-catalog';
import { secretNamesIn } from './plan-templates';
import type { RunHandle, RunOptions } from './run-options';
import type { RunWorkerData, RunWorkerMessage } from './worker';

export function startRunInWorker(options: RunOptions & { workerPath: string }): RunHandle {
  const runId = options.runId ?? `run-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`;
  let worker: Worker | null = null;
  let settled = false;
  let started = false;
  let pending: RunWorkerMessage[] = [];
  let resolveDone!: (s: RunSummary) => void;
  const done = new Promise<RunSummary>((resolve) => (resolveDone = resolve));

  const emit = (event: RunEvent) => {
    try {
      options.onEvent(event);
    } catch {
      // onEvent must not throw; ignore a listener that does.
    }
  };

  // internal: the worker broke (a bug), rather than the configuration it was given.
  const fail = (message: string, internal = true) => {
    if (settled) return;
    settled = true;
    const now = new Date().toISOString();
    if (!started) {
      emit({ type: 'start', runId, scenario: options.plan.name, startedAt: now, durationMs: options.plan.load.durationMs, loadModel: options.plan.load.model, stages: [], thresholds: [], providers: [] });
    }
    emit({ type: 'log', entry: { t: 0, level: 'error', message } });
    const summary = errorSummary(runId, options.plan.name, now, message, internal);
    emit({ type: 'done', summary });
    resolveDone(summary);
    void worker?.terminate();
  };

  const send = (message: RunWorkerMessage) => {
    if (worker) worker.postMessage(message);
    else pending.push(message);
  };

  void (async () => {
    const secrets: Record<string, string> = {};
    try {
      for (const name of secretNamesIn(options.plan)) {
        const value = options.resolveSecret ? await options.resolveSecret(name) : undefined;
        if (value !== undefined) secrets[name] = value;
      }
    } catch (error) {
      fail(`could not read secrets: ${error instanceof Error ? error.message : String(error)}`, false);
      return;
    }
    const env: Record<string, string | undefined> = { ...(options.env ?? process.env) };
    const data: RunWorkerData = { plan: options.plan, baseDir: options.baseDir, runId, secrets, env };
    try {
      worker = new Worker(options.workerPath, { workerData: data });
    } catch (error) {
      fail(`could not start the runner worker (${options.workerPath}): ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    for (const m of pending) worker.postMessage(m);
    pending = [];
    worker.on('message', (event: RunEvent) => {
      if (settled) return;
      if (event.type === 'start') started = true;
      emit(event);
      if (event.type === 'done') {
        settled = true;
        resolveDone(event.summary);
        void worker?.terminate();
      }
    });
    worker.on('error', (error) => fail(`the runner worker failed: ${error.message}`));
    worker.on('exit', (code) => fail(`the runner worker exited (code ${code}) before the run finished`));
  })();

  return {
    runId,
    done,
    stop: (reason = 'stopped', message) => send({ type: 'stop', reason, message }),
    setMultiplier: (value) => send({ type: 'setMultiplier', value }),
  };
}

function errorSummary(runId: string, scenario: string, at: string, message: string, internal: boolean): RunSummary {
  const empty = { p50: null, p90: null, p95: null, p99: null, max: null, mean: null, min: null, count: 0 };
  const outcomes = { ok: 0, unacceptable: 0, rate_limited: 0, server_error: 0, client_error: 0, timeout: 0, network: 0, canceled: 0, aborted: 0 };
  return {
    runId,
    scenario,
    startedAt: at,
    endedAt: at,
    durationMs: 0,
    endReason: 'error',
    endMessage: message,
    ...(internal ? { internalError: true as const } : {}),
    requests: { total: 0, sent: 0, dropped: 0, attempts: 0, rate: 0 },
    outcomes,
    ttft: empty,
    itl: empty,
    e2e: empty,
    e2eIntended: empty,
    scheduleLag: empty,
    tpot: empty,
    tokens: { input: 0, cachedInput: 0, output: 0, perSecond: 0, method: 'none' },
    cost: { total: 0, perRequest: null },
    cacheHitRate: null,
    stages: [],
    thresholds: [],
    metrics: Object.fromEntries(METRIC_KEYS.map((k) => [k, null])),
    verdict: { pass: false, headline: `ERROR — ${message}`, firstBreach: null },
  };
}
