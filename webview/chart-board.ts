// The charts: one Chart.js line chart per catalog entry, created once and fed in place. Every
// chart shares the x range (seconds since start), the stage bands and the marker; each draws
// the thresholds whose metric it plots.
import {
  Chart,
  Filler,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartDataset,
  type ScaleOptionsByType,
  type TooltipItem,
} from 'chart.js';
import { chartForMetric, type ChartSpec } from './chart-catalog';
import { overlayPlugin, type OverlayState, type ThresholdLine } from './chart-overlays';
import { formatByUnit, formatDuration, formatTick } from '../vocabulary/format';
import type { PanelModel } from './panel-model';
import type { Palette } from './theme';
import { parseThresholdBound } from './threshold-bounds';
import type { PlotPoint } from './series-store';
import { withAlpha } from './color-alpha';
import { DisplaySeries } from './display-series';
import { backgroundPlugin, CachedLinearScale, invalidateBackground, newBackgroundCache, type BackgroundCache } from './chart-background';
import { axisExtent, axisRangeKey, niceCeiling, type ShownSeries } from './steady-layout';

// No Legend plugin: the legend is HTML (built once), where Chart.js's would be laid out again on
// every update.
// Every scale here is a CachedLinearScale (chart-background.ts); compare-view.ts registers the plain one it uses.
Chart.register(LineController, LineElement, PointElement, CachedLinearScale, Filler, Tooltip);
/** A threshold line stretches its axis only if the limit is within this factor of the data. */
const LIMIT_REACH = 10;

interface ChartEntry {
  spec: ChartSpec;
  chart: Chart<'line', PlotPoint[]>;
  overlay: OverlayState;
  /** Per series, what the chart draws: bucketed min/max of the stored points (Chart.js
   * positions every point it is given on every update, so the count given is what a tick costs). */
  display: DisplaySeries[];
  /** The x range and threshold lines last drawn, to skip charts a tick did not change. */
  drawnXMax: number;
  thresholdKey: string;
  card: HTMLElement;
  empty: HTMLElement;
  swatches: HTMLElement[];
  /** On screen (or near it): only these are redrawn per tick. */
  visible: boolean;
  /** Data or overlays changed while off screen: redraw when it scrolls into view. */
  stale: boolean;
  /** What the chart's last full update laid it out from (size, axis options, y extents); a
   * tick with the same key needs only a data-only update. '' forces a full one. */
  layoutKey: string;
  /** The axes and stage bands as a bitmap, put back while the layout and the stages hold. */
  background: BackgroundCache;
  /** Updates made, and those of them that were data-only (counted for the page's tests). */
  draws: number;
  dataOnly: number;
}

type LinearScaleOptions = ScaleOptionsByType<'linear'>;

export class ChartBoard {
  private readonly entries: ChartEntry[] = [];
  private readonly observer: IntersectionObserver | null;

  constructor(
    container: HTMLElement,
    private readonly model: PanelModel,
    private palette: Palette,
  ) {
    for (const spec of model.charts) this.entries.push(this.create(container, spec));
    // Charts scrolled out of view are not redrawn on every tick, only when they come back.
    this.observer =
      typeof IntersectionObserver === 'undefined'
        ? null
        : new IntersectionObserver((changes) => this.onVisibility(changes), { rootMargin: '200px 0px' });
    for (const e of this.entries) this.observer?.observe(e.card);
  }

  /** Brings every chart up to date with the model: ranges, stages, threshold lines, data. */
  render(reset: boolean): void {
    const xMax = this.model.xMax;
    const stages = reset ? this.stageBands() : null;
    const thresholdRows = this.model.thresholds.list();
    for (const e of this.entries) {
      let changed = reset;
      for (const d of e.display) {
        if (reset) d.reset();
        if (d.sync()) changed = true;
      }
      const x = e.chart.options.scales!.x as LinearScaleOptions;
      if (e.drawnXMax !== xMax) {
        x.max = xMax;
        e.drawnXMax = xMax;
        changed = true;
      }
      if (stages) {
        e.overlay.stages = stages;
        e.overlay.faults = this.faultBands();
        // What the bands show, for tests and for people reading the DOM: "primary: outage 3–6".
        e.card.dataset.faults = e.overlay.faults.map((f) => `${f.name} ${f.start}–${f.end}`).join('; ');
        invalidateBackground(e.background);
      }
      if (this.applyThresholds(e, thresholdRows)) changed = true;
      if (!changed) continue;
      const hasData = this.model.store.hasData(e.spec.id);
      if (e.empty.hidden !== hasData) e.empty.hidden = hasData;
      if (e.spec.onlyWithData) {
        const shown = this.featureUsed(e, thresholdRows);
        if (e.card.hidden === shown) e.card.hidden = !shown;
      }
      // Exposed for the page's tests and for inspection: points held per series.
      e.card.dataset.points = this.lengthsOf(e.spec).join(',');
      this.draw(e);
    }
  }

