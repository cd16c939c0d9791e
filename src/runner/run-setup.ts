// Setting a run up before its first request: the plan's stages, every ${env:…}/${secret:…}
// reference resolved, the providers started (embedded mocks included), each mix entry's request
// body prebuilt, the request path, the mock's /metrics scraper and the monitors; then the
// optional cache warm-up. What was started is kept in RunResources as it starts, so a failure
// or a stop halfway still closes it.
import type { PlanLoad, ResolvedPlan } from '../core/plan';
import { estimateTokens } from '../core/token-estimate';
import type { LogEntry, StageInfo } from '../protocol/run-events';
import { runWarmup } from './cache-warmup';
import { readClientCapacity, type ClientCapacity } from './client-capacity';
import { MonitorSet, latestMonitorValue } from './monitors';
import { resolveTemplate, type TemplateSources } from './plan-templates';
import { connectionPreflight } from './preflight';
import { MetricsScraper } from './prometheus-scrape';
import { PromptMaker, RunConfigError, buildFillerText } from './prompt-source';
import { startProviders, type ProviderRuntime } from './provider-runtime';
import { startUpstreams, type UpstreamSet } from './upstreams';
import type { MixRuntime } from './request-flow';
import { RequestPath } from './request-path';
import type { RunOptions } from './run-options';
import { SeededRandom } from './seeded-random';

export class RunResources {
  providers: ProviderRuntime[] = [];
  mixes: MixRuntime[] = [];
  /** Issue 4's request path: failover, http targets, agents, degradation, cancellation checks. */
  path: RequestPath | null = null;
  /** The first embedded mock's /metrics (queue depth, KV cache), read once per tick. */
  scraper: MetricsScraper | null = null;
  monitorSet: MonitorSet | null = null;
  /** Words that synthetic prompts are cut from (seeded by the plan). */
  filler = '';
  /** What this process could open when the run was set up (file descriptors, ports). */
  capacity: ClientCapacity | null = null;
  /** The preflight's warnings, logged once the run has started. */
  preflightWarnings: string[] = [];
  /** Issue 12: the gateway's upstreams this run owns (fault proxies), null without a gateway section. */
  upstreams: UpstreamSet | null = null;

  async close(): Promise<void> {
    await Promise.all([...this.providers.map((p) => p.close()), this.upstreams?.close(), this.scraper?.close(), this.monitorSet?.close()]).catch(() => undefined);
  }
}

/** The stages of the load shape (a stage may span several segments), by index. */
export function stagesOf(load: PlanLoad): StageInfo[] {
  const byIndex = new Map<number, StageInfo>();
  for (const s of load.segments) {
    const cur = byIndex.get(s.stageIndex);
    if (!cur) byIndex.set(s.stageIndex, { name: s.stage, index: s.stageIndex, startMs: s.startMs, endMs: s.endMs });
    else {
      cur.startMs = Math.min(cur.startMs, s.startMs);
      cur.endMs = Math.max(cur.endMs, s.endMs);
    }
  }
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}

export interface SetupContext {
  plan: ResolvedPlan;
  options: RunOptions;
  /** False once the run was stopped while starting: setup returns early. */
  stillStarting(): boolean;
  now(): number;
  log(level: LogEntry['level'], message: string): void;
}

