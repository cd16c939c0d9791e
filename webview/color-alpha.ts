// A theme colour at a given opacity, for filled areas. The theme may give any CSS colour form;
// a canvas context normalizes it to #rrggbb or rgba(), which is then easy to rewrite.
let probe: CanvasRenderingContext2D | null = null;

export function withAlpha(color: string, alpha: number): string {
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe) return color;
  probe.fillStyle = '#000000';
  probe.fillStyle = color;
  const normalized = String(probe.fillStyle);
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(normalized);
  if (hex) return `rgba(${parseInt(hex[1]!, 16)}, ${parseInt(hex[2]!, 16)}, ${parseInt(hex[3]!, 16)}, ${alpha})`;
  const rgba = /^rgba?\(\s*([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/.exec(normalized);
  if (rgba) return `rgba(${rgba[1]}, ${rgba[2]}, ${rgba[3]}, ${alpha * Number(rgba[4] ?? 1)})`;
  return color;
}
