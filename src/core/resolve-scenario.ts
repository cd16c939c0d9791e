// resolveScenario(): a parsed scenario value -> the fully defaulted ResolvedPlan the runner
// consumes, plus the semantic problems a schema cannot express. No I/O: prompt and data files
// are named, not read; ${env:…}/${secret:…} references stay unresolved.
import type {
  MockProfileName,
  PlanBudget,
  PlanCancellations,
  PlanMixEntry,
  PlanPricing,
  PlanPromptSource,
  PlanProvider,
  PlanThreshold,
  ResolvedPlan,
  TokenDistribution,
} from './plan';
import type { Problem } from './problem';
import { ProblemSink } from './problem-sink';
import type { SourceLocator } from './yaml-source';
import { asBoolean, asFields, asList, asNumber, asString, asStringOrNumber, has, type Fields } from './read-value';
import { checkInterpolations, hasReference } from './interpolation';
import { plannedConcurrency } from './load-shape';
import { resolveLoad } from './resolve-load';
import { resolveResilience } from './resolve-resilience';
import { resolveHttpTarget } from './resolve-http-target';
import { resolveMockBehaviour } from './resolve-mock-behaviour';
import type { RunClock } from './resolve-faults';
import { misplacedProviderFields } from './provider-fields';
import { resolveAgent } from './resolve-agent';
import { resolveDegradation } from './resolve-degradation';
import { monitorSeriesNames, resolveMonitors } from './resolve-monitors';
import { resolveCacheExperiment } from './resolve-cache-experiment';
import type { PlanMonitor } from './plan-failure-modes';
import { parseThresholdExpression } from './threshold-expression';
import { parseDuration, parseFraction, parseRange, parseUsd } from './units';
import { suggestionSuffix } from './did-you-mean';
import { resolveExtract } from './resolve-extract';
import { resolveExpect } from './resolve-expect';
import { checkGatewayThresholds, checkUpstreamReferences, resolveGateway, upstreamNames } from './resolve-gateway';

export const MOCK_DEFAULT_MODEL = 'mock-llama-3-8b';
export const MOCK_DEFAULT_PRICING: PlanPricing = { input: 0.15, cachedInput: 0.075, output: 0.6 };
export const DEFAULT_PROMPT_TOKENS: TokenDistribution = { kind: 'lognormal', median: 400, p95: 1500 };
const DEFAULT_MAX_TOKENS = 256;
/** maxConnections until the load is known (then plannedConcurrency replaces it). */
const DEFAULT_MAX_CONNECTIONS = 256;
const SECRET_HEADER = /^(authorization|proxy-authorization|x-api-key|api-key)$/i;

export interface ResolveOptions {
  locator?: SourceLocator;
  sourcePath?: string;
}

function resolvePricing(raw: unknown, defaults: PlanPricing): PlanPricing {
  const pricing = asFields(raw);
  const input = asNumber(pricing?.input) ?? defaults.input;
  return {
    input,
    cachedInput: asNumber(pricing?.cachedInput) ?? (has(pricing, 'input') ? input : defaults.cachedInput),
    output: asNumber(pricing?.output) ?? defaults.output,
  };
}

