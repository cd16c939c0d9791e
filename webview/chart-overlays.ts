// What Chart.js does not draw by itself: the load stages as background bands, thresholds as
// horizontal lines on their axis, and a vertical marker at a chosen second (a breach the user
// clicked in the timeline). One inline plugin per chart, reading a mutable overlay state, so
// changing what is drawn is an assignment plus chart.update('none').
import type { Chart, Plugin } from 'chart.js';
import { captureBackground, type BackgroundCache } from './chart-background';

export interface StageBand {
  name: string;
  /** Seconds since start. */
  start: number;
  end: number;
}

export interface ThresholdLine {
  axis: 'y' | 'y1';
  value: number;
  label: string;
  /** null: not judged yet. */
  pass: boolean | null;
}

export interface OverlayColors {
  band: string;
  bandLabel: string;
  pass: string;
  fail: string;
  marker: string;
}

export interface OverlayState {
  stages: StageBand[];
  /** Fault windows of the run (gateway upstreams, mock providers): hatched bands in the fail colour. */
  faults?: StageBand[];
  thresholds: ThresholdLine[];
  markerT: number | null;
  colors: OverlayColors;
  font: string;
  fontSize: number;
}

/** With a background cache, the stage bands belong to the cached background: a draw that put
 * the copy back does not draw them, and one that drew them has its background copied. */
export function overlayPlugin(state: OverlayState, background?: BackgroundCache): Plugin<'line'> {
  return {
    id: 'stampedeOverlay',
    beforeDatasetsDraw(chart) {
      if (background?.fromCopy) return;
      drawStages(chart, state);
      if (background) captureBackground(chart, background);
    },
    afterDatasetsDraw(chart) {
      drawThresholds(chart, state);
      drawMarker(chart, state);
    },
  };
}

function drawStages(chart: Chart<'line'>, state: OverlayState): void {
  drawFaults(chart, state);
  const x = chart.scales.x;
  if (!x || state.stages.length === 0) return;
  const { ctx, chartArea: area } = chart;
  ctx.save();
  ctx.beginPath();
  ctx.rect(area.left, area.top, area.width, area.height);
  ctx.clip();
  ctx.font = state.font;
  ctx.textBaseline = 'top';
  state.stages.forEach((stage, i) => {
    const left = Math.max(area.left, x.getPixelForValue(stage.start));
    const right = Math.min(area.right, x.getPixelForValue(stage.end));
    if (right <= left) return;
    // Every other stage shaded: adjacent bands stay distinguishable in any theme.
    if (i % 2 === 0) {
      ctx.globalAlpha = 0.12;
      ctx.fillStyle = state.colors.band;
      ctx.fillRect(left, area.top, right - left, area.height);
    }
    ctx.globalAlpha = 0.8;
    ctx.strokeStyle = state.colors.band;
    ctx.beginPath();
    ctx.moveTo(left + 0.5, area.top);
    ctx.lineTo(left + 0.5, area.bottom);
    ctx.stroke();
    if (right - left > 30) {
      ctx.globalAlpha = 0.9;
      ctx.fillStyle = state.colors.bandLabel;
      ctx.fillText(stage.name, left + 4, area.top + 2, right - left - 8);
    }
  });
  ctx.restore();
}

/** Each fault window as a band in the fail colour with a dashed edge and its name at the bottom. */
function drawFaults(chart: Chart<'line'>, state: OverlayState): void {
  const x = chart.scales.x;
  const faults = state.faults ?? [];
  if (!x || faults.length === 0) return;
  const { ctx, chartArea: area } = chart;
  ctx.save();
  ctx.beginPath();
  ctx.rect(area.left, area.top, area.width, area.height);
  ctx.clip();
  ctx.font = state.font;
  ctx.textBaseline = 'bottom';
  for (const fault of faults) {
    const left = Math.max(area.left, x.getPixelForValue(fault.start));
    const right = Math.min(area.right, x.getPixelForValue(fault.end));
    if (right <= left) continue;
    ctx.globalAlpha = 0.16;
    ctx.fillStyle = state.colors.fail;
    ctx.fillRect(left, area.top, right - left, area.height);
    ctx.globalAlpha = 0.7;
    ctx.strokeStyle = state.colors.fail;
    ctx.setLineDash([4, 3]);
    ctx.strokeRect(left + 0.5, area.top + 0.5, right - left - 1, area.height - 1);
    ctx.setLineDash([]);
    if (right - left > 30) {
      ctx.globalAlpha = 0.95;
      ctx.fillStyle = state.colors.fail;
      ctx.fillText(fault.name, left + 4, area.bottom - 2, right - left - 8);
    }
  }
  ctx.restore();
}

function drawThresholds(chart: Chart<'line'>, state: OverlayState): void {
  if (state.thresholds.length === 0) return;
  const { ctx, chartArea: area } = chart;
  ctx.save();
  ctx.font = state.font;
  ctx.lineWidth = 1;
  ctx.setLineDash([6, 4]);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'bottom';
  for (const line of state.thresholds) {
    const scale = chart.scales[line.axis];
    if (!scale) continue;
    const y = scale.getPixelForValue(line.value);
    if (!Number.isFinite(y) || y > area.bottom) continue;
    const color = line.pass === false ? state.colors.fail : state.colors.pass;
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    if (y < area.top) {
      // Far above the data: named at the top edge instead of stretching the axis.
      ctx.textBaseline = 'top';
      ctx.fillText(`↑ ${line.label}`, area.right - 4, area.top + state.fontSize + 6);
      ctx.textBaseline = 'bottom';
      continue;
    }
    ctx.beginPath();
    ctx.moveTo(area.left, Math.round(y) + 0.5);
    ctx.lineTo(area.right, Math.round(y) + 0.5);
    ctx.stroke();
    ctx.fillText(line.label, area.right - 4, y - 2);
  }
  ctx.restore();
}

function drawMarker(chart: Chart<'line'>, state: OverlayState): void {
  const x = chart.scales.x;
  if (state.markerT === null || !x) return;
  const px = x.getPixelForValue(state.markerT);
  const { ctx, chartArea: area } = chart;
  if (px < area.left || px > area.right) return;
  ctx.save();
  ctx.strokeStyle = state.colors.marker;
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(px, area.top);
  ctx.lineTo(px, area.bottom);
  ctx.stroke();
  ctx.restore();
}
