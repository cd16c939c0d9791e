// `gateway`: the upstreams behind the user's AI gateway, each a fault proxy the run owns, and the
// request id header. Also checks every `${upstream:NAME}` reference and `gateway.*` threshold
// against the names declared here.
import type { MockProfileName, PlanThreshold, ResolvedPlan } from './plan';
import { DEFAULT_REQUEST_ID_HEADER, type PlanGateway, type PlanUpstream } from './plan-gateway';
import type { ProblemSink } from './problem-sink';
import type { PathSegment } from './yaml-source';
import { asBoolean, asFields, asList, asNumber, asString, has, type Fields } from './read-value';
import { resolveFaults, type RunClock } from './resolve-faults';
import { hasReference, UPSTREAM_REFERENCE } from './interpolation';
import { suggestionSuffix } from './did-you-mean';
import { upstreamOfMetric } from '../../vocabulary/metric-catalog';

const HTTP_URL = /^https?:\/\/[^\s/$.?#][^\s]*$/i;

/** The names declared in `gateway.upstreams`, or null without a gateway section. */
export function upstreamNames(root: Fields): string[] | null {
  const gateway = asFields(root.gateway);
  if (!gateway) return null;
  return asList(gateway.upstreams).flatMap((u) => {
    const name = asString(asFields(u)?.name);
    return name === undefined ? [] : [name];
  });
}

export function resolveGateway(raw: unknown, clock: RunClock, sink: ProblemSink): PlanGateway | undefined {
  const gateway = asFields(raw);
  if (!gateway) return undefined;
  const upstreams: PlanUpstream[] = [];
  const names = new Set<string>();
  const ports = new Map<number, string>();
  asList(gateway.upstreams).forEach((item, index) => {
    const u = asFields(item);
    const path: PathSegment[] = ['gateway', 'upstreams', index];
    if (!u) return;
    const name = asString(u.name) ?? `upstream${index + 1}`;
    if (names.has(name)) sink.error('duplicate-name', `upstream name '${name}' is used twice: names must be unique`, [...path, 'name']);
    names.add(name);
    const url = asString(u.url);
    const mock = asFields(u.mock);
    if (has(u, 'url') && has(u, 'mock')) sink.error('conflict', `an upstream is a proxy in front of 'url' or of an embedded 'mock', not both`, [...path, 'mock'], 'key');
    else if (!has(u, 'url') && !has(u, 'mock')) sink.error('missing-field', `upstream '${name}' needs 'url' (the real upstream) or 'mock' (an embedded mock, e.g. mock: { profile: instant })`, path, 'key');
    if (url !== undefined && !hasReference(url) && !HTTP_URL.test(url)) {
      sink.error('bad-url', `url is not an http(s) URL: write e.g. https://api.openai.com or \${env:PROVIDER_URL}`, [...path, 'url']);
    }
    const port = asNumber(u.port) ?? 0;
    if (port > 0) {
      const other = ports.get(port);
      if (other !== undefined) sink.error('duplicate-port', `port ${port} is already used by upstream '${other}': give each proxy its own port, or 0 for any free one`, [...path, 'port']);
      ports.set(port, name);
    }
    const pricing = asFields(u.pricing);
    const upstream: PlanUpstream = {
      name,
      port,
      host: asString(u.host) ?? '127.0.0.1',
      faults: resolveFaults(u.faults, [...path, 'faults'], clock, sink),
      pricing: pricing ? { input: asNumber(pricing.input) ?? 0, output: asNumber(pricing.output) ?? 0 } : null,
    };
    if (url !== undefined) upstream.url = url;
    else if (mock) {
      const overrides: Record<string, number | boolean | string> = {};
      for (const [key, value] of Object.entries(asFields(mock.overrides) ?? {})) {
        if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') overrides[key] = value;
      }
      upstream.mock = { profile: (asString(mock.profile) as MockProfileName | undefined) ?? 'instant', overrides };
    } else if (has(u, 'mock')) upstream.mock = { profile: 'instant', overrides: {} };
    upstreams.push(upstream);
  });
  const header = gateway.requestIdHeader;
  const requestIdHeader = asBoolean(header) === false ? null : (asString(header) ?? DEFAULT_REQUEST_ID_HEADER).toLowerCase();
  if (asBoolean(header) === true) {
    sink.warning('no-effect', `requestIdHeader: true sends the default header ${DEFAULT_REQUEST_ID_HEADER}; write a header name, or false for none`, ['gateway', 'requestIdHeader']);
  }
  return { upstreams, requestIdHeader };
}

/** Every `${upstream:NAME}` in the scenario must name a declared upstream. */
export function checkUpstreamReferences(value: unknown, names: readonly string[] | null, sink: ProblemSink, path: PathSegment[] = []): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => checkUpstreamReferences(item, names, sink, [...path, index]));
    return;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) checkUpstreamReferences(item, names, sink, [...path, key]);
    return;
  }
  if (typeof value !== 'string' || !value.includes('${upstream:')) return;
  for (const match of value.matchAll(UPSTREAM_REFERENCE)) {
    const name = match[1];
    if (names !== null && names.includes(name)) continue;
    const start = match.index ?? 0;
    const message =
      names === null
        ? `\${upstream:${name}} needs a 'gateway' section that declares the upstream '${name}' under gateway.upstreams`
        : `unknown upstream '${name}'${suggestionSuffix(name, names) || ` (gateway.upstreams: ${names.join(', ') || 'none'})`}`;
    sink.errorInString('unknown-upstream', message, path, value, start, start + match[0].length);
  }
}

/** Thresholds on gateway metrics need the gateway section; a per-upstream one, a known name. */
export function checkGatewayThresholds(thresholds: readonly PlanThreshold[], plan: Pick<ResolvedPlan, 'gateway'>, sink: ProblemSink): void {
  const names = plan.gateway?.upstreams.map((u) => u.name) ?? null;
  thresholds.forEach((t) => {
    const index = Number(t.id.slice(1));
    const path: PathSegment[] = ['thresholds', index];
    const upstream = upstreamOfMetric(t.metric);
    if (upstream !== null && names !== null && !names.includes(upstream)) {
      sink.error('unknown-upstream', `unknown upstream '${upstream}' in ${t.metric}${suggestionSuffix(upstream, names) || ` (gateway.upstreams: ${names.join(', ')})`}`, path);
    } else if (t.metric.startsWith('gateway.') && names === null) {
      sink.warning('no-data', `${t.metric} is measured by the upstream proxies of a 'gateway' section, and there is none: this threshold will have no data`, path);
    }
  });
}
