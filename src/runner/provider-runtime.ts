// Per-provider runtime: the resolved endpoint, one undici Pool per origin, the embedded mock
// when the provider is `type: mock`. Per-provider resilience state (issue 4's circuit breaker)
// belongs on this object.
import { Pool } from 'undici';
import type { PlanPricing, PlanProvider, ResolvedPlan } from '../core/plan';
import type { PlanHttpTarget } from '../core/plan-failure-modes';
import { startMockServer, type MockServer } from '../mock/mock-server';
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
  /** Position in plan.providers (failover order). */
  index: number;
  /** The embedded mock (type mock): its counters verify cancellations; its fault clock starts at run time 0. */
  mock: MockServer | null;
  /** The request and response format of a `type: http` target. */
  http: PlanHttpTarget | null;
  close(): Promise<void>;
}

/**
 * The chat completions URL from a base URL, as OpenAI's SDKs build it: the base as given plus
 * `/chat/completions` (https://api.openai.com/v1, Gemini's …/v1beta/openai), its query kept
 * (Azure's ?api-version=…). A bare origin gets `/v1` first, where vLLM, Ollama and TGI serve
 * it; a base that already ends in `/chat/completions` is used as it is.
 */
export function completionsUrl(baseUrl: string): URL {
  const url = new URL(baseUrl);
  const path = url.pathname.replace(/\/+$/, '');
  if (/\/chat\/completions$/.test(path)) url.pathname = path;
  else url.pathname = `${path === '' ? '/v1' : path}/chat/completions`;
  return url;
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
  let mockServer: MockServer | null = null;
  let method: string | undefined;
  let http: PlanHttpTarget | null = null;
  if (p.type === 'openai') {
    baseUrl = await resolveTemplate(p.baseUrl, `${field}.baseUrl`, sources);
    displayUrl = hasSecretRef(p.baseUrl) ? p.baseUrl : baseUrl;
    if (p.apiKey !== undefined && p.apiKey !== '') headers.authorization = `Bearer ${await resolveTemplate(p.apiKey, `${field}.apiKey`, sources)}`;
  } else if (p.type === 'http') {
    baseUrl = await resolveTemplate(p.target.url, `${field}.target.url`, sources);
    displayUrl = hasSecretRef(p.target.url) ? p.target.url : baseUrl;
    method = p.target.method.toUpperCase();
    // References in the body are resolved once; in a JSON body each value goes in JSON-escaped.
    const body = p.target.body === undefined ? undefined : await resolveTemplate(p.target.body, `${field}.body`, sources, p.target.bodyEncoding === 'text' ? undefined : (v) => JSON.stringify(v).slice(1, -1));
    http = body === undefined ? p.target : { ...p.target, body };
    for (const [name, value] of Object.entries(p.target.headers)) headers[name.toLowerCase()] = await resolveTemplate(value, `${field}.target.headers.${name}`, sources);
    // The default JSON content type fits only a JSON body; the target's own headers win.
    const own = Object.keys(p.target.headers).some((n) => n.toLowerCase() === 'content-type') || Object.keys(p.headers).some((n) => n.toLowerCase() === 'content-type');
    if (!own) {
      if (p.target.body === undefined) delete headers['content-type'];
      else if (p.target.bodyEncoding === 'text') headers['content-type'] = 'text/plain; charset=utf-8';
    }
  } else {
    const mock = await startMockServer({ port: 0, profile: p.profile, seed: plan.seed + index, overrides: p.overrides, behaviour: p.behaviour });
    mockServer = mock;
    baseUrl = mock.url;
    displayUrl = `${mock.url} (embedded mock, profile ${p.profile})`;
    closeMock = () => mock.close();
  }
  let url: URL;
  const urlField = p.type === 'http' ? `${field}.target.url` : `${field}.baseUrl`;
  try {
    url = p.type === 'http' ? new URL(baseUrl) : completionsUrl(baseUrl);
  } catch {
    await closeMock?.();
    throw new RunConfigError(`${urlField}: not a valid URL${hasSecretRef(p.type === 'openai' ? p.baseUrl : p.type === 'http' ? p.target.url : '') ? '' : `: ${baseUrl}`}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    await closeMock?.();
    throw new RunConfigError(`${urlField}: only http and https URLs are supported`);
  }
  // A cap the scenario set is the Pool's too, so no more connections ever open. A cap that
  // follows the plan (and the live multiplier) is kept by the connection gate alone.
  const pool = new Pool(url.origin, {
    connections: p.maxConnectionsFromPlan ? null : Math.max(1, p.maxConnections),
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
    target: { dispatcher: pool, origin: url.origin, path: url.pathname + url.search, headers, ...(method ? { method } : {}) },
    pool,
    index,
    mock: mockServer,
    http,
    async close() {
      await pool.destroy().catch(() => undefined);
      await closeMock?.();
    },
  };
}
