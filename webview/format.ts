// Number formatting for tiles, tables and axes, by unit.
import type { AxisUnit } from './chart-catalog';

export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.round(ms)} ms`;
}

export function formatPercent(fraction: number | null): string {
  if (fraction === null) return '—';
  const pct = fraction * 100;
  return `${pct >= 10 || pct === 0 ? pct.toFixed(0) : pct.toFixed(1)} %`;
}

export function formatUsd(usd: number | null): string {
  if (usd === null) return '—';
  if (usd !== 0 && Math.abs(usd) < 0.01) return `$${usd.toPrecision(2)}`;
  return `$${usd.toFixed(2)}`;
}

export function formatNumber(n: number | null, digits = 1): string {
  if (n === null) return '—';
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  return Number.isInteger(n) ? String(n) : n.toFixed(digits);
}

export function formatSeconds(t: number): string {
  const s = Math.round(t);
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}:${String(s % 60).padStart(2, '0')}` : `${s} s`;
}

export function formatByUnit(value: number | null, unit: AxisUnit | 'number'): string {
  switch (unit) {
    case 'ms':
      return formatMs(value);
    case 'fraction':
      return formatPercent(value);
    case 'usd':
      return formatUsd(value);
    default:
      return formatNumber(value);
  }
}

/** A threshold's value in the unit its metric key implies. */
export function formatMetricValue(metric: string, value: number | null): string {
  const head = metric.split('.')[0]!;
  if (metric.endsWith('.growth')) return formatNumber(value, 2);
  if (['ttft', 'itl', 'e2e', 'e2eIntended', 'scheduleLag', 'tpot'].includes(head)) return formatMs(value);
  if (metric.endsWith('.rate') && head !== 'requests') return formatPercent(value);
  if (metric === 'cache.hitRate') return formatPercent(value);
  if (head === 'cost') return formatUsd(value);
  return formatNumber(value, 2);
}
