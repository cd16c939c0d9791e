// Charts for the HTML report, drawn as inline SVG on the server side so the report needs no
// script and no network. Colours come from CSS classes (c0…c7) that the report's stylesheet
// maps to light and dark palettes. Pure.
import { escapeHtml } from './html-escape';

export interface ChartSeries {
  label: string;
  /** One value per x position; null leaves a gap. */
  values: Array<number | null>;
  colorClass: string;
  dashed?: boolean;
}

export interface ChartBand {
  label: string;
  startS: number;
  endS: number;
}

export interface ChartMarker {
  /** Seconds since start. */
  x: number;
  label: string;
}

export interface ChartOptions {
  title: string;
  /** x positions in seconds, one per value index. */
  xs: number[];
  xMaxS: number;
  series: ChartSeries[];
  bands: ChartBand[];
  /** Fault windows (issue 12), drawn over the stage bands as hatched bands labelled at the bottom. */
  faults?: ChartBand[];
  formatY: (v: number) => string;
  /** Draws the series stacked as bars instead of lines. */
  stacked?: boolean;
  /** A horizontal reference line, e.g. a threshold's limit. */
  limit?: { value: number; label: string };
  markers?: ChartMarker[];
}

const W = 720;
const H = 220;
const M = { left: 64, right: 14, top: 26, bottom: 30 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

/** A round upper bound and tick step for the y axis. */
export function niceScale(max: number, ticks = 4): { max: number; step: number } {
  if (!(max > 0) || !Number.isFinite(max)) return { max: 1, step: 0.25 };
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * mag;
  return { max: step * Math.ceil(max / step - 1e-9), step };
}

const f1 = (n: number) => (Math.round(n * 10) / 10).toString();

export function renderChart(o: ChartOptions): string {
  const n = o.xs.length;
  const xMax = Math.max(1, o.xMaxS, ...o.xs);
  const x = (s: number) => M.left + (s / xMax) * PW;
  let dataMax = o.limit ? o.limit.value : 0;
  if (o.stacked) {
    for (let i = 0; i < n; i += 1) dataMax = Math.max(dataMax, o.series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  } else {
    for (const s of o.series) for (const v of s.values) if (v !== null && Number.isFinite(v)) dataMax = Math.max(dataMax, v);
  }
  const scale = niceScale(dataMax * 1.05);
  const y = (v: number) => M.top + PH - (Math.max(0, v) / scale.max) * PH;
  const parts: string[] = [];
  parts.push(`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(o.title)}">`);
  parts.push(`<title>${escapeHtml(o.title)}</title>`);
  o.bands.forEach((b, i) => {
    const x0 = x(Math.max(0, b.startS));
    const x1 = x(Math.min(xMax, b.endS));
    if (x1 <= x0) return;
    parts.push(`<rect class="band${i % 2}" x="${f1(x0)}" y="${M.top}" width="${f1(x1 - x0)}" height="${PH}"/>`);
    parts.push(`<text class="band-label" x="${f1(x0 + 3)}" y="${M.top - 6}">${escapeHtml(b.label)}</text>`);
  });
  for (const b of o.faults ?? []) {
    const x0 = x(Math.max(0, b.startS));
    const x1 = x(Math.min(xMax, b.endS));
    if (x1 <= x0) continue;
    parts.push(`<rect class="fault-band" x="${f1(x0)}" y="${M.top}" width="${f1(x1 - x0)}" height="${PH}"><title>${escapeHtml(b.label)}</title></rect>`);
    parts.push(`<text class="fault-label" x="${f1(x0 + 3)}" y="${M.top + PH - 4}">${escapeHtml(b.label)}</text>`);
  }
  for (let v = 0; v <= scale.max + 1e-9; v += scale.step) {
    const yy = f1(y(v));
    parts.push(`<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${yy}" y2="${yy}"/>`);
    parts.push(`<text class="tick" x="${M.left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle">${escapeHtml(v === 0 ? '0' : o.formatY(v))}</text>`);
  }
  const xStep = niceScale(xMax, 6).step;
  for (let s = 0; s <= xMax + 1e-9; s += xStep) {
    parts.push(`<text class="tick" x="${f1(x(s))}" y="${H - M.bottom + 16}" text-anchor="middle">${escapeHtml(formatSeconds(s))}</text>`);
  }
  parts.push(`<line class="axis" x1="${M.left}" x2="${W - M.right}" y1="${M.top + PH}" y2="${M.top + PH}"/>`);
  if (o.stacked) parts.push(stackedBars(o, x, y, xMax));
  else {
    for (const s of o.series) {
      const d = pathFor(s.values, o.xs, x, y);
      if (d) parts.push(`<path class="line ${s.colorClass}${s.dashed ? ' dashed' : ''}" d="${d}"/>`);
    }
  }
  if (o.limit) {
    const yy = f1(y(o.limit.value));
    parts.push(`<line class="limit" x1="${M.left}" x2="${W - M.right}" y1="${yy}" y2="${yy}"/>`);
    parts.push(`<text class="limit-label" x="${W - M.right - 4}" y="${f1(y(o.limit.value) - 4)}" text-anchor="end">${escapeHtml(o.limit.label)}</text>`);
  }
  for (const m of o.markers ?? []) {
    const xx = f1(x(m.x));
    parts.push(`<line class="marker" x1="${xx}" x2="${xx}" y1="${M.top}" y2="${M.top + PH}"/>`);
    parts.push(`<text class="marker-label" x="${f1(x(m.x) + 4)}" y="${M.top + 12}">${escapeHtml(m.label)}</text>`);
  }
  parts.push('</svg>');
  const legend = o.series
    .map((s) => `<span class="key"><span class="swatch ${s.colorClass}${s.dashed ? ' dashed' : ''}"></span>${escapeHtml(s.label)}</span>`)
    .join('');
  return `<figure class="chart-box"><figcaption>${escapeHtml(o.title)}<span class="legend">${legend}</span></figcaption>${parts.join('')}</figure>`;
}

function pathFor(values: Array<number | null>, xs: number[], x: (s: number) => number, y: (v: number) => number): string {
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${f1(x(xs[i]))} ${f1(y(v))}`;
    pen = true;
  });
  return d;
}

function stackedBars(o: ChartOptions, x: (s: number) => number, y: (v: number) => number, xMax: number): string {
  const barW = Math.max(1, (PW / Math.max(1, xMax)) * 0.9);
  const groups: string[][] = o.series.map(() => []);
  o.xs.forEach((xs, i) => {
    let base = 0;
    o.series.forEach((s, k) => {
      const v = s.values[i] ?? 0;
      if (v <= 0) return;
      const top = y(base + v);
      const bottom = y(base);
      groups[k].push(`<rect x="${f1(x(xs) - barW)}" y="${f1(top)}" width="${f1(barW)}" height="${f1(Math.max(0.5, bottom - top))}"/>`);
      base += v;
    });
  });
  return o.series.map((s, k) => `<g class="bars ${s.colorClass}">${groups[k].join('')}</g>`).join('');
}

export function formatSeconds(s: number): string {
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`;
  if (s >= 60) return `${Math.floor(s / 60)}m${s % 60 ? String(Math.round(s % 60)).padStart(2, '0') : ''}`;
  return `${Math.round(s)}s`;
}
