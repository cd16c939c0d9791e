// A chart's background — its axes (grid, border, tick labels, titles) and the stage bands —
// kept as a bitmap between layouts. Chart.js draws a chart by clearing the canvas, drawing every
// scale, then the datasets and the plugins' overlays. While the layout holds (steady-layout.ts)
// and the stages do not change, the scales and the bands come out as the same pixels on every
// tick, and drawing them (about twenty text labels and as many grid lines a chart) costs more
// script time and more raster time than the lines. So after a layout the background is copied
// once, as an ImageBitmap, and later draws put that copy back instead of drawing it again.
//
// The order of a draw: Chart.js clears the canvas, calls `beforeDraw`, draws the scales (the
// layers with z <= 0), calls `beforeDatasetsDraw` (where the overlay plugin draws the stage bands
// and then calls `captureBackground`), then draws the datasets. A draw that has the copy blits it
// in `beforeDraw`, and the scales and the bands draw nothing. The copy is made with
// createImageBitmap, which is asynchronous: the draws until it arrives (one tick) draw the
// background themselves. Any layout (new range, resize, theme) drops the copy: Chart.js calls
// `afterLayout` only when it laid the chart out again. An ImageBitmap, not a second canvas: a
// canvas as the source of drawImage costs the page a snapshot of it on every draw.
import { LinearScale, type Chart, type ChartArea, type Plugin } from 'chart.js';

export interface BackgroundCache {
  /** The current background, or null (none yet, or dropped by a layout). */
  bitmap: ImageBitmap | null;
  /** Bumped whenever the background changes: a copy made for an older one is discarded. */
  generation: number;
  /** The generation a copy was asked for, so one is asked for once. */
  requested: number;
  /** The draw in progress put the copy back (its scales and bands must draw nothing). */
  fromCopy: boolean;
  /** Draws that put the copy back (counted for the page's tests). */
  blits: number;
}

export function newBackgroundCache(): BackgroundCache {
  return { bitmap: null, generation: 0, requested: -1, fromCopy: false, blits: 0 };
}

/** The stages or the theme changed, or Chart.js laid the chart out: drop the copy. */
export function invalidateBackground(cache: BackgroundCache): void {
  cache.generation++;
  cache.bitmap?.close();
  cache.bitmap = null;
}

const caches = new WeakMap<object, BackgroundCache>();

/** Chart.js's linear scale, except that it draws nothing in a draw that put its chart's
 * background copy back (the copy already has it). Ticks, fitting and positions are unchanged. */
export class CachedLinearScale extends LinearScale {
  static override id = 'stampedeLinear';

  private covered(): boolean {
    return caches.get(this.chart)?.fromCopy === true;
  }

  override drawGrid(chartArea: ChartArea): void {
    if (!this.covered()) super.drawGrid(chartArea);
  }

  override drawTitle(chartArea: ChartArea): void {
    if (!this.covered()) super.drawTitle(chartArea);
  }

  override drawLabels(chartArea: ChartArea): void {
    if (!this.covered()) super.drawLabels(chartArea);
  }

  // The two other layers of every Chart.js scale; not in its type declarations.
  drawBorder(): void {
    if (!this.covered()) baseMethod('drawBorder').call(this);
  }

  drawBackground(): void {
    if (!this.covered()) baseMethod('drawBackground').call(this);
  }
}

function baseMethod(name: 'drawBorder' | 'drawBackground'): (this: LinearScale) => void {
  const method = (LinearScale.prototype as unknown as Record<string, unknown>)[name];
  if (typeof method !== 'function') throw new Error(`chart.js scales have no ${name}`);
  return method as (this: LinearScale) => void;
}

/** One per chart: puts the copy back at the start of a draw and drops it after a layout. */
export function backgroundPlugin(cache: BackgroundCache): Plugin<'line'> {
  return {
    id: 'stampedeBackground',
    afterInit(chart) {
      caches.set(chart, cache);
    },
    afterLayout() {
      invalidateBackground(cache);
    },
    beforeDraw(chart) {
      cache.fromCopy = cache.bitmap !== null;
      if (!cache.bitmap) return;
      const ctx = chart.ctx;
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.globalAlpha = 1;
      ctx.globalCompositeOperation = 'source-over';
      ctx.drawImage(cache.bitmap, 0, 0);
      ctx.restore();
      cache.blits++;
    },
    afterDraw() {
      cache.fromCopy = false;
    },
  };
}

/** Called where the background of a draw is complete (after the stage bands): in a draw that
 * drew it, asks for a copy of the canvas as it is now, once per background. */
export function captureBackground(chart: Chart<'line'>, cache: BackgroundCache): void {
  if (cache.fromCopy || cache.bitmap || cache.requested === cache.generation) return;
  const canvas = chart.canvas;
  if (canvas.width === 0 || canvas.height === 0 || typeof createImageBitmap !== 'function') return;
  const generation = cache.generation;
  cache.requested = generation;
  createImageBitmap(canvas).then(
    (bitmap) => {
      if (cache.generation === generation) cache.bitmap = bitmap;
      else bitmap.close();
    },
    () => undefined,
  );
}
