// Prometheus series selectors as a monitor names them: `metric_name{label="v",other!~"re.*"}`.
// Parsed here so a typo is reported at its character; the runner matches scraped samples with
// the result. Regex matchers use RE2 syntax, as Prometheus does, through re2js: its matching is
// linear in the label's length, so a pattern such as (a+)+$ against a crafted label cannot stall
// a run the way a backtracking engine would (minutes for 40 characters).
import { RE2JS } from 're2js';

export type LabelOperator = '=' | '!=' | '=~' | '!~';

export interface MetricSelector {
  metric: string;
  matchers: Array<{ label: string; op: LabelOperator; value: string }>;
}

export type SelectorParse = { ok: true; selector: MetricSelector } | { ok: false; message: string; start: number; end: number };

const METRIC_START = /[A-Za-z_:]/;
const METRIC_CHAR = /[A-Za-z0-9_:]/;
const LABEL_START = /[A-Za-z_]/;
const LABEL_CHAR = /[A-Za-z0-9_]/;

export function parseMetricSelector(text: string): SelectorParse {
  let i = 0;
  const fail = (message: string, start: number, end = start + 1): SelectorParse => ({ ok: false, message, start, end: Math.max(end, start + 1) });
  const skip = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  skip();
  const metricStart = i;
  if (!METRIC_START.test(text[i] ?? '')) {
    return fail(text.trim() === '' ? 'empty selector: write a metric name such as vllm:num_requests_running' : `a metric name starts with a letter, '_' or ':', got '${text[i]}'`, i);
  }
  while (i < text.length && METRIC_CHAR.test(text[i])) i++;
  const metric = text.slice(metricStart, i);
  const matchers: MetricSelector['matchers'] = [];
  skip();
  if (i < text.length && text[i] === '{') {
    i++;
    skip();
    while (text[i] !== '}') {
      if (i >= text.length) return fail(`missing '}' at the end of the label matchers`, Math.max(0, text.length - 1), text.length);
      const labelStart = i;
      if (!LABEL_START.test(text[i])) return fail(`expected a label name, got '${text[i]}'`, i);
      while (i < text.length && LABEL_CHAR.test(text[i])) i++;
      const label = text.slice(labelStart, i);
      skip();
      const opStart = i;
      const op = (['=~', '!~', '!=', '='] as const).find((candidate) => text.startsWith(candidate, i));
      if (!op) return fail(`expected an operator (=, !=, =~ or !~) after label '${label}'`, opStart);
      i += op.length;
      skip();
      if (text[i] !== '"' && text[i] !== "'") return fail(`the value of label '${label}' must be quoted, e.g. ${label}${op}"value"`, i);
      const quote = text[i];
      const valueStart = i;
      i++;
      let value = '';
      while (i < text.length && text[i] !== quote) {
        if (text[i] === '\\' && i + 1 < text.length) {
          const next = text[i + 1];
          value += next === 'n' ? '\n' : next;
          i += 2;
        } else {
          value += text[i++];
        }
      }
      if (i >= text.length) return fail(`unterminated string in the value of label '${label}'`, valueStart, text.length);
      i++;
      if (op === '=~' || op === '!~') {
        try {
          anchored(value);
        } catch (error) {
          const detail = error instanceof Error ? `: ${error.message.replace(/^error parsing regexp: /, '')}` : '';
          return fail(`invalid regular expression for label '${label}' (RE2 syntax, as in Prometheus)${detail}`, valueStart, i);
        }
      }
      matchers.push({ label, op, value });
      skip();
      if (text[i] === ',') {
        i++;
        skip();
      } else if (text[i] !== '}' && i < text.length) {
        return fail(`expected ',' or '}' after the matcher for '${label}'`, i);
      }
    }
    i++;
    skip();
  }
  if (i < text.length) return fail(`unexpected '${text.slice(i)}' after the selector`, i, text.length);
  return { ok: true, selector: { metric, matchers } };
}

/** Whether a scraped sample (metric name and labels) is selected. Regex matchers are anchored, as in PromQL. */
export function selectorMatches(selector: MetricSelector, metric: string, labels: Readonly<Record<string, string>>): boolean {
  if (metric !== selector.metric) return false;
  return selector.matchers.every(({ label, op, value }) => {
    const actual = labels[label] ?? '';
    switch (op) {
      case '=':
        return actual === value;
      case '!=':
        return actual !== value;
      case '=~':
        return anchored(value).matches(actual);
      case '!~':
        return !anchored(value).matches(actual);
    }
  });
}

/** Compiled matchers by pattern: a monitor matches the same few patterns every scrape. */
const compiled = new Map<string, RE2JS>();

/** The pattern anchored at both ends, as PromQL anchors label matchers; throws on bad syntax. */
function anchored(pattern: string): RE2JS {
  let re = compiled.get(pattern);
  if (!re) {
    re = RE2JS.compile(`^(?:${pattern})$`);
    if (compiled.size > 1000) compiled.clear();
    compiled.set(pattern, re);
  }
  return re;
}