  /** A chart of a signal only some scenarios have is drawn once the run reports the signal, or
   * when a threshold names one of its metrics (its line then has a place). */
  private featureUsed(e: ChartEntry, rows: ReturnType<PanelModel['thresholds']['list']>): boolean {
    const store = this.model.store;
    const reported = e.spec.onlyWithData === 'nonzero' ? store.hasNonZero(e.spec.id) : store.hasData(e.spec.id);
    return reported || rows.some((r) => chartForMetric(r.metric)?.chart.id === e.spec.id);
  }

  private draw(e: ChartEntry): void {
    if (!e.visible) {
      e.stale = true;
      return;
    }
    e.stale = false;
    const key = this.layoutKeyOf(e);
    if (key === e.layoutKey && e.chart.getActiveElements().length === 0) {
      this.updateData(e.chart);
      e.dataOnly++;
    } else {
      e.layoutKey = key;
      e.chart.update('none');
    }
    // For the page's tests: updates, the data-only ones, draws that reused the background.
    e.draws++;
    e.card.dataset.draws = `${e.draws} ${e.dataOnly} ${e.background.blits}`;
  }

  /** What chart.update('none') does when nothing but the data changed and the layout holds: the
   * datasets take in their new points and are positioned on the unchanged scales, then the chart
   * is drawn. chart.update would first throw away every resolved option (chart, scales,
   * datasets) and resolve them all again, then lay the chart out again (ticks, label sizes,
   * boxes), which together cost several times positioning and drawing the points. Used only
   * while the size, the axis options, the dataset visibility and the y extents are those of the
   * last full update (the layout key; see steady-layout.ts), and not while the pointer is on the
   * chart (a full update also moves the hovered point and the tooltip). */
  private updateData(chart: Chart<'line', PlotPoint[]>): void {
    const n = chart.data.datasets.length;
    for (let i = 0; i < n; i++) chart.getDatasetMeta(i).controller.buildOrUpdateElements(false);
    for (let i = 0; i < n; i++) chart.getDatasetMeta(i).controller.update('none');
    // The Filler plugin links each filled line to its target here.
    chart.notifyPlugins('afterDatasetsUpdate', { mode: 'none', cancelable: false });
    chart.render();
  }

  /** Everything Chart.js's layout of this chart reads that a tick can change: the canvas size,
   * the axes' option bounds and the y extents of the shown series. Fonts and colours change only
   * through setPalette, which clears the key. */
  private layoutKeyOf(e: ChartEntry): string {
    const scales = e.chart.options.scales!;
    const bounds = Object.keys(scales).map((id) => {
      const o = scales[id] as LinearScaleOptions;
      return `${id}:${o.min},${o.max},${o.suggestedMin},${o.suggestedMax}`;
    });
    const isSet = (id: 'y' | 'y1') => (scales[id] as LinearScaleOptions | undefined)?.max !== undefined;
    const ranges = axisRangeKey(this.shownSeries(e), { y: isSet('y'), y1: isSet('y1') });
    return `${e.chart.width}x${e.chart.height}|${bounds.join('|')}|${ranges}`;
  }

  private onVisibility(changes: IntersectionObserverEntry[]): void {
    for (const change of changes) {
      const e = this.entries.find((x) => x.card === change.target);
      if (!e) continue;
      e.visible = change.isIntersecting;
      if (e.visible && e.stale) this.draw(e);
    }
  }

  private lengthsOf(spec: ChartSpec): number[] {
    return spec.series.map((s) => this.model.store.points(spec.id, s.id).length);
  }

  /** Draws a vertical line at second `t` on every chart (null clears it); with draw false the
   * line appears on the next render. */
  mark(t: number | null, draw = true): void {
    for (const e of this.entries) {
      e.overlay.markerT = t;
      if (draw) this.draw(e);
    }
  }

  card(chartId: string): HTMLElement | undefined {
    return this.entries.find((e) => e.spec.id === chartId)?.card;
  }

  setPalette(palette: Palette): void {
    this.palette = palette;
    for (const e of this.entries) {
      e.chart.data.datasets.forEach((ds, i) => this.colorDataset(ds, e.spec.series[i]!.color, e.spec.series[i]!.fill));
      e.swatches.forEach((sw, i) => this.colorSwatch(sw, e.spec.series[i]!));
      this.styleScales(e);
      Object.assign(e.overlay, this.overlayStyle());
      e.layoutKey = '';
      invalidateBackground(e.background);
      this.draw(e);
    }
  }

  dispose(): void {
    this.observer?.disconnect();
    for (const e of this.entries) e.chart.destroy();
  }

