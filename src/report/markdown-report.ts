// A short Markdown summary for CI job pages (e.g. `--md "$GITHUB_STEP_SUMMARY"`). Pure.
import { analysisMarkdown } from './analysis-section';
import { ERROR_OUTCOMES, type ThresholdState } from '../protocol/run-events';
import { formatCount, formatDuration, formatLevel, formatMetricValue, formatMs, formatPercent, formatRate, formatUsd } from '../../vocabulary/format';
import { headlineBody, runFigures, statusWord, WINDOW, type StatusWord } from '../../vocabulary/figures';
import { sourceNote, type ResultsDocument } from './results-document';
import { seriesTotals } from './series-totals';

/** Escapes text for a Markdown table cell or line: user input must not break the table or
 * inject links and HTML. */
export function escapeMarkdown(text: string): string {
  return String(text)
    .replace(/[\\`*_{}[\]()#+!|<>~]/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, ' ');
}

const MARK: Record<StatusWord, string> = { PASS: '✅', FAIL: '❌', INCONCLUSIVE: '⚠️', STOPPED: '⏹', ABORTED: '⛔', ERROR: '⛔' };

function thresholdRow(t: ThresholdState, loadModel: 'open' | 'closed' | undefined): string {
  const mark = t.pass === false ? '❌ fail' : t.pass ? '✅ pass' : '– no data';
  const b = t.firstBreach;
  const breach = b
    ? `${formatDuration(b.t)} in ${escapeMarkdown(b.stage)} at ${formatLevel(b.targetLevel, loadModel)} (${formatMetricValue(t.metric, b.value)})`
    : '–';
  return `| ${mark} | \`${t.source.replace(/`/g, "'").replace(/\|/g, '\\|')}\` | ${t.value === null ? '–' : formatMetricValue(t.metric, t.value)} | ${breach} |`;
}

export function renderMarkdownReport(doc: ResultsDocument): string {
  const s = doc.summary;
  const lines: string[] = [];
  lines.push(`## Stampede: ${escapeMarkdown(doc.scenario.name)}`);
  lines.push('');
  if (!s) {
    const t = seriesTotals(doc.series);
    lines.push(`**INCOMPLETE** — the run did not finish (status \`${doc.status}\`); ${formatDuration(t.seconds)} measured, ${formatCount(t.finished)} requests finished.`);
    lines.push('');
    return lines.join('\n') + '\n';
  }
  const word = statusWord(s);
  lines.push(`**${MARK[word]} ${word}** — ${escapeMarkdown(headlineBody(s.verdict.headline))}`);
  if (s.endMessage && !s.verdict.headline.includes(s.endMessage)) lines.push(`\n${escapeMarkdown(s.endMessage)}`);
  const note = sourceNote(doc);
  if (note) lines.push(`\n<sub>${escapeMarkdown(note)}</sub>`);
  lines.push('');
  lines.push(...analysisMarkdown(s, doc.run?.loadModel ?? 'open', escapeMarkdown));
  if (s.thresholds.length) {
    lines.push('| Result | Threshold | Whole run | First breach |');
    lines.push('| --- | --- | --- | --- |');
    for (const t of s.thresholds) lines.push(thresholdRow(t, doc.run?.loadModel));
    lines.push('');
  }
  const errors = ERROR_OUTCOMES.reduce((sum, o) => sum + s.outcomes[o], 0);
  const figures = runFigures(s);
  lines.push(`Figures over the ${WINDOW.wholeRun}:`);
  lines.push('');
  lines.push('| Requests | OK | Errors | Error rate | Rate | TTFT p50 | TTFT p95 | E2E p95 | Tokens/s | Cost |');
  lines.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  lines.push(
    `| ${formatCount(s.requests.total)} | ${formatCount(s.outcomes.ok)} | ${formatCount(errors)} | ${formatPercent(figures.errorRate)} | ${formatRate(s.requests.rate)} | ${formatMs(s.ttft.p50)} | ${formatMs(figures.ttftP95)} | ${formatMs(s.e2e.p95)} | ${formatRate(s.tokens.perSecond, '')} | ${formatUsd(figures.costTotal)} |`,
  );
  lines.push('');
  lines.push(`<sub>Run ${escapeMarkdown(doc.runId)} · ${formatDuration(s.durationMs / 1000)} · ${escapeMarkdown(s.endReason)}</sub>`);
  return lines.join('\n') + '\n';
}
