// Per-provider runtime: the resolved endpoint, one undici Pool per origin, the embedded mock
// when the provider is `type: mock`. Per-provider resilience state (issue 4's circuit breaker)
// belongs on this object.
import { Pool } from 'undici';
import type { PlanPricing, PlanProvider, ResolvedPlan } from '../core/plan';
import { startMockServer } from '../mock/mock-server';
import type { AttemptTarget } from './attempt';
import { hasSecretRef, resolveTemplate, type TemplateSources } from './plan-templates';
import { RunConfigError } from './prompt-source';

export interface ProviderRuntime {
  id: string;
  type: PlanProvider['type'];
  model: string;
  pricing: PlanPricing;
  /** Base URL for display: resolved, unless it came from a secret. */
  displayUrl: string;
  /** Origin of the provider, e.g. http://127.0.0.1:8080 (for the metrics scraper). */
  origin: string;
  target: AttemptTarget;
  pool: Pool;
  close(): Promise<void>;
}

/**
 * The chat completions path from a base URL: a base that already ends in `/chat/completions`
 * is used as is; one that ends in `/v1` (OpenAI SDK style, e.g. https://api.openai.com/v1)
 * gets `/chat/completions`; anything else gets `/v1/chat/completions`.
 */
export function completionsUrl(baseUrl: string): URL {
  const trimmed = baseUrl.replace(/\/+$/, '');
  let full: string;
  if (/\/chat\/completions$/.test(trimmed)) full = trimmed;
  else if (/\/v1$/.test(trimmed)) full = `${trimmed}/chat/completions`;
  else full = `${trimmed}/v1/chat/completions`;
  return new URL(full);
}

export async function startProviders(plan: ResolvedPlan, sources: TemplateSources, totalTimeoutMs: number): Promise<ProviderRuntime[]> {
  const out: ProviderRuntime[] = [];
  try {
    for (let i = 0; i < plan.providers.length; i++) out.push(await startProvider(plan, i, sources, totalTimeoutMs));
  } catch (error) {
    await Promise.all(out.map((p) => p.close()));
    throw error;
  }
  return out;
}

async function startProvider(plan: ResolvedPlan, index: number, sources: TemplateSources, totalTimeoutMs: number): Promise<ProviderRuntime> {
  const p = plan.providers[index];
  const field = `providers[${index}] (${p.id})`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  for (const [name, value] of Object.entries(p.headers)) headers[name.toLowerCase()] = await resolveTemplate(value, `${field}.headers.${name}`, sources);
  let baseUrl: string;
  let displayUrl: string;
  let closeMock: (() => Promise<void> | void) | null = null;
  if (p.type === 'openai') {
    baseUrl = await resolveTemplate(p.baseUrl, `${field}.baseUrl`, sources);
    displayUrl = hasSecretRef(p.baseUrl) ? p.baseUrl : baseUrl;
    if (p.apiKey !== undefined && p.apiKey !== '') headers.authorization = `Bearer ${await resolveTemplate(p.apiKey, `${field}.apiKey`, sources)}`;
  } else if (p.type === 'http') {
    throw new RunConfigError(`${field}.type: 'http' targets cannot be run by this version of the runner; use type openai (any OpenAI-compatible endpoint) or mock`);
  } else {
    const mock = await startMockServer({ port: 0, profile: p.profile, seed: plan.seed + index, overrides: p.overrides });
    baseUrl = mock.url;
    displayUrl = `${mock.url} (embedded mock, profile ${p.profile})`;
    closeMock = () => mock.close();
  }
  let url: URL;
  try {
    url = completionsUrl(baseUrl);
  } catch {
    await closeMock?.();
    throw new RunConfigError(`${field}.baseUrl: not a valid URL${hasSecretRef(p.type === 'openai' ? p.baseUrl : '') ? '' : `: ${baseUrl}`}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    await closeMock?.();
    throw new RunConfigError(`${field}.baseUrl: only http and https URLs are supported`);
  }
  const pool = new Pool(url.origin, {
    connections: Math.max(1, p.maxConnections),
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: totalTimeoutMs + 5_000,
    bodyTimeout: totalTimeoutMs + 5_000,
  });
  return {
    id: p.id,
    type: p.type,
    model: p.model,
    pricing: p.pricing,
    displayUrl,
    origin: url.origin,
    target: { dispatcher: pool, origin: url.origin, path: url.pathname + url.search, headers },
    pool,
    async close() {
      await pool.destroy().catch(() => undefined);
      await closeMock?.();
    },
  };
}
