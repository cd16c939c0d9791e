// Cache A/B: the same load runs twice, cache on then cache off, and the summary reports hit rate
// and latency side by side. The "on" run is the run (its ticks, logs and summary); the "off"
// run's ticks are not forwarded (they would repeat the clock), its logs are, marked.
//
// The switch: a header or query parameter on every provider, or a top-level body field on http
// targets, as the scenario names it. An embedded mock has no such switch, so for a mock provider
// the experiment turns its response cache and prefix cache on and off directly.
import type { PlanProvider, ResolvedPlan } from '../core/plan';
import type { CacheABSide, RunSummary } from '../protocol/run-events';
import type { RunHandle, RunOptions } from './run-options';

type Side = 'on' | 'off';

function withQuery(url: string, name: string, value: string): string {
  const hash = url.indexOf('#');
  const base = hash >= 0 ? url.slice(0, hash) : url;
  return `${base}${base.includes('?') ? '&' : '?'}${encodeURIComponent(name)}=${encodeURIComponent(value)}${hash >= 0 ? url.slice(hash) : ''}`;
}

function switchProvider(p: PlanProvider, kind: 'header' | 'query' | 'body', name: string, value: string, side: Side): PlanProvider {
  if (p.type === 'mock') {
    const behaviour = p.behaviour ? { ...p.behaviour, ...(p.behaviour.responseCache ? { responseCache: { ...p.behaviour.responseCache, enabled: side === 'on' } } : {}) } : undefined;
    return { ...p, overrides: { ...p.overrides, prefixCache: side === 'on' }, ...(behaviour ? { behaviour } : {}) };
  }
  if (kind === 'header') return { ...p, headers: { ...p.headers, [name]: value } };
  if (kind === 'query') {
    if (p.type === 'http') return { ...p, target: { ...p.target, url: withQuery(p.target.url, name, value) } };
    return { ...p, baseUrl: withQuery(p.baseUrl, name, value) };
  }
  if (p.type === 'http' && p.target.body !== undefined && p.target.bodyEncoding === 'json') {
    const body = p.target.body.trimStart();
    if (body.startsWith('{')) {
      const rest = body.slice(1).trimStart();
      return { ...p, target: { ...p.target, body: `{${JSON.stringify(name)}:${JSON.stringify(value)}${rest.startsWith('}') ? '' : ','}${rest}` } };
    }
  }
  return p;
}

export function planForSide(plan: ResolvedPlan, side: Side): ResolvedPlan {
  const sw = plan.cacheExperiment?.ab?.switch;
  if (!sw) return plan;
  const value = side === 'on' ? sw.on : sw.off;
  return { ...plan, providers: plan.providers.map((p) => switchProvider(p, sw.kind, sw.name, value, side)) };
}

export function sideOf(s: RunSummary): CacheABSide {
  return { requests: s.requests.total, hitRate: s.metrics['cache.hitRate'] ?? s.cacheHitRate, ttft: { p50: s.ttft.p50, p95: s.ttft.p95 }, e2e: { p95: s.e2e.p95 } };
}

/** Runs the A/B experiment with `start` (the engine's single-run entry). */
export function startCacheAB(options: RunOptions, start: (o: RunOptions) => RunHandle): RunHandle {
  type StopRequest = { reason: 'stopped' | 'aborted'; message?: string };
  let stopped = null as StopRequest | null;
  // Read through a function: the flag is set from the handle while the first run is going.
  const stopRequest = (): StopRequest | null => stopped;
  let multiplier = 1;
  let resolveDone!: (s: RunSummary) => void;
  const done = new Promise<RunSummary>((r) => (resolveDone = r));
  const emit = options.onEvent;
  const forward = (e: Parameters<RunOptions['onEvent']>[0]) => {
    try {
      emit(e);
    } catch {
      // a throwing listener must not end the experiment
    }
  };
  const body = options.plan.cacheExperiment?.ab?.switch;
  const usesBody = body?.kind === 'body' && options.plan.providers.some((p) => p.type === 'openai' || p.type === 'anthropic' || p.type === 'gemini');
  let current = start({
    ...options,
    plan: planForSide(options.plan, 'on'),
    onEvent: (e) => {
      if (e.type !== 'done') forward(e);
      if (e.type === 'start' && usesBody) forward({ type: 'log', entry: { t: 0, level: 'warn', message: `cache.ab.switch.body is applied to http targets only; openai, anthropic and gemini providers get the same request in both runs` } });
    },
  });
  const handle: RunHandle = {
    runId: current.runId,
    done,
    stop: (reason = 'stopped', message) => {
      stopped = { reason, ...(message ? { message } : {}) };
      current.stop(reason, message);
    },
    setMultiplier: (m) => {
      multiplier = m;
      current.setMultiplier(m);
    },
  };
  void current.done.then((on) => {
    if (stopped || on.endReason !== 'completed') {
      resolveAndEmit(on);
      return;
    }
    forward({ type: 'log', entry: { t: on.durationMs / 1000, level: 'info', message: 'cache A/B: the "on" run finished; running the same load with the cache off' } });
    current = start({
      ...options,
      runId: `${on.runId}-cache-off`,
      plan: planForSide(options.plan, 'off'),
      onEvent: (e) => {
        if (e.type === 'log') forward({ type: 'log', entry: { ...e.entry, t: on.durationMs / 1000 + e.entry.t, message: `[cache off] ${e.entry.message}` } });
      },
    });
    if (multiplier !== 1) current.setMultiplier(multiplier);
    const late = stopRequest();
    if (late) current.stop(late.reason, late.message);
    void current.done.then((off) => resolveAndEmit({ ...on, cacheAB: { on: sideOf(on), off: sideOf(off) } }));
  });
  function resolveAndEmit(summary: RunSummary): void {
    forward({ type: 'done', summary });
    resolveDone(summary);
  }
  return handle;
}
