// The limit a threshold sets, read from its source text (`ttft.p95 < 1.5s`, `errors.rate < 1%`),
// in the canonical unit of its metric, so it can be drawn as a line on that metric's chart.
// Thresholds written in a form this does not read are still listed; they just get no line.

export type BoundUnit = 'ms' | 'fraction' | 'usd' | 'number';

export interface ThresholdBound {
  metric: string;
  op: '<' | '<=' | '>' | '>=' | '==' | '!=';
  value: number;
}

const PATTERN = /^\s*([A-Za-z][\w.]*)\s*(<=|>=|==|!=|<|>)\s*(\$)?\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*(ms|s|m|%)?\s*$/;

export function parseThresholdBound(source: string, unit: BoundUnit): ThresholdBound | null {
  const m = PATTERN.exec(source);
  if (!m) return null;
  const [, metric, op, dollar, num, suffix] = m;
  let value = Number(num);
  if (!Number.isFinite(value)) return null;
  if (dollar && unit !== 'usd') return null;
  switch (suffix) {
    case 'ms':
    case 's':
    case 'm':
      if (unit !== 'ms') return null;
      value *= suffix === 's' ? 1000 : suffix === 'm' ? 60_000 : 1;
      break;
    case '%':
      if (unit !== 'fraction') return null;
      value /= 100;
      break;
    default:
      break;
  }
  return { metric: metric!, op: op as ThresholdBound['op'], value };
}
