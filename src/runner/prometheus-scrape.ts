// Reads the mock's (or vLLM's) /metrics once a second for the queue depth and KV-cache usage.
import { Client } from 'undici';

export interface ScrapedGauges {
  queueDepth: number | null;
  kvCacheUsage: number | null;
}

/** Sums a metric over its label sets in Prometheus text format; null when absent. */
export function promValue(text: string, name: string): number | null {
  let sum = 0;
  let found = false;
  let from = 0;
  for (;;) {
    const i = text.indexOf(name, from);
    if (i < 0) break;
    from = i + name.length;
    if (i > 0 && text.charCodeAt(i - 1) !== 10) continue;
    const next = text[i + name.length];
    if (next !== ' ' && next !== '{') continue;
    const eol = text.indexOf('\n', i);
    const line = text.slice(i, eol < 0 ? undefined : eol);
    const close = line.lastIndexOf('}');
    const rest = line.slice(close >= 0 ? close + 1 : name.length).trim().split(/\s+/)[0];
    const v = Number(rest);
    if (Number.isFinite(v)) {
      sum += v;
      found = true;
    }
  }
  return found ? sum : null;
}

export class MetricsScraper {
  latest: ScrapedGauges = { queueDepth: null, kvCacheUsage: null };
  private readonly client: Client;
  private busy = false;
  private closed = false;

  constructor(origin: string, private readonly path = '/metrics') {
    this.client = new Client(origin, { headersTimeout: 2_000, bodyTimeout: 2_000 });
  }

  scrape(): void {
    if (this.busy || this.closed) return;
    this.busy = true;
    this.client
      .request({ path: this.path, method: 'GET' })
      .then(async (res) => {
        const text = await res.body.text();
        if (res.statusCode !== 200) return;
        this.latest = {
          queueDepth: promValue(text, 'vllm:num_requests_waiting'),
          kvCacheUsage: promValue(text, 'vllm:kv_cache_usage_perc') ?? promValue(text, 'vllm:gpu_cache_usage_perc'),
        };
      })
      .catch(() => undefined)
      .finally(() => (this.busy = false));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client.destroy().catch(() => undefined);
  }
}
