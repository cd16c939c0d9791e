// What is checked before a run sends anything: every ${env:…} and ${secret:…} the plan uses has
// a value, every prompt file reads, and the providers outside Stampede (not its mocks, nor the
// upstream proxies a gateway section makes it start) accept a connection. A problem here is a
// configuration error: the front end (editor or CLI) reports it and starts nothing, so no
// results folder, history entry or report is left behind. The engine keeps its own checks for
// callers that skip this.
import { connect } from 'node:net';
import type { ResolvedPlan } from '../core/plan';
import { unresolvedReferences, type UnresolvedReference } from '../core/interpolation';
import { PromptMaker, RunConfigError, buildFillerText } from './prompt-source';
import { SeededRandom } from './seeded-random';

const OWNED_UPSTREAM = /\$\{upstream:/;

/** How long a provider may take to accept a TCP connection before it counts as unreachable. */
export const CONNECT_TIMEOUT_MS = 3000;

export interface PreflightProblem {
  message: string;
  /** The reference without a value, when that is the problem (to point at its line). */
  reference?: UnresolvedReference;
}

export interface PreflightResult {
  /** Configuration errors: the run must not start. */
  errors: PreflightProblem[];
  /** Worth saying before the run, not worth refusing it (one of several providers is down). */
  warnings: string[];
}

export interface PreflightOptions {
  env: Record<string, string | undefined>;
  /** The value of `${secret:NAME}`, as the run will get it. */
  secret: (name: string) => string | undefined;
  /** Folder prompt files are relative to. */
  baseDir: string;
  connectTimeoutMs?: number;
}

export async function preflightRun(plan: ResolvedPlan, options: PreflightOptions): Promise<PreflightResult> {
  const errors: PreflightProblem[] = [];
  const warnings: string[] = [];
  const lookup = (kind: 'env' | 'secret', name: string) => (kind === 'env' ? options.env[name] : options.secret(name));
  for (const reference of unresolvedReferences(plan, lookup)) {
    const what = reference.kind === 'env' ? `environment variable ${reference.name} is not set` : `secret ${reference.name} is not set`;
    errors.push({ message: `${reference.field}: ${what} (referenced as \${${reference.kind}:${reference.name}})`, reference });
  }
  const filler = buildFillerText(new SeededRandom(plan.seed ^ 0x5eed));
  plan.workload.mix.forEach((entry, i) => {
    try {
      new PromptMaker(entry, i, options.baseDir, filler);
    } catch (error) {
      if (error instanceof RunConfigError) errors.push({ message: error.message });
      else throw error;
    }
  });
  if (errors.length) return { errors, warnings };

  const outside = plan.providers.flatMap((p, i) => {
    const url = p.type === 'openai' ? p.baseUrl : p.type === 'http' ? p.target.url : null;
    // ${upstream:NAME} is a fault proxy the run itself starts (gateway.upstreams): nothing to probe yet.
    return url === null || OWNED_UPSTREAM.test(url) ? [] : [{ id: p.id, field: `providers[${i}].${p.type === 'openai' ? 'baseUrl' : 'url'}`, url: resolveReferences(url, lookup) }];
  });
  const checks = await Promise.all(outside.map(async (p) => ({ ...p, failure: await connectFailure(p.url, options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS) })));
  const down = checks.filter((c) => c.failure !== null);
  const described = down.map((c) => `${c.field} (${c.id}): ${c.failure}`);
  // Every provider out of reach: nothing to measure. One of several: a failover test may mean it.
  if (down.length > 0 && down.length === plan.providers.length) {
    for (const text of described) errors.push({ message: `${text} — no provider can be reached, so the run would measure only connection errors` });
  } else {
    for (const text of described) warnings.push(`${text}; its requests will fail over or count as network errors`);
  }
  return { errors, warnings };
}

function resolveReferences(value: string, lookup: (kind: 'env' | 'secret', name: string) => string | undefined): string {
  return value.replace(/\$\{(env|secret):([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, kind: 'env' | 'secret', name: string) => lookup(kind, name) ?? whole);
}

/** Why a TCP connection to the URL's host and port fails, or null when it is accepted. The URL's
 * text never appears (it may hold a secret); its host and port do. */
function connectFailure(url: string, timeoutMs: number): Promise<string | null> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.resolve('not a valid URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return Promise.resolve(`only http and https URLs are supported, not ${parsed.protocol}`);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const port = Number(parsed.port) || (parsed.protocol === 'https:' ? 443 : 80);
  const where = `${parsed.host.includes(':') ? parsed.host : `${parsed.host}:${port}`}`;
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (failure: string | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(failure);
    };
    const timer = setTimeout(() => done(`${where} did not accept a connection within ${Math.round(timeoutMs / 100) / 10} s`), timeoutMs);
    socket.once('connect', () => done(null));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'ECONNREFUSED' ? 'refused the connection' : error.code === 'ENOTFOUND' ? 'host not found' : (error.code ?? error.message);
      done(`${where}: ${why}`);
    });
  });
}
