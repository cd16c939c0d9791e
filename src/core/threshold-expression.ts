// Threshold expressions: `<metric> <op> <value><unit?>`, e.g. `ttft.p95 < 1.5s`,
// `errors.rate < 1%`, `cost.total < $5`. Errors carry the offsets of the offending part so the
// editor can underline exactly that part of the string.
import type { ThresholdOperator } from './plan';
import { allMetrics, findMetric, LATENCY_METRICS, type MetricUnit } from '../../vocabulary/metric-catalog';
import { suggestionSuffix } from './did-you-mean';

export const THRESHOLD_OPERATORS: readonly ThresholdOperator[] = ['<', '<=', '>', '>=', '==', '!='];

export interface ThresholdExpression {
  metric: string;
  op: ThresholdOperator;
  /** In the metric's canonical unit: ms, fraction 0..1, USD, or a plain number. */
  value: number;
  unit: MetricUnit;
}

export interface ThresholdSyntaxError {
  code: 'threshold-metric' | 'threshold-stat' | 'threshold-operator' | 'threshold-value' | 'threshold-unit';
  message: string;
  /** Offsets into the expression text, end exclusive. */
  start: number;
  end: number;
}

export type ThresholdParse = { ok: true; expression: ThresholdExpression } | ({ ok: false } & ThresholdSyntaxError);

const UNIT_WORDS: Record<MetricUnit, string> = {
  ms: 'a time: use ms, s, m or h (a bare number is ms)',
  fraction: 'a fraction: use a percentage such as 1% or a number between 0 and 1',
  usd: 'a dollar amount such as $5 or 5',
  count: 'a plain count',
  ratio: 'a plain ratio such as 1.2',
  per_second: 'a plain number per second',
  tokens_per_second: 'a plain number of tokens per second',
};

const OPERATOR_FIXES: Record<string, ThresholdOperator> = { '=<': '<=', '=>': '>=', '=': '==', '<>': '!=', '!': '!=', '===': '==', '!==': '!=' };

function fail(code: ThresholdSyntaxError['code'], message: string, start: number, end: number): ThresholdParse {
  return { ok: false, code, message, start, end: Math.max(end, start + 1) };
}

function checkMetric(metric: string, start: number): ThresholdParse | undefined {
  if (findMetric(metric)) return undefined;
  const latency = LATENCY_METRICS.find((m) => metric.startsWith(`${m.name}.`) && !metric.slice(m.name.length + 1).includes('.'));
  if (latency) {
    const dot = latency.name.length;
    const stat = metric.slice(dot + 1);
    // A scalar sharing the prefix (agent.steps.growth) is as likely a target as a statistic.
    const scalars = allMetrics().filter((m) => m.key.startsWith(`${latency.name}.`)).map((m) => m.key.slice(dot + 1));
    return fail(
      'threshold-stat',
      `unknown statistic '${stat}' for ${latency.name}: expected one of ${scalars.join(', ')}${suggestionSuffix(stat, scalars)}`,
      start + dot + 1,
      start + metric.length,
    );
  }
  if (LATENCY_METRICS.some((m) => m.name === metric)) {
    return fail('threshold-stat', `'${metric}' needs a statistic, e.g. ${metric}.p95`, start, start + metric.length);
  }
  const keys = allMetrics().map((m) => m.key);
  return fail('threshold-metric', `unknown metric '${metric}'${suggestionSuffix(metric, keys)}`, start, start + metric.length);
}

function parseValue(text: string, unit: MetricUnit, metric: string, start: number): { value: number } | ThresholdParse {
  const match = /^(-?\d+(?:\.\d+)?|-?\.\d+)?\s*(.*)$/.exec(text) as RegExpExecArray;
  const dollar = unit === 'usd' && /^\$\d/.test(text);
  if (dollar) {
    const amount = /^\$(\d+(?:\.\d+)?)$/.exec(text);
    if (amount) return { value: Number(amount[1]) };
    return fail('threshold-value', `invalid amount '${text}': expected e.g. $5`, start, start + text.length);
  }
  const numberText = match[1];
  const suffix = match[2];
  if (numberText === undefined) {
    return fail('threshold-value', `expected a number after the operator, got '${text}'`, start, start + text.length);
  }
  const number = Number(numberText);
  const suffixStart = start + text.length - suffix.length;
  const badUnit = (): ThresholdParse =>
    fail('threshold-unit', `unit '${suffix}' does not fit ${metric}, which is ${UNIT_WORDS[unit]}`, suffixStart, start + text.length);
  switch (unit) {
    case 'ms': {
      if (suffix === '') return { value: number };
      const factor = ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as Record<string, number>)[suffix];
      return factor === undefined ? badUnit() : { value: number * factor };
    }
    case 'fraction': {
      if (suffix === '%') return { value: number / 100 };
      if (suffix !== '') return badUnit();
      if (number > 1) {
        return fail('threshold-value', `${number} is above 1 for a fraction — did you mean ${number}%?`, start, start + text.length);
      }
      return { value: number };
    }
    default:
      return suffix === '' ? { value: number } : badUnit();
  }
}

export function parseThresholdExpression(text: string): ThresholdParse {
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  skipSpace();
  const metricStart = i;
  while (i < text.length && /[A-Za-z0-9_.]/.test(text[i])) i++;
  const metric = text.slice(metricStart, i);
  if (metric === '') {
    return fail('threshold-metric', `expected a metric name such as ttft.p95 at the start of '${text.trim()}'`, metricStart, metricStart + 1);
  }
  const metricProblem = checkMetric(metric, metricStart);
  if (metricProblem) return metricProblem;
  skipSpace();
  const opStart = i;
  while (i < text.length && /[<>=!]/.test(text[i])) i++;
  const opText = text.slice(opStart, i);
  if (opText === '') {
    return fail('threshold-operator', `expected an operator (${THRESHOLD_OPERATORS.join(' ')}) after '${metric}'`, opStart, opStart + 1);
  }
  if (!(THRESHOLD_OPERATORS as readonly string[]).includes(opText)) {
    const fix = OPERATOR_FIXES[opText];
    return fail(
      'threshold-operator',
      `'${opText}' is not an operator: use one of ${THRESHOLD_OPERATORS.join(' ')}${fix ? ` — did you mean '${fix}'?` : ''}`,
      opStart,
      i,
    );
  }
  skipSpace();
  const valueStart = i;
  const valueText = text.slice(valueStart).trimEnd();
  if (valueText === '') {
    return fail('threshold-value', `missing value after '${metric} ${opText}'`, Math.max(0, text.length - 1), text.length);
  }
  const info = findMetric(metric) as NonNullable<ReturnType<typeof findMetric>>;
  const parsed = parseValue(valueText, info.unit, metric, valueStart);
  if ('ok' in parsed) return parsed;
  return { ok: true, expression: { metric, op: opText as ThresholdOperator, value: parsed.value, unit: info.unit } };
}

export function thresholdHolds(op: ThresholdOperator, value: number, limit: number): boolean {
  switch (op) {
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
    case '==':
      return value === limit;
    case '!=':
      return value !== limit;
  }
}
