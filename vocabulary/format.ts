// The one number formatter: the verdict, the terminal view, the reports, the status bar, Test
// Explorer and the live panel (which bundles this file; see the layering test) print a value
// the same way. Pure.
import { findMetric, type MetricUnit } from './metric-catalog';

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms === 0) return '0 ms';
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

/** A fraction as a percentage: one decimal, two below 1 % (so 0.5 % limits keep their digit). */
export function formatPercent(fraction: number | null | undefined, digits?: number): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '–';
  const pct = fraction * 100;
  const shown = digits ?? (pct !== 0 && Math.abs(pct) < 1 ? 2 : 1);
  return `${pct.toFixed(shown)}%`;
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
      return formatPercent(value);
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

/** Three significant digits, no trailing zeros: tick labels. */
function short(v: number): string {
  return Number(v.toPrecision(3)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

/** A chart axis tick: as short as a tick allows (250 ms, 1.5 s, 20%, 10/s, 1,000). */
export function formatTick(unit: MetricUnit, value: number): string {
  if (!Number.isFinite(value)) return '';
  if (value === 0) return unit === 'usd' ? '$0' : '0';
  switch (unit) {
    case 'ms':
      return Math.abs(value) >= 1000 ? `${short(value / 1000)} s` : `${short(value)} ms`;
    case 'fraction':
      return `${short(value * 100)}%`;
    case 'usd':
      return `$${short(value)}`;
    case 'per_second':
      return `${short(value)}/s`;
    case 'count':
    case 'ratio':
    case 'tokens_per_second':
      return short(value);
  }
}

/** A change between two values of a unit, signed (+12 ms, −1.5%, ±0). */
export function formatDelta(unit: MetricUnit, delta: number | null): string {
  if (delta === null || !Number.isFinite(delta)) return '–';
  const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±';
  const abs = Math.abs(delta);
  // Per-request costs differ by fractions of a cent: two significant digits, no exponent.
  const magnitude = unit === 'usd' && abs > 0 && abs < 0.01 ? `$${abs.toFixed(Math.min(10, 1 - Math.floor(Math.log10(abs))))}` : formatByUnit(unit, abs);
  return `${sign}${magnitude}`;
}

/** A relative change as a signed percentage (+12%, −0.5%). */
export function formatRelative(relative: number | null): string {
  if (relative === null || !Number.isFinite(relative)) return '–';
  const sign = relative > 0 ? '+' : relative < 0 ? '−' : '±';
  return `${sign}${formatPercent(Math.abs(relative))}`;
}
