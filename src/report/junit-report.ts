// JUnit XML for CI test reporters: one test case per threshold, failed when breached, skipped
// when there was no data to judge it. Pure.
import type { ThresholdState } from '../protocol/run-events';
import { formatDuration, formatLevel, formatMetricValue, formatMs, formatPercent, formatUsd } from '../../vocabulary/format';
import { runFigures, statusWord, verdictLine, WINDOW } from '../../vocabulary/figures';
import { sourceNote, type ResultsDocument } from './results-document';

export function escapeXml(text: unknown): string {
  // Characters XML 1.0 cannot carry at all are dropped rather than escaped.
  return String(text ?? '')
    .replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function testcase(t: ThresholdState, doc: ResultsDocument, seconds: number): string {
  const name = escapeXml(t.source);
  const classname = escapeXml(`stampede.${doc.scenario.name}`);
  const head = `    <testcase classname="${classname}" name="${name}" time="${seconds.toFixed(3)}"`;
  if (t.pass === null) return `${head}>\n      <skipped message="no data to judge this threshold"/>\n    </testcase>`;
  if (t.pass) return `${head}/>`;
  const b = t.firstBreach;
  const value = t.value === null ? 'no value' : formatMetricValue(t.metric, t.value);
  const message = `${t.source}: whole-run value ${value}`;
  const detail = b
    ? `first breached at ${formatDuration(b.t)} in stage ${b.stage}, target ${formatLevel(b.targetLevel, doc.run?.loadModel)}: ${formatMetricValue(t.metric, b.value)}`
    : 'breached at the end of the run';
  return `${head}>\n      <failure message="${escapeXml(message)}" type="threshold">${escapeXml(`${message}\n${detail}`)}</failure>\n    </testcase>`;
}

/** The run's headline figures, as every other surface shows them, for CI pages that list a
 * suite's properties; and where the figures came from when that was not Stampede's own run. */
function properties(doc: ResultsDocument): string {
  const s = doc.summary;
  const note = sourceNote(doc);
  const source: Array<[string, string]> = note ? [['source', note]] : [];
  const f = s ? runFigures(s) : null;
  const props: Array<[string, string]> = f
    ? [
        ['status', f.status],
        ['window', WINDOW.wholeRun],
        ['errors.rate', formatPercent(f.errorRate)],
        ['ttft.p95', formatMs(f.ttftP95)],
        ['cost.total', formatUsd(f.costTotal)],
        ...source,
      ]
    : [['status', 'INCOMPLETE'], ...source];
  return `    <properties>\n${props.map(([k, v]) => `      <property name="${escapeXml(k)}" value="${escapeXml(v)}"/>`).join('\n')}\n    </properties>\n`;
}

export function renderJunitReport(doc: ResultsDocument): string {
  const s = doc.summary;
  const thresholds = s?.thresholds ?? doc.series[doc.series.length - 1]?.thresholds ?? [];
  const seconds = s ? s.durationMs / 1000 : (doc.series[doc.series.length - 1]?.t ?? 0);
  const failures = thresholds.filter((t) => t.pass === false).length;
  const skipped = thresholds.filter((t) => t.pass === null).length;
  const cases = thresholds.map((t) => testcase(t, doc, seconds));
  // A run that ended early (aborted, stopped, killed) is reported as an error so CI does not
  // mistake partial data for a pass.
  const incomplete = !s || s.endReason !== 'completed';
  if (incomplete) {
    const why = s ? `${verdictLine(s)}${s.endMessage && !s.verdict.headline.includes(s.endMessage) ? `: ${s.endMessage}` : ''}` : `no summary (status ${doc.status})`;
    cases.push(
      `    <testcase classname="${escapeXml(`stampede.${doc.scenario.name}`)}" name="run completed" time="${seconds.toFixed(3)}">\n      <error message="${escapeXml(`run did not complete: ${why}`)}" type="${escapeXml(s ? statusWord(s) : doc.status)}"/>\n    </testcase>`,
    );
  }
  const name = escapeXml(doc.scenario.name);
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="stampede" tests="${cases.length}" failures="${failures}" errors="${incomplete ? 1 : 0}" skipped="${skipped}" time="${seconds.toFixed(3)}">
  <testsuite name="${name}" tests="${cases.length}" failures="${failures}" errors="${incomplete ? 1 : 0}" skipped="${skipped}" time="${seconds.toFixed(3)}" timestamp="${escapeXml(doc.run?.startedAt ?? doc.createdAt)}">
${properties(doc)}${cases.join('\n')}
  </testsuite>
</testsuites>
`;
}
