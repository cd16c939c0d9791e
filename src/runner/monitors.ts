// Prometheus monitors: each endpoint is scraped every `interval` on the run's clock; each named
// series sums the samples its selector matches. Gauges are kept as values, counters (declared
// `# TYPE … counter`, or named `…_total`) as per-second rates between two scrapes. The latest
// values are what a tick reports and what the cancellation check reads.
import { performance } from 'node:perf_hooks';
import { Client } from 'undici';
import { parseMetricSelector, selectorMatches, type MetricSelector } from '../core/metric-selector';
import type { PlanMonitor } from '../core/plan-failure-modes';

export interface PromSample {
  metric: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromText {
  samples: PromSample[];
  /** Metric family name → declared type. */
  types: Map<string, string>;
}

function parseLabels(body: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const re = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(body)) !== null) labels[m[1]] = m[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  return labels;
}

/** Parses Prometheus text exposition format (samples and TYPE lines; the rest is skipped). */
export function parsePromText(text: string): PromText {
  const samples: PromSample[] = [];
  const types = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      const t = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
      if (t) types.set(t[1], t[2]);
      continue;
    }
    const m = /^([A-Za-z_:][A-Za-z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const value = m[4] === '+Inf' ? Infinity : m[4] === '-Inf' ? -Infinity : Number(m[4]);
    if (Number.isNaN(value)) continue;
    samples.push({ metric: m[1], labels: m[3] ? parseLabels(m[3]) : {}, value });
  }
  return { samples, types };
}

export function isCounter(metric: string, types: ReadonlyMap<string, string>): boolean {
  const declared = types.get(metric) ?? types.get(metric.replace(/_total$/, ''));
  if (declared) return declared === 'counter';
  return metric.endsWith('_total');
}

/** Sum of the samples `selector` matches, or null when none matches. */
export function selectValue(parsed: PromText, selector: MetricSelector): number | null {
  let sum = 0;
  let found = false;
  for (const s of parsed.samples) {
    if (selectorMatches(selector, s.metric, s.labels)) {
      sum += s.value;
      found = true;
    }
  }
  return found ? sum : null;
}

interface SeriesState {
  name: string;
  selector: MetricSelector;
  value: number | null;
  /** Counters: the previous raw total and when it was read (ms, performance clock). */
  prevTotal: number | null;
  prevAt: number;
}

class MonitorScraper {
  private readonly client: Client;
  private readonly path: string;
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private closed = false;
  readonly series: SeriesState[];
  failures = 0;
  lastError: string | null = null;

  constructor(readonly url: string, private readonly intervalMs: number, selectors: Record<string, string>, private readonly onUpdate: () => void) {
    const u = new URL(url);
    this.client = new Client(u.origin, { headersTimeout: Math.max(500, Math.min(5_000, intervalMs * 2)), bodyTimeout: 5_000 });
    this.path = `${u.pathname}${u.search}`;
    this.series = [];
    for (const [name, text] of Object.entries(selectors)) {
      const parsed = parseMetricSelector(text);
      if (parsed.ok) this.series.push({ name, selector: parsed.selector, value: null, prevTotal: null, prevAt: 0 });
    }
  }

  start(): void {
    this.scrape();
    this.timer = setInterval(() => this.scrape(), this.intervalMs);
  }

  /** Resolves when this scrape finished (used by start-up and tests). */
  scrape(): Promise<void> {
    if (this.busy || this.closed) return Promise.resolve();
    this.busy = true;
    return this.client
      .request({ path: this.path, method: 'GET' })
      .then(async (res) => {
        const text = await res.body.text();
        if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
        this.update(parsePromText(text), performance.now());
        this.lastError = null;
        this.onUpdate();
      })
      .catch((error: unknown) => {
        this.failures++;
        this.lastError = error instanceof Error ? error.message : String(error);
      })
      .finally(() => (this.busy = false));
  }

  update(parsed: PromText, at: number): void {
    for (const s of this.series) {
      const v = selectValue(parsed, s.selector);
      if (!isCounter(s.selector.metric, parsed.types)) {
        s.value = v;
        continue;
      }
      if (v === null) {
        s.value = null;
        s.prevTotal = null;
        continue;
      }
      // A counter that went down was reset (server restart): start over from this reading.
      if (s.prevTotal !== null && at > s.prevAt && v >= s.prevTotal) s.value = ((v - s.prevTotal) * 1000) / (at - s.prevAt);
      else if (s.prevTotal !== null && v < s.prevTotal) s.value = null;
      s.prevTotal = v;
      s.prevAt = at;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.client.destroy().catch(() => undefined);
  }
}

/** Latest values of the running monitor sets, by series name (for checks outside the engine). */
const published = new Map<string, number | null>();
const owners = new Map<string, MonitorSet>();

/** The latest value of a monitor series of the running run, or null when absent or unread. */
export function latestMonitorValue(series: string): number | null {
  return published.get(series) ?? null;
}

export class MonitorSet {
  private readonly scrapers: MonitorScraper[];
  private warned = new Set<string>();

  /** `urls` are the monitors' URLs with ${env:…} already resolved, in the same order. */
  constructor(monitors: readonly PlanMonitor[], urls: readonly string[], private readonly onWarn: (message: string) => void = () => undefined) {
    this.scrapers = monitors.map((m, i) => new MonitorScraper(urls[i] ?? m.url, m.intervalMs, m.series, () => this.publish()));
  }

  /** Starts scraping; resolves after the first scrape of every monitor (so the run starts with
   * pre-load values, e.g. for the cancellation check). */
  async start(): Promise<void> {
    const first = this.scrapers.map((s) => s.scrape());
    for (const s of this.scrapers) s.start();
    await Promise.all(first);
  }

  values(): Record<string, number | null> {
    const out: Record<string, number | null> = {};
    for (const sc of this.scrapers) {
      for (const s of sc.series) out[s.name] = s.value === null || !Number.isFinite(s.value) ? null : Math.round(s.value * 1e6) / 1e6;
      if (sc.lastError && !this.warned.has(sc.url)) {
        this.warned.add(sc.url);
        this.onWarn(`monitor ${sc.url} could not be scraped: ${sc.lastError} (monitors[].url)`);
      }
    }
    return out;
  }

  private publish(): void {
    for (const sc of this.scrapers) {
      for (const s of sc.series) {
        published.set(s.name, s.value);
        owners.set(s.name, this);
      }
    }
  }

  async close(): Promise<void> {
    for (const [name, owner] of owners) {
      if (owner === this) {
        owners.delete(name);
        published.delete(name);
      }
    }
    await Promise.all(this.scrapers.map((s) => s.close()));
  }
}