  private create(container: HTMLElement, spec: ChartSpec): ChartEntry {
    const card = document.createElement('section');
    card.className = 'chart-card';
    card.id = `chart-${spec.id}`;
    card.hidden = spec.onlyWithData !== undefined && spec.onlyWithData !== false;
    const title = document.createElement('h3');
    title.textContent = spec.title;
    const box = document.createElement('div');
    box.className = 'chart-box';
    const canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', spec.title);
    const empty = document.createElement('p');
    empty.className = 'chart-empty';
    empty.textContent = spec.emptyNote;
    box.append(canvas, empty);
    const legend = document.createElement('ul');
    legend.className = 'chart-legend';
    const swatches: HTMLElement[] = [];
    card.append(title, box, legend);
    container.append(card);

    const overlay: OverlayState = { stages: [], thresholds: [], markerT: null, ...this.overlayStyle() };
    const display = spec.series.map((s) => new DisplaySeries(this.model.store.points(spec.id, s.id)));
    const datasets = spec.series.map((s, i): ChartDataset<'line', PlotPoint[]> => {
      const ds: ChartDataset<'line', PlotPoint[]> = {
        label: s.label,
        data: display[i]!.points,
        yAxisID: s.axis,
        pointRadius: 0,
        pointHitRadius: 4,
        // Width 1 is drawn as a hairline by Skia: far cheaper to rasterize than a wider stroke.
        borderWidth: 1,
        borderDash: s.dashed ? [5, 3] : [],
        tension: 0,
        spanGaps: true,
        normalized: true,
        fill: s.fill === 'previous' ? '-1' : s.fill === 'origin' ? 'origin' : false,
      };
      this.colorDataset(ds, s.color, s.fill);
      return ds;
    });
    const scales: Record<string, object> = {
      x: { type: CachedLinearScale.id, min: 0, max: 1, ticks: { callback: (v: number | string) => formatDuration(Number(v)), maxTicksLimit: 10, sampleSize: 6, maxRotation: 0, minRotation: 0 } },
    };
    for (const axis of spec.axes) {
      scales[axis.id] = {
        type: CachedLinearScale.id,
        position: axis.id === 'y' ? 'left' : 'right',
        // Every y axis begins at zero: steady-layout.ts relies on it.
        beginAtZero: true,
        ...(axis.max !== undefined ? { max: axis.max } : {}),
        title: { display: true, text: axis.title },
        ticks: { callback: (v: number | string) => formatTick(axis.unit, Number(v)), maxTicksLimit: 6, sampleSize: 6 },
        grid: { drawOnChartArea: axis.id === 'y' },
      };
    }
    const background = newBackgroundCache();
    const chart = new Chart<'line', PlotPoint[]>(canvas, {
      type: 'line',
      data: { datasets },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        // Room for half the last x label ("1m00s", about 34 px) where no right axis gives it some:
        // at 14 px it was cut to "1m00".
        layout: { padding: { right: spec.axes.some((a) => a.id === 'y1') ? 0 : 24 } },
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        scales: scales as never,
        plugins: {
          tooltip: {
            callbacks: {
              title: (items: TooltipItem<'line'>[]) => (items[0] ? formatDuration(items[0].parsed.x ?? 0) : ''),
              label: (item: TooltipItem<'line'>) => {
                const raw = item.raw as PlotPoint;
                const s = spec.series[item.datasetIndex]!;
                const unit = spec.axes.find((a) => a.id === s.axis)?.unit ?? 'count';
                return `${s.label}: ${formatByUnit(unit, raw.own ?? raw.y)}`;
              },
            },
          },
        },
      },
      plugins: [backgroundPlugin(background), overlayPlugin(overlay, background)],
    });
    const entry: ChartEntry = {
      spec,
      chart,
      overlay,
      display,
      drawnXMax: Number.NaN,
      thresholdKey: '',
      card,
      empty,
      swatches,
      visible: this.observerMissing(),
      stale: false,
      layoutKey: '',
      background,
      draws: 0,
      dataOnly: 0,
    };
    spec.series.forEach((s, i) => {
      const item = document.createElement('li');
      const toggle = document.createElement('button');
      toggle.type = 'button';
      toggle.className = 'legend-item';
      toggle.setAttribute('aria-pressed', 'true');
      toggle.title = `Show or hide ${s.label}`;
      const swatch = document.createElement('span');
      swatch.className = s.dashed ? 'legend-swatch dashed' : s.fill ? 'legend-swatch area' : 'legend-swatch';
      this.colorSwatch(swatch, s);
      swatches.push(swatch);
      toggle.append(swatch, document.createTextNode(s.label));
      toggle.addEventListener('click', () => {
        const shown = !chart.isDatasetVisible(i);
        chart.setDatasetVisibility(i, shown);
        toggle.setAttribute('aria-pressed', String(shown));
        this.draw(entry);
      });
      item.append(toggle);
      legend.append(item);
    });
    this.styleScales(entry);
    return entry;
  }

  private observerMissing(): boolean {
    return typeof IntersectionObserver === 'undefined';
  }

  private colorSwatch(swatch: HTMLElement, s: ChartSpec['series'][number]): void {
    // CSSOM, not a style attribute: the CSP forbids inline style attributes, not this.
    swatch.style.borderColor = this.palette.roles[s.color];
    swatch.style.backgroundColor = s.fill ? withAlpha(this.palette.roles[s.color], 0.35) : 'transparent';
  }

  private colorDataset(ds: ChartDataset<'line', PlotPoint[]>, role: ChartSpec['series'][number]['color'], fill: 'previous' | 'origin' | undefined): void {
    const color = this.palette.roles[role];
    ds.borderColor = color;
    ds.backgroundColor = fill ? withAlpha(color, 0.35) : color;
  }

  private styleScales(e: ChartEntry): void {
    const p = this.palette;
    const font = { family: p.font, size: Math.max(10, p.fontSize - 2) };
    e.chart.options.color = p.foreground;
    e.chart.options.font = font;
    for (const id of Object.keys(e.chart.options.scales ?? {})) {
      const scale = e.chart.options.scales![id] as LinearScaleOptions;
      scale.ticks.color = p.foreground;
      scale.ticks.font = font;
      scale.grid.color = p.grid;
      scale.border.color = p.grid;
      scale.title.color = p.foreground;
      scale.title.font = font;
    }
  }

  private overlayStyle(): Pick<OverlayState, 'colors' | 'font' | 'fontSize'> {
    const p = this.palette;
    return {
      colors: { band: p.roles.lines, bandLabel: p.foreground, pass: p.roles.foreground, fail: p.error, marker: p.focus },
      font: `${Math.max(10, p.fontSize - 2)}px ${p.font}`,
      fontSize: Math.max(10, p.fontSize - 2),
    };
  }

  /** The run's fault windows (issue 12), on every time chart. */
  private faultBands(): NonNullable<OverlayState['faults']> {
    return (this.model.start?.faultWindows ?? []).map((w) => ({ name: `${w.upstream}: ${w.label}`, start: w.startMs / 1000, end: w.endMs / 1000 }));
  }

  private stageBands(): OverlayState['stages'] {
    return (this.model.start?.stages ?? []).map((s) => ({ name: s.name, start: s.startMs / 1000, end: s.endMs / 1000 }));
  }

  /** Sets the chart's threshold lines and the top of each y axis; returns whether anything
   * changed. */
  private applyThresholds(e: ChartEntry, rows: ReturnType<PanelModel['thresholds']['list']>): boolean {
    const lines: ThresholdLine[] = [];
    const peak: Record<string, number> = {};
    for (const row of rows) {
      const target = chartForMetric(row.metric);
      if (!target || target.chart.id !== e.spec.id) continue;
      const bound = parseThresholdBound(row.source, target.rule.unit);
      if (!bound) continue;
      lines.push({ axis: target.rule.axis, value: bound.value, label: row.source, pass: row.pass });
      peak[target.rule.axis] = Math.max(peak[target.rule.axis] ?? 0, bound.value);
    }
    // Each axis reaches the next nice number above its data (see steady-layout.ts), and a little
    // past each limit, so its line is in view, unless the limit is so far above the data that the
    // data would be flattened; that line is then marked at the top. The last, partial second of
    // an ended run does not count: a Stop aborts every request in flight within it.
    const shown = this.shownSeries(e);
    const partial = this.model.partialLastSecond;
    for (const axis of e.spec.axes) {
      if (axis.max !== undefined) continue;
      const scale = e.chart.options.scales![axis.id] as LinearScaleOptions;
      const dataMax = axisExtent(shown, axis.id, partial)[1];
      const limit = peak[axis.id];
      const extend = limit !== undefined && limit <= LIMIT_REACH * Math.max(dataMax, 0);
      const top = Math.max(dataMax, extend ? limit * 1.1 : 0);
      // No positive value yet: Chart.js's own range (0 to 1 for an empty or all-zero axis).
      (scale as { max?: number }).max = top > 0 ? niceCeiling(top) : undefined;
    }
    const key = JSON.stringify(lines) + JSON.stringify(e.spec.axes.map((a) => (e.chart.options.scales![a.id] as LinearScaleOptions).max ?? null));
    if (key === e.thresholdKey) return false;
    e.thresholdKey = key;
    e.overlay.thresholds = lines;
    return true;
  }

  private shownSeries(e: ChartEntry): ShownSeries[] {
    return e.spec.series.map((s, i) => ({ axis: s.axis, points: e.display[i]!.points, visible: e.chart.isDatasetVisible(i) }));
  }
}
