// Per-provider runtime: the resolved endpoint, one undici Pool per origin, the dialect it speaks
// and the tokenizer that counts its text, the embedded mock when the provider is `type: mock`.
// Per-provider resilience state (issue 4's circuit breaker) belongs on this object.
import { Pool } from 'undici';
import { defaultTokenizer, dialectOf } from '../core/dialects';
import type { PlanPricing, PlanProvider, ResolvedPlan, TokenizerName } from '../core/plan';
import type { PlanHttpTarget } from '../core/plan-failure-modes';
import { startMockServer, type MockServer } from '../mock/mock-server';
import type { AttemptTarget } from './attempt';
import { loadTokenizer, type Tokenizer } from '../tokenizers/tokenizer';
import type { Dialect } from './dialects/dialect';
import { dialectFor } from './dialects/dialects';
import { hasSecretRef, resolveTemplate, type TemplateSources } from './plan-templates';
import { RunConfigError } from './prompt-source';

export { completionsUrl } from './dialects/endpoints';

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
  /** The wire format; null for `type: http`. */
  dialect: Dialect | null;
  tokenizer: TokenizerName;
  /** The tokenizer itself, loaded before the run. */
  counter: Tokenizer;
  /** Whether answers' text is kept to be counted by the tokenizer: while the provider has not
   * shown that it reports usage (once it has, counting would be wasted work). */
  countText: boolean;
  /** performance.now() before which rate-limit headers are not read again (a sample every
   * 100 ms per provider is plenty for a per-second view, and keeps header scans off most
   * responses). */
  nextRateLimitRead: number;
  close(): Promise<void>;
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
  const dialectId = dialectOf(p);
  const dialect = dialectId === null ? null : dialectFor(dialectId);
  let http: PlanHttpTarget | null = null;
  if (p.type === 'openai' || p.type === 'anthropic' || p.type === 'gemini') {
    baseUrl = await resolveTemplate(p.baseUrl, `${field}.baseUrl`, sources);
    displayUrl = hasSecretRef(p.baseUrl) ? p.baseUrl : baseUrl;
    const apiKey = p.apiKey !== undefined && p.apiKey !== '' ? await resolveTemplate(p.apiKey, `${field}.apiKey`, sources) : undefined;
    // The provider's own headers (a gateway's key, say) win over the dialect's.
    for (const [name, value] of Object.entries(dialect!.authHeaders(apiKey, p.type === 'anthropic' ? p.apiVersion : undefined))) headers[name] ??= value;
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
    const mock = await startMockServer({ port: 0, profile: p.profile, seed: plan.seed + index, overrides: p.overrides, behaviour: p.behaviour, ...(p.tokenizer ? { tokenizer: p.tokenizer } : {}) });
    mockServer = mock;
    baseUrl = mock.url;
    displayUrl = `${mock.url} (embedded mock, profile ${p.profile}${dialectId !== 'openai' ? `, ${dialectId}` : ''})`;
    closeMock = () => mock.close();
    if (dialectId === 'anthropic') headers['anthropic-version'] ??= '2023-06-01';
  }
  let url: URL;
  let jsonPath: string | undefined;
  const urlField = p.type === 'http' ? `${field}.target.url` : `${field}.baseUrl`;
  try {
    // Streaming is a mix entry's choice, but a provider has one URL: Gemini's differs, so a
    // provider answering both gets its streaming URL and requests that do not stream are
    // pointed at :generateContent by the request path.
    url = p.type === 'http' ? new URL(baseUrl) : dialect!.url(baseUrl, p.model, true);
    if (dialect?.id === 'gemini') {
      const json = dialect.url(baseUrl, p.model, false);
      jsonPath = json.pathname + json.search;
    }
  } catch {
    await closeMock?.();
    const template = p.type === 'http' ? p.target.url : p.type === 'mock' ? '' : p.baseUrl;
    throw new RunConfigError(`${urlField}: not a valid URL${hasSecretRef(template) ? '' : `: ${baseUrl}`}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    await closeMock?.();
    throw new RunConfigError(`${urlField}: only http and https URLs are supported`);
  }
  const tokenizer = p.tokenizer ?? defaultTokenizer(p.type, dialectId, p.model);
  // Loaded (and checked) with the prompts before any provider started.
  const counter = loadTokenizer(tokenizer);
  // A cap the scenario set is the Pool's too, so no more connections ever open. A cap that
  // follows the plan (and the live load multiplier) is kept by the connection gate alone.
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
    target: { dispatcher: pool, origin: url.origin, path: url.pathname + url.search, headers, dialect, ...(jsonPath ? { jsonPath } : {}), ...(method ? { method } : {}) },
    pool,
    index,
    mock: mockServer,
    http,
    dialect,
    tokenizer,
    counter,
    countText: tokenizer !== 'approx',
    nextRateLimitRead: 0,
    async close() {
      await pool.destroy().catch(() => undefined);
      await closeMock?.();
    },
  };
}
