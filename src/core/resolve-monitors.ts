// Monitors: Prometheus endpoints scraped during the run, with selectors checked here so a typo
// is underlined at its character.
import type { PlanMonitor } from './plan-failure-modes';
import type { ProblemSink } from './problem-sink';
import { asFields, asList, asString, type Fields } from './read-value';
import { hasReference } from './interpolation';
import { parseMetricSelector } from './metric-selector';
import { parseDuration } from './units';
import { HTTP_URL } from './resolve-http-target';

const SERIES_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function resolveMonitors(raw: unknown, sink: ProblemSink): PlanMonitor[] | undefined {
  if (raw === undefined) return undefined;
  const monitors: PlanMonitor[] = [];
  const seen = new Set<string>();
  asList(raw).forEach((item, index) => {
    const monitor: Fields | undefined = asFields(item);
    const path = ['monitors', index];
    if (!monitor) return;
    const url = asString(monitor.url);
    if (url !== undefined && !hasReference(url) && !HTTP_URL.test(url)) {
      sink.error('bad-url', `url is not an http(s) URL: write e.g. http://localhost:8000/metrics or \${env:METRICS_URL}`, [...path, 'url']);
    }
    const interval = typeof monitor.interval === 'string' ? parseDuration(monitor.interval) : undefined;
    if (interval?.ok && interval.value < 100) sink.error('out-of-range', `scrape at most every 100ms: a shorter interval loads the server being measured`, [...path, 'interval']);
    const series: Record<string, string> = {};
    const seriesFields = asFields(monitor.series);
    if (seriesFields && Object.keys(seriesFields).length === 0) {
      sink.error('too-few-items', `a monitor needs at least one series, e.g. queueDepth: vllm:num_requests_waiting`, [...path, 'series']);
    }
    for (const [name, value] of Object.entries(seriesFields ?? {})) {
      if (!SERIES_NAME.test(name)) {
        sink.error('bad-value', `series name '${name}' must be letters, digits and '_', starting with a letter`, [...path, 'series', name], 'key');
        continue;
      }
      if (seen.has(name)) sink.error('duplicate-name', `series '${name}' is defined twice: series names must be unique across monitors`, [...path, 'series', name], 'key');
      seen.add(name);
      const selector = asString(value);
      if (selector === undefined || selector === '') continue;
      const parsed = parseMetricSelector(selector);
      series[name] = selector.trim();
      if (!parsed.ok) sink.errorInString('bad-selector', parsed.message, [...path, 'series', name], selector, parsed.start, parsed.end);
    }
    monitors.push({ type: 'prometheus', url: url ?? '', intervalMs: interval?.ok && interval.value >= 100 ? interval.value : 1000, series });
  });
  return monitors;
}

/** Every series name the monitors define. */
export function monitorSeriesNames(monitors: readonly PlanMonitor[] | undefined): string[] {
  return (monitors ?? []).flatMap((m) => Object.keys(m.series));
}
