// The gateway's upstreams the run owns (issue 12): for each, an embedded mock (when asked for)
// and a fault proxy in front of it or of the real URL, on the run's clock, counted by an
// UpstreamTruth. Started before the providers (whose gateway config may name `${upstream:NAME}`),
// closed with every socket when the run ends, fails or is stopped.
import type { ResolvedPlan } from '../core/plan';
import { faultWindowsOf } from '../core/gateway-analysis';
import { displayUpstream, startFaultProxy, type FaultProxy } from '../mock/fault-proxy';
import { startMockServer, type MockServer } from '../mock/mock-server';
import { resolveTemplate, type TemplateSources } from './plan-templates';
import { RunConfigError } from './prompt-source';
import { UpstreamTruth } from './upstream-truth';

export interface UpstreamSet {
  truth: UpstreamTruth;
  /** `${upstream:NAME}` → the proxy's URL. */
  urls: Record<string, string>;
  /** One line per upstream for the run's log: name, URL, target, faults. */
  describe(): string[];
  /** Run time 0: every proxy's fault schedule and the counting start now. */
  setRunStart(t0: number): void;
  close(): Promise<void>;
}

/** Starts every upstream of `plan.gateway`; on a failure closes what started and throws a RunConfigError. */
export async function startUpstreams(plan: ResolvedPlan, sources: TemplateSources): Promise<UpstreamSet | null> {
  const gateway = plan.gateway;
  if (!gateway || gateway.upstreams.length === 0) return null;
  const proxies: FaultProxy[] = [];
  const mocks: MockServer[] = [];
  const close = async (): Promise<void> => {
    await Promise.all([...proxies.map((p) => p.close()), ...mocks.map((m) => m.close())]).catch(() => undefined);
  };
  let truth: UpstreamTruth | null = null;
  const infos: Array<{ name: string; url: string; target: string; pricing: { input: number; output: number } | null }> = [];
  const lines: string[] = [];
  try {
    for (const [i, u] of gateway.upstreams.entries()) {
      const field = `gateway.upstreams[${i}] (${u.name})`;
      let target: string;
      let forwardTo: string;
      if (u.mock) {
        let mock: MockServer;
        try {
          mock = await startMockServer({ port: 0, profile: u.mock.profile, seed: plan.seed + 100 + i, overrides: u.mock.overrides });
        } catch (error) {
          throw new RunConfigError(`${field}.mock: ${error instanceof Error ? error.message : String(error)}`);
        }
        mocks.push(mock);
        forwardTo = mock.url;
        target = `embedded mock (${u.mock.profile})`;
      } else {
        forwardTo = await resolveTemplate(u.url ?? '', `${field}.url`, sources);
        let parsed: URL;
        try {
          parsed = new URL(forwardTo);
        } catch {
          throw new RunConfigError(`${field}.url: not a valid URL`);
        }
        if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new RunConfigError(`${field}.url: only http and https URLs are supported`);
        target = displayUpstream(parsed);
      }
      const index = i;
      let proxy: FaultProxy;
      try {
        proxy = await startFaultProxy({
          upstream: forwardTo,
          faults: u.faults,
          port: u.port,
          host: u.host,
          seed: plan.seed + 200 + i,
          requestIdHeader: gateway.requestIdHeader ?? undefined,
          onExchange: (x) => truth?.record(index, x),
        });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const hint = code === 'EADDRINUSE' ? `: choose another port in ${field}.port, or 0 for any free one` : '';
        throw new RunConfigError(`${field}: ${error instanceof Error ? error.message : String(error)}${hint}`);
      }
      proxies.push(proxy);
      infos.push({ name: u.name, url: proxy.url, target, pricing: u.pricing });
      lines.push(`upstream ${u.name}: fault proxy ${proxy.url} -> ${target}${u.faults.length ? `, ${u.faults.length} fault window${u.faults.length === 1 ? '' : 's'} on the run's clock` : ''}`);
    }
  } catch (error) {
    await close();
    throw error;
  }
  const windows = faultWindowsOf(plan);
  truth = new UpstreamTruth(infos, windows, () => proxies.map((p) => p.counters()), gateway.requestIdHeader);
  const built = truth;
  return {
    truth: built,
    urls: Object.fromEntries(infos.map((u) => [u.name, u.url])),
    describe: () => lines,
    setRunStart(t0: number) {
      for (const p of proxies) p.setRunStart(t0);
      built.start(t0);
    },
    close,
  };
}