function resolveProviders(raw: unknown, clock: RunClock, sink: ProblemSink, upstreams: readonly string[] | null): PlanProvider[] {
  if (raw === undefined) {
    return [{ id: 'mock', type: 'mock', profile: 'small-gpu', model: MOCK_DEFAULT_MODEL, headers: {}, pricing: { ...MOCK_DEFAULT_PRICING }, maxConnections: DEFAULT_MAX_CONNECTIONS, maxConnectionsFromPlan: true, overrides: {} }];
  }
  const providers: PlanProvider[] = [];
  const seen = new Set<string>();
  asList(raw).forEach((item, index) => {
    const provider = asFields(item);
    const path = ['providers', index];
    if (!provider) return;
    const id = asString(provider.id);
    if (id !== undefined) {
      if (seen.has(id)) sink.error('duplicate-id', `provider id '${id}' is used twice: ids must be unique`, [...path, 'id']);
      seen.add(id);
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(asFields(provider.headers) ?? {})) {
      if (typeof value !== 'string') continue;
      headers[name] = value;
      if (SECRET_HEADER.test(name) && !hasReference(value)) {
        sink.warning('literal-secret', `header '${name}' holds a literal credential: put secrets in \${secret:NAME} or \${env:NAME}`, [...path, 'headers', name]);
      }
    }
    const maxConnections = asNumber(provider.maxConnections) ?? DEFAULT_MAX_CONNECTIONS;
    const fromPlan = asNumber(provider.maxConnections) === undefined ? { maxConnectionsFromPlan: true } : {};
    const type = provider.type;
    if (type === 'mock' || type === 'openai' || type === 'http') {
      for (const misplaced of misplacedProviderFields(type, provider)) sink.error('wrong-provider-type', misplaced.message, [...path, misplaced.field], 'key');
    }
    if (type === 'mock') {
      const overrides: Record<string, number | boolean | string> = {};
      for (const [name, value] of Object.entries(asFields(provider.overrides) ?? {})) {
        if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') overrides[name] = value;
      }
      const mock: PlanProvider = {
        id: id ?? `provider${index + 1}`,
        type: 'mock',
        profile: (asString(provider.profile) as MockProfileName | undefined) ?? 'small-gpu',
        model: asString(provider.model) ?? MOCK_DEFAULT_MODEL,
        headers,
        pricing: resolvePricing(provider.pricing, MOCK_DEFAULT_PRICING),
        maxConnections,
        ...fromPlan,
        overrides,
      };
      const behaviour = resolveMockBehaviour(provider, path, clock, sink);
      if (behaviour) mock.behaviour = behaviour;
      if (has(provider, 'extract')) mock.extract = resolveExtract(provider.extract, [...path, 'extract'], sink, upstreams);
      providers.push(mock);
    } else if (type === 'http') {
      const target = resolveHttpTarget(provider, path, headers, sink, upstreams);
      if (!has(provider, 'pricing') && !has(asFields(provider.extract), 'costUsd')) {
        sink.warning('no-pricing', `provider '${id ?? index}' has no pricing and no extract.costUsd: cost metrics and the budget will read $0 — add pricing: { input, output } in USD per 1M tokens, or extract.costUsd`, [...path, 'type'], 'key');
      }
      providers.push({
        id: id ?? `provider${index + 1}`,
        type: 'http',
        model: asString(provider.model) ?? '',
        headers,
        pricing: resolvePricing(provider.pricing, { input: 0, cachedInput: 0, output: 0 }),
        maxConnections,
        ...fromPlan,
        target,
      });
    } else if (type === 'openai') {
      const baseUrl = asString(provider.baseUrl);
      if (baseUrl !== undefined && !hasReference(baseUrl) && !/^https?:\/\/[^\s/$.?#][^\s]*$/i.test(baseUrl)) {
        sink.error('bad-url', `baseUrl is not an http(s) URL: write e.g. https://api.openai.com/v1 or \${env:OPENAI_BASE_URL}`, [...path, 'baseUrl']);
      }
      const apiKey = asString(provider.apiKey);
      if (apiKey !== undefined && !hasReference(apiKey)) {
        sink.warning('literal-secret', `apiKey is written in the file: put secrets in \${secret:NAME} or \${env:NAME}`, [...path, 'apiKey']);
      }
      if (!has(provider, 'pricing')) {
        sink.warning('no-pricing', `provider '${id ?? index}' has no pricing: cost metrics and the budget will read $0 — add pricing: { input, output } in USD per 1M tokens`, [...path, 'type'], 'key');
      }
      const plan: PlanProvider = {
        id: id ?? `provider${index + 1}`,
        type: 'openai',
        baseUrl: baseUrl ?? '',
        model: asString(provider.model) ?? '',
        headers,
        pricing: resolvePricing(provider.pricing, { input: 0, cachedInput: 0, output: 0 }),
        maxConnections,
        ...fromPlan,
      };
      if (apiKey !== undefined) plan.apiKey = apiKey;
      if (has(provider, 'extract')) plan.extract = resolveExtract(provider.extract, [...path, 'extract'], sink, upstreams);
      providers.push(plan);
    }
  });
  return providers;
}

/** promptTokens or maxTokens: a fixed count or one of the distribution pairs. */
function resolveTokenDistribution(raw: unknown, path: Array<string | number>, sink: ProblemSink, fallback: TokenDistribution): TokenDistribution {
  const field = String(path[path.length - 1]);
  if (typeof raw === 'number') return Number.isInteger(raw) && raw >= 1 ? { kind: 'fixed', tokens: raw } : fallback;
  const fields = asFields(raw);
  if (!fields) return fallback;
  const known = ['median', 'p95', 'mean', 'stddev', 'min', 'max'];
  if (Object.keys(fields).some((key) => !known.includes(key))) return fallback; // unknown field, reported by the schema
  const keys = Object.keys(fields).sort().join(',');
  const n = (key: string) => asNumber(fields[key]) ?? 0;
  switch (keys) {
    case 'median,p95':
      if (n('p95') < n('median')) sink.error('bad-distribution', `p95 (${n('p95')}) is below the median (${n('median')})`, [...path, 'p95']);
      return { kind: 'lognormal', median: n('median'), p95: n('p95') };
    case 'mean,stddev':
      return { kind: 'normal', mean: n('mean'), stddev: n('stddev') };
    case 'max,min':
      if (n('max') < n('min')) sink.error('bad-distribution', `max (${n('max')}) is below min (${n('min')})`, [...path, 'max']);
      return { kind: 'uniform', min: n('min'), max: n('max') };
    default:
      sink.error('bad-distribution', `${field} needs exactly one pair: { median, p95 }, { mean, stddev } or { min, max } — got { ${Object.keys(fields).join(', ')} }`, path, 'key');
      return fallback;
  }
}

/** The one number a distribution stands for where one is needed (estimates, http bodies). */
function typicalTokens(dist: TokenDistribution): number {
  const v = dist.kind === 'fixed' ? dist.tokens : dist.kind === 'lognormal' ? dist.median : dist.kind === 'normal' ? dist.mean : (dist.min + dist.max) / 2;
  return Math.max(1, Math.round(v));
}

function resolvePrompt(raw: unknown, path: Array<string | number>, sink: ProblemSink): PlanPromptSource | undefined {
  const prompt = asFields(raw);
  if (!prompt) return undefined;
  const source: PlanPromptSource = {};
  const file = asString(prompt.file);
  const template = asString(prompt.template);
  if (file !== undefined && template !== undefined) sink.error('conflict', `a prompt comes from 'file' or 'template', not both`, [...path, 'template'], 'key');
  if (!has(prompt, 'file') && !has(prompt, 'template')) sink.error('missing-field', `a prompt needs 'file' (a path) or 'template' (the text)`, path, 'key');
  if (file !== undefined) source.file = file;
  if (template !== undefined) source.template = template;
  const data = asFields(prompt.data);
  if (data) {
    const dataFile = asString(data.file) ?? '';
    let format = asString(data.format) as 'csv' | 'jsonl' | undefined;
    if (!format) {
      if (/\.csv$/i.test(dataFile)) format = 'csv';
      else if (/\.(jsonl|ndjson)$/i.test(dataFile)) format = 'jsonl';
      else if (dataFile !== '') sink.error('data-format', `cannot tell the format of '${dataFile}' from its extension: add format: csv or format: jsonl`, [...path, 'data', 'file']);
    }
    source.data = { file: dataFile, format: format ?? 'csv', order: data.order === 'random' ? 'random' : 'sequential' };
  }
  return source;
}

function resolveWorkload(raw: unknown, providers: readonly PlanProvider[], providersChecked: boolean, sink: ProblemSink): ResolvedPlan['workload'] | undefined {
  const providerIds = providers.map((p) => p.id);
  const workload = asFields(raw);
  if (!workload) return undefined;
  const stream = asBoolean(workload.stream) ?? true;
  const names = new Set<string>();
  const entries: Array<Omit<PlanMixEntry, 'share'>> = [];
  asList(workload.mix).forEach((item, index) => {
    const entry = asFields(item);
    const path = ['workload', 'mix', index];
    if (!entry) return;
    const name = asString(entry.name) ?? `entry ${index + 1}`;
    if (names.has(name)) sink.error('duplicate-name', `mix entry name '${name}' is used twice: names must be unique`, [...path, 'name']);
    names.add(name);
    if (has(entry, 'prompt') && has(entry, 'promptTokens')) {
      sink.error('conflict', `give 'prompt' or 'promptTokens', not both: with a prompt, its size is measured from the text`, [...path, 'promptTokens'], 'key');
    }
    let provider = providerIds[0] ?? 'mock';
    if (has(entry, 'provider')) {
      const wanted = asString(entry.provider);
      if (wanted !== undefined) {
        if (providersChecked && !providerIds.includes(wanted)) {
          const known = providerIds.length ? `known providers: ${providerIds.join(', ')}` : 'no providers are defined';
          sink.error('unknown-provider', `unknown provider '${wanted}'${suggestionSuffix(wanted, providerIds) || ` (${known})`}`, [...path, 'provider']);
        }
        provider = wanted;
      }
    }
    const resolved: Omit<PlanMixEntry, 'share'> = {
      name,
      weight: asNumber(entry.weight) ?? 1,
      promptTokens: has(entry, 'promptTokens') ? resolveTokenDistribution(entry.promptTokens, [...path, 'promptTokens'], sink, DEFAULT_PROMPT_TOKENS) : DEFAULT_PROMPT_TOKENS,
      maxTokens: DEFAULT_MAX_TOKENS,
      stream: asBoolean(entry.stream) ?? stream,
      provider,
    };
    if (has(entry, 'maxTokens')) {
      const dist = resolveTokenDistribution(entry.maxTokens, [...path, 'maxTokens'], sink, { kind: 'fixed', tokens: DEFAULT_MAX_TOKENS });
      resolved.maxTokens = typicalTokens(dist);
      if (dist.kind !== 'fixed') resolved.maxTokensDist = dist;
    }
    const prompt = has(entry, 'prompt') ? resolvePrompt(entry.prompt, [...path, 'prompt'], sink) : undefined;
    if (prompt) resolved.prompt = prompt;
    const system = asString(entry.system);
    if (system !== undefined) resolved.system = system;
    const agent = has(entry, 'agent') ? resolveAgent(entry.agent, [...path, 'agent'], sink) : undefined;
    if (agent) {
      resolved.agent = agent;
      if (providers.find((p) => p.id === provider)?.type === 'http') {
        sink.error('wrong-provider-type', `an agent loop drives OpenAI tool calls, which an http target does not speak: send this entry to an openai or mock provider`, [...path, 'agent'], 'key');
      }
    }
    if (has(entry, 'expect')) {
      const check = resolveExpect(entry.expect, [...path, 'expect'], sink, providers.find((p) => p.id === provider)?.type);
      if (check) resolved.expect = check;
    }
    const identical = asBoolean(entry.identicalPrompt);
    if (identical !== undefined) {
      resolved.identicalPrompt = identical;
      if (identical && prompt?.data) {
        sink.error('conflict', `identicalPrompt sends one prompt every time, but 'prompt.data' gives each request its own row: remove one`, [...path, 'identicalPrompt'], 'key');
      }
    }
    entries.push(resolved);
  });
  const total = entries.reduce((sum, e) => sum + (e.weight > 0 ? e.weight : 0), 0);
  if (entries.length > 0 && total <= 0) {
    sink.error('zero-weights', `the weights of the mix sum to 0: give at least one entry a weight above 0`, ['workload', 'mix'], 'key');
  }
  const mix = entries.map((e) => ({ ...e, share: total > 0 ? Math.max(e.weight, 0) / total : 0 }));

  const cancellations: PlanCancellations = { fraction: 0, afterMinMs: 1000, afterMaxMs: 2000 };
  const cancel = asFields(workload.cancellations);
  if (cancel) {
    const fraction = asStringOrNumber(cancel.fraction);
    if (fraction !== undefined) {
      const parsed = parseFraction(fraction);
      if (parsed.ok) cancellations.fraction = parsed.value;
      else if (typeof fraction === 'string' && /%$/.test(fraction)) sink.error('bad-fraction', parsed.message, ['workload', 'cancellations', 'fraction']);
    }
    if (typeof cancel.after === 'string') {
      const range = parseRange(cancel.after);
      if (range.ok) {
        cancellations.afterMinMs = range.value.minMs;
        cancellations.afterMaxMs = range.value.maxMs;
      } else if (/\.\./.test(cancel.after)) {
        sink.error('bad-range', range.message, ['workload', 'cancellations', 'after']);
      }
    }
    if (cancellations.fraction > 0 && !mix.some((e) => e.stream)) {
      sink.warning('no-effect', `cancellations apply to streaming requests, and no mix entry streams`, ['workload', 'cancellations'], 'key');
    }
    const verify = asFields(cancel.verify);
    if (verify) {
      const within = typeof verify.within === 'string' ? parseDuration(verify.within) : undefined;
      if (within?.ok && within.value <= 0) sink.error('out-of-range', `'within' must be longer than 0`, ['workload', 'cancellations', 'verify', 'within']);
      cancellations.verify = { series: asString(verify.series) ?? 'running', withinMs: within?.ok && within.value > 0 ? within.value : 5000 };
    }
  }
  return { mix, cancellations };
}

function resolveBudget(raw: unknown): PlanBudget | undefined {
  const budget = asFields(raw);
  const limit = asStringOrNumber(budget?.maxCostUsd);
  if (!budget || limit === undefined) return undefined;
  const parsed = parseUsd(limit);
  return { maxCostUsd: parsed.ok ? parsed.value : 0, onExceed: budget.onExceed === 'warn' ? 'warn' : 'abort' };
}

function resolveThresholds(raw: unknown, sink: ProblemSink): PlanThreshold[] {
  const thresholds: PlanThreshold[] = [];
  asList(raw).forEach((item, index) => {
    const fields = asFields(item);
    const text = typeof item === 'string' ? item : asString(fields?.expr);
    if (text === undefined) return;
    const path = typeof item === 'string' ? ['thresholds', index] : ['thresholds', index, 'expr'];
    if (text.includes('${')) return; // reported by the interpolation check
    const parsed = parseThresholdExpression(text);
    if (!parsed.ok) {
      sink.errorInString(parsed.code, parsed.message, path, text, parsed.start, parsed.end);
      return;
    }
    thresholds.push({
      id: `t${index}`,
      source: text.trim(),
      metric: parsed.expression.metric,
      op: parsed.expression.op,
      value: parsed.expression.value,
      abortOnFail: asBoolean(fields?.abortOnFail) ?? false,
      range: sink.rangeOf(path),
    });
  });
  return thresholds;
}

/** A cancellation check needs something to read: the mock's counters, or a monitor series. */
function checkCancellationVerify(workload: ResolvedPlan['workload'], providers: readonly PlanProvider[], monitors: PlanMonitor[] | undefined, sink: ProblemSink): void {
  const verify = workload.cancellations.verify;
  if (!verify) return;
  const path = ['workload', 'cancellations', 'verify'];
  if (workload.cancellations.fraction <= 0) {
    sink.warning('no-effect', `nothing to verify: no requests are cancelled (cancellations.fraction is 0)`, path, 'key');
  }
  const series = monitorSeriesNames(monitors);
  const cancelledOn = [...new Set(workload.mix.filter((e) => e.stream).map((e) => e.provider))];
  const unmonitored = cancelledOn.filter((id) => providers.find((p) => p.id === id)?.type !== 'mock');
  if (series.includes(verify.series)) return;
  if (series.length > 0) {
    sink.error('unknown-series', `unknown monitor series '${verify.series}'${suggestionSuffix(verify.series, series) || ` (monitors define: ${series.join(', ')})`}`, [...path, 'series']);
  } else if (unmonitored.length > 0) {
    sink.error('needs-monitor', `verifying cancellations on '${unmonitored[0]}' needs a monitor series '${verify.series}' (e.g. vllm:num_requests_running): add one under 'monitors' — only the mock can be checked without one`, path, 'key');
  }
}

/** Builds the plan; problems include only semantic ones (schema problems come from analyzeScenario). */
export function resolveScenario(value: unknown, options: ResolveOptions = {}): { plan: ResolvedPlan | null; problems: Problem[] } {
  const sink = new ProblemSink(options.locator);
  const root: Fields = asFields(value) ?? {};
  checkInterpolations(root, sink);
  const shape = resolveLoad(root.load, sink);
  const load = shape?.load;
  const clock: RunClock = { scale: load?.timeScale ?? 1, durationMs: load?.durationMs ?? 0 };
  const names = upstreamNames(root);
  checkUpstreamReferences(root.providers, names, sink, ['providers']);
  const gateway = resolveGateway(root.gateway, clock, sink);
  const providers = resolveProviders(root.providers, clock, sink, names);
  const providersChecked = root.providers === undefined || asList(root.providers).every((p) => typeof asFields(p)?.id === 'string');
  const workload = resolveWorkload(root.workload, providers, providersChecked, sink);
  const resilience = resolveResilience(root.resilience, asList(root.providers).length || 1, sink);
  const budget = resolveBudget(root.budget);
  const thresholds = resolveThresholds(root.thresholds, sink);
  checkGatewayThresholds(thresholds, { gateway }, sink);
  const degradation = resolveDegradation(root.degradation, sink);
  const monitors = resolveMonitors(root.monitors, sink);
  const cacheExperiment = resolveCacheExperiment(root.cache, clock, sink);
  if (workload) checkCancellationVerify(workload, providers, monitors, sink);
  const name = asString(root.name);
  if (sink.hasErrors || !workload || !load || name === undefined) return { plan: null, problems: sink.problems };
  // A connection per request in flight, unless the scenario caps them: a cap nobody asked for
  // would hold the planned load inside Stampede (docs/scenario.md, maxConnections).
  const concurrency = plannedConcurrency(load, cacheExperiment?.herd?.requests ?? 0);
  for (const p of providers) if (p.maxConnectionsFromPlan) p.maxConnections = concurrency;
  const plan: ResolvedPlan = {
    name,
    seed: asNumber(root.seed) ?? 1,
    providers,
    workload,
    load,
    resilience,
    thresholds,
  };
  const description = asString(root.description);
  if (description !== undefined) plan.description = description;
  if (options.sourcePath !== undefined) plan.sourcePath = options.sourcePath;
  if (budget) plan.budget = budget;
  if (degradation) plan.degradation = degradation;
  if (monitors) plan.monitors = monitors;
  if (cacheExperiment) plan.cacheExperiment = cacheExperiment;
  if (shape?.breakingPoint) plan.breakingPoint = shape.breakingPoint;
  if (gateway) plan.gateway = gateway;
  return { plan, problems: sink.problems };
}
