// Which provider fields belong to which provider type, so a field on the wrong type is
// reported at its key rather than silently ignored.
import type { PlanProvider } from './plan';

type ProviderType = PlanProvider['type'];

const OWNERS: Record<string, ProviderType> = {
  baseUrl: 'openai',
  apiKey: 'openai',
  profile: 'mock',
  overrides: 'mock',
  faults: 'mock',
  responseCache: 'mock',
  agentSteps: 'mock',
  degradation: 'mock',
  leakOnDisconnect: 'mock',
  url: 'http',
  method: 'http',
  body: 'http',
  response: 'http',
  contentPointer: 'http',
  doneData: 'http',
  serverTiming: 'http',
};

const WHY: Partial<Record<ProviderType, string>> = {
  mock: 'the mock runs inside Stampede',
};

/** The one provider type a field belongs to, if it belongs to one. */
export function providerFieldOwner(field: string): ProviderType | undefined {
  return OWNERS[field];
}

/** Fields of `fields` that belong to another provider type, with a message for each. */
export function misplacedProviderFields(type: ProviderType, fields: Record<string, unknown>): Array<{ field: string; message: string }> {
  const out: Array<{ field: string; message: string }> = [];
  for (const field of Object.keys(fields)) {
    const owner = OWNERS[field];
    if (!owner || owner === type || fields[field] === undefined) continue;
    if (field === 'faults') {
      // Faults in front of a real provider are a proxy's job, on the run's clock or by hand.
      out.push({ field, message: `'faults' applies to mock providers only: to inject faults in front of a real ${type === 'http' ? 'endpoint' : 'provider'}, declare it under gateway.upstreams (a fault proxy on the run's clock, see docs/gateway.md) or run \`stampede proxy --upstream URL --faults FILE\` by hand (docs/proxy.md)` });
      continue;
    }
    const why = WHY[type] ? `: ${WHY[type]}` : '';
    out.push({ field, message: `'${field}' applies to ${owner} providers only${why}` });
  }
  return out;
}
