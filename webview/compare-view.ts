// The comparison page: a table of summary deltas (better / worse coloured) and one chart per
// overlay spec with the baseline (dashed) and the current run (solid) on one clock. Shown
// instead of the live view while the host has a comparison on; static, so it draws once.
import { Chart, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartDataset } from 'chart.js';
import type { CompareMessage, WebviewMessage } from '../src/protocol/panel-messages';
import { comparisonWarnings, OVERLAY_CHARTS, overlayPoints, summaryDeltas } from './compare-model';
import { formatByUnit, formatDelta, formatDuration, formatRelative, formatTick } from '../vocabulary/format';
import type { PlotPoint } from './series-store';
import type { Palette } from './theme';
import { toolkitButton } from './toolkit';

Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}


export class CompareView {
  readonly root = el('div', 'compare');
  private readonly title = el('h2', 'compare-title', 'Compare runs');
  private readonly tableBody = el('tbody');
  /** Why the figures may not compare like for like (runs of different lengths, a hand-changed
   * load, a stopped run). */
  private readonly warnings = el('ul', 'compare-warnings');
  private readonly baselineHead = el('th', undefined, 'Baseline');
  private readonly currentHead = el('th', undefined, 'Current');
  private readonly chartsBox = el('section', 'charts compare-charts');
  private charts: Chart<'line', PlotPoint[]>[] = [];
  private message: CompareMessage | null = null;

  constructor(
    parent: HTMLElement,
    private palette: Palette,
    post: (message: WebviewMessage) => void,
    onClose: () => void,
  ) {
    const header = el('header', 'run-header');
    const back = toolkitButton('Back to the run', 'secondary', 'Leave the comparison and show the live or last run');
    back.id = 'close-compare';
    back.addEventListener('click', () => {
      post({ type: 'closeCompare' });
      onClose();
    });
    const heading = el('div', 'run-heading');
    heading.append(this.title);
    header.append(heading, back);
    const table = el('table', 'threshold-table compare-table');
    const head = el('thead');
    const row = el('tr');
    row.append(el('th', undefined, ''), this.baselineHead, this.currentHead, el('th', undefined, 'Δ'), el('th', undefined, 'Δ %'));
    head.append(row);
    table.append(head, this.tableBody);
    const tableBox = el('section', 'thresholds');
    tableBox.append(table);
    this.warnings.setAttribute('role', 'status');
    this.root.append(header, this.warnings, tableBox, this.chartsBox);
    this.root.hidden = true;
    parent.append(this.root);
  }

  show(message: CompareMessage): void {
    this.message = message;
    this.root.hidden = false;
    this.title.textContent = `Compare: ${message.baseline.label} → ${message.current.label}`;
    this.baselineHead.textContent = `Baseline (${message.baseline.label})`;
    this.currentHead.textContent = `Current (${message.current.label})`;
    const warnings = comparisonWarnings(message.baseline, message.current);
    this.warnings.replaceChildren(...warnings.map((w) => el('li', undefined, `⚠ ${w}`)));
    this.warnings.hidden = warnings.length === 0;
    const rows = summaryDeltas(message.baseline, message.current).map((d) => {
      const tr = el('tr');
      tr.dataset.metric = d.key;
      if (d.verdict) tr.dataset.verdict = d.verdict;
      tr.append(
        el('td', 'compare-label', d.label),
        el('td', 'threshold-value', formatByUnit(d.unit, d.baseline)),
        el('td', 'threshold-value', formatByUnit(d.unit, d.current)),
        el('td', 'threshold-value compare-delta', formatDelta(d.unit, d.delta)),
        el('td', 'threshold-value compare-delta', formatRelative(d.relative)),
      );
      return tr;
    });
    this.tableBody.replaceChildren(...rows);
    this.drawCharts();
  }

  hide(): void {
    this.root.hidden = true;
  }

  get shown(): boolean {
    return !this.root.hidden;
  }

  setPalette(palette: Palette): void {
    this.palette = palette;
    if (this.message && this.shown) this.drawCharts();
  }

  private drawCharts(): void {
    const message = this.message;
    if (!message) return;
    for (const c of this.charts) c.destroy();
    this.charts = [];
    this.chartsBox.replaceChildren();
    const p = this.palette;
    const font = { family: p.font, size: Math.max(10, p.fontSize - 2) };
    const xMax = Math.max(1, ...[message.baseline, message.current].map((r) => r.points[r.points.length - 1]?.t ?? 0));
    for (const spec of OVERLAY_CHARTS) {
      const card = el('section', 'chart-card');
      card.id = `compare-${spec.id}`;
      const box = el('div', 'chart-box');
      const canvas = el('canvas');
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', `${spec.title}: baseline and current`);
      box.append(canvas);
      const legend = el('ul', 'chart-legend');
      for (const [label, dashed, color] of [[`baseline · ${message.baseline.label}`, true, p.roles.lines], [`current · ${message.current.label}`, false, p.roles.blue]] as const) {
        const li = el('li', 'legend-item');
        const swatch = el('span', dashed ? 'legend-swatch dashed' : 'legend-swatch');
        swatch.style.borderColor = color;
        li.append(swatch, document.createTextNode(label));
        legend.append(li);
      }
      card.append(el('h3', undefined, spec.title), box, legend);
      this.chartsBox.append(card);
      const baseline = overlayPoints(message.baseline, spec);
      const current = overlayPoints(message.current, spec);
      card.dataset.points = `${baseline.length},${current.length}`;
      const dataset = (label: string, data: PlotPoint[], color: string, dashed: boolean): ChartDataset<'line', PlotPoint[]> => ({
        label,
        data,
        borderColor: color,
        backgroundColor: color,
        borderWidth: dashed ? 1.5 : 2,
        borderDash: dashed ? [5, 3] : [],
        pointRadius: 0,
        pointHitRadius: 4,
        tension: 0,
        spanGaps: true,
      });
      const tick = (v: number | string) => formatTick(spec.unit, Number(v));
      this.charts.push(
        new Chart<'line', PlotPoint[]>(canvas, {
          type: 'line',
          data: { datasets: [dataset('baseline', baseline, p.roles.lines, true), dataset('current', current, p.roles.blue, false)] },
          options: {
            animation: false,
            parsing: false,
            responsive: true,
            maintainAspectRatio: false,
            interaction: { mode: 'nearest', axis: 'x', intersect: false },
            color: p.foreground,
            font,
            scales: {
              x: { type: 'linear', min: 0, max: xMax, ticks: { color: p.foreground, font, callback: (v) => formatDuration(Number(v)), maxTicksLimit: 10 }, grid: { color: p.grid } },
              y: { type: 'linear', beginAtZero: true, ...(spec.unit === 'fraction' ? { max: 1 } : {}), ticks: { color: p.foreground, font, callback: tick, maxTicksLimit: 6 }, grid: { color: p.grid } },
            },
            plugins: {
              tooltip: {
                callbacks: {
                  title: (items) => (items[0] ? formatDuration(items[0].parsed.x ?? 0) : ''),
                  label: (item) => `${item.datasetIndex === 0 ? 'baseline' : 'current'}: ${formatByUnit(spec.unit, (item.raw as PlotPoint).y)}`,
                },
              },
            },
          },
        }),
      );
    }
  }
}
