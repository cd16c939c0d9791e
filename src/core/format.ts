// Number formatting shared by the verdict, the terminal view and the reports, so a value reads
// the same everywhere. Pure.
import { findMetric, type MetricUnit } from './metric-catalog';

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function formatUsd(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return '–';
  if (usd === 0) return '$0';
  const abs = Math.abs(usd);
  if (abs >= 100) return `$${usd.toFixed(0)}`;
  if (abs >= 1) return `$${usd.toFixed(2)}`;
  if (abs >= 0.01) return `$${usd.toFixed(3)}`;
  return `$${usd.toPrecision(2)}`;
}

export function formatPercent(fraction: number | null | undefined, digits = 1): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '–';
  return `${(fraction * 100).toFixed(digits)}%`;
}

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  return n.toFixed(2);
}

export function formatRate(perSecond: number | null | undefined, unit = '/s'): string {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond)) return '–';
  const digits = perSecond >= 100 ? 0 : 1;
  return `${perSecond.toFixed(digits)}${unit}`;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  if (h > 0) return `${h}h${String(m % 60).padStart(2, '0')}m${String(s % 60).padStart(2, '0')}s`;
  if (m > 0) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

export function formatByUnit(unit: MetricUnit, value: number | null | undefined): string {
  switch (unit) {
    case 'ms':
      return formatMs(value);
    case 'fraction':
      return formatPercent(value, 2);
    case 'usd':
      return formatUsd(value);
    case 'count':
      return formatCount(value);
    case 'ratio':
      return value === null || value === undefined ? '–' : value.toFixed(2);
    case 'per_second':
      return formatRate(value);
    case 'tokens_per_second':
      return formatRate(value, ' tok/s');
  }
}

/** A metric value in the unit its threshold is written in (ms metrics as ms/s, fractions as %). */
export function formatMetricValue(metric: string, value: number | null | undefined): string {
  const info = findMetric(metric);
  if (!info) return value === null || value === undefined ? '–' : String(Number(value.toPrecision(4)));
  return formatByUnit(info.unit, value);
}

/** Load level as users or arrivals per second, depending on the load model. */
export function formatLevel(level: number, loadModel: 'open' | 'closed' | undefined): string {
  const n = Number.isInteger(level) ? String(level) : level.toFixed(1);
  return loadModel === 'closed' ? `${n} users` : `${n}/s`;
}

/** The runner's headline starts with its own PASS/FAIL word; reports show that word in their
 * own banner, so they print the rest. */
export function headlineBody(headline: string): string {
  return headline.replace(/^(PASS|FAIL|INCONCLUSIVE|ABORTED|ERROR|STOPPED)\s+[—-]\s+/, '');
}