/** Fills `res`; throws RunConfigError (or any startup error) when the run cannot start. */
export async function setUpRun(res: RunResources, ctx: SetupContext): Promise<void> {
  const plan = ctx.plan;
  const options = ctx.options;
  if (plan.providers.length === 0) throw new RunConfigError('providers: the plan has no provider');
  if (plan.workload.mix.length === 0) throw new RunConfigError('workload.mix: the plan has no request mix');
  if (plan.load.segments.length === 0 || !(plan.load.durationMs > 0)) throw new RunConfigError('load.stages: the plan has no stage to run');
  const baseDir = options.baseDir ?? process.cwd();
  const filler = (res.filler = buildFillerText(new SeededRandom(plan.seed ^ 0x5eed)));
  const makers = plan.workload.mix.map((entry, i) => new PromptMaker(entry, i, baseDir, filler));
  const env = options.env ?? process.env;
  // Each secret is asked for once, however many fields use it (the editor may prompt).
  const asked = new Map<string, Promise<string | undefined>>();
  const ask = options.resolveSecret;
  const resolveSecret = ask
    ? (name: string) => {
        let p = asked.get(name);
        if (!p) asked.set(name, (p = ask(name)));
        return p;
      }
    : undefined;
  const sources: TemplateSources = { env, resolveSecret };
  res.capacity = readClientCapacity();
  // The gateway's upstream proxies listen first: a provider's gateway config names their URLs.
  res.upstreams = await startUpstreams(plan, sources);
  if (res.upstreams) sources.upstreams = res.upstreams.urls;
  // Resolve every other reference before starting any provider, so a missing one costs little.
  for (const [i, p] of plan.providers.entries()) {
    const field = `providers[${i}] (${p.id})`;
    if (p.type === 'openai') {
      await resolveTemplate(p.baseUrl, `${field}.baseUrl`, sources);
      if (p.apiKey) await resolveTemplate(p.apiKey, `${field}.apiKey`, sources);
    }
    for (const [name, value] of Object.entries(p.headers)) await resolveTemplate(value, `${field}.headers.${name}`, sources);
  }
  res.providers = await startProviders(plan, sources, plan.resilience.timeouts.totalMs);
  if (!ctx.stillStarting()) return;
  const preflight = connectionPreflight(plan, res.providers.map((p) => ({ index: p.index, origin: p.origin, embedded: p.mock !== null })), res.capacity);
  if (preflight.refusal) throw new RunConfigError(preflight.refusal);
  res.preflightWarnings = preflight.warnings;
  const byId = new Map(res.providers.map((p) => [p.id, p]));
  res.mixes = plan.workload.mix.map((entry, i) => {
    const provider = byId.get(entry.provider) ?? res.providers[0];
    const messagesHead = entry.system !== undefined ? `[${JSON.stringify({ role: 'system', content: entry.system })},{"role":"user","content":` : '[{"role":"user","content":';
    const streamPart = entry.stream ? ',"stream":true,"stream_options":{"include_usage":true}' : ',"stream":false';
    const maxTokens = Math.max(1, Math.floor(entry.maxTokens));
    return {
      entry,
      maker: makers[i],
      provider,
      bodyHead: `{"model":${JSON.stringify(provider.model)},"messages":${messagesHead}`,
      bodyTail: `}],"max_tokens":${maxTokens}${streamPart}}`,
      maxTokens,
      streamPart,
      systemTokens: entry.system !== undefined ? estimateTokens(entry.system) : 0,
    };
  });
  res.path = new RequestPath(plan, res.providers, ctx.now, (level, message) => ctx.log(level, message), latestMonitorValue, res.upstreams);
  const firstMock = res.providers.find((p) => p.type === 'mock');
  if (firstMock) res.scraper = new MetricsScraper(firstMock.origin);
  if (plan.monitors?.length) {
    const urls: string[] = [];
    for (const [i, m] of plan.monitors.entries()) urls.push(await resolveTemplate(m.url, `monitors[${i}].url`, sources));
    res.monitorSet = new MonitorSet(plan.monitors, urls, (message) => ctx.log('warn', message));
    await res.monitorSet.start();
  }
}

/** The cache warm-up before the run (cacheExperiment.warmup), not counted; returns the line to
 * log once the run has started, or null when there is none. */
export async function warmUp(res: RunResources, ctx: SetupContext): Promise<string | null> {
  const warm = ctx.plan.cacheExperiment?.warmup;
  if (!warm || !ctx.stillStarting()) return null;
  const rng = new SeededRandom(ctx.plan.seed).fork(9);
  const mixes = res.mixes.filter((m) => m.provider.type !== 'http');
  let i = 0;
  const r = await runWarmup(
    () => {
      const mix = mixes[i++ % Math.max(1, mixes.length)];
      return mix ? { target: mix.provider.target, body: mix.bodyHead + mix.maker.makeJson(rng) + mix.bodyTail, stream: mix.entry.stream } : null;
    },
    warm.rate,
    warm.durationMs,
    ctx.plan.resilience.timeouts,
    () => !ctx.stillStarting(),
  );
  return `cache warm-up: ${r.sent} requests in ${Math.round(warm.durationMs / 100) / 10}s before the run (${r.ok} ok), not counted${mixes.length < res.mixes.length ? '; http targets were not warmed' : ''}`;
}
