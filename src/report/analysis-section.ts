// The "what broke first" section of the HTML and Markdown reports: the analysis timeline,
// the highest load every threshold held, recovery and failover, breaking point and cache
// experiments. Pure.
import { describeAnalysis } from '../core/analysis';
import type { RunSummary } from '../protocol/run-events';
import { formatMs } from '../../vocabulary/format';
import { escapeHtml as e } from './html-escape';

const pct = (v: number | null) => (v === null ? 'n/a' : `${Math.round(v * 1000) / 10}%`);

function extraLines(s: RunSummary): string[] {
  const lines: string[] = [];
  if (s.breakingPoint) {
    const b = s.breakingPoint;
    lines.push(`Breaking point: highest sustainable rate ${b.highestSustainableRate === null ? 'none' : `${b.highestSustainableRate}/s`}${b.brokeAt ? `; broke at ${b.brokeAt.rate}/s on ${b.brokeAt.threshold}` : ''}.`);
  }
  if (s.cacheAB) {
    for (const [name, side] of [['on', s.cacheAB.on], ['off', s.cacheAB.off]] as const) {
      lines.push(`Cache ${name}: hit rate ${pct(side.hitRate)}, TTFT p50 ${formatMs(side.ttft.p50)} p95 ${formatMs(side.ttft.p95)}, E2E p95 ${formatMs(side.e2e.p95)} (${side.requests} requests).`);
    }
  }
  if (s.herd) {
    const h = s.herd;
    lines.push(`Herd probe at ${h.t}s: ${h.requests} identical requests, ${h.duplicateComputations ?? 'unknown'} duplicate upstream computations (${h.method}), E2E p95 ${formatMs(h.latencyP95)}.`);
  }
  return lines;
}

export function analysisLines(s: RunSummary, loadModel: 'open' | 'closed'): string[] {
  return [...(s.analysis ? describeAnalysis(s.analysis, loadModel) : []), ...extraLines(s)];
}

export function analysisHtml(s: RunSummary | null | undefined, loadModel: 'open' | 'closed'): string {
  if (!s || (!s.analysis && !s.breakingPoint && !s.cacheAB && !s.herd)) return '';
  const items = analysisLines(s, loadModel).map((l) => `<li>${e(l)}</li>`).join('');
  return `<h2>What broke first</h2><ol class="analysis">${items}</ol>`;
}

export function analysisMarkdown(s: RunSummary, loadModel: 'open' | 'closed', escape: (t: string) => string): string[] {
  const lines = analysisLines(s, loadModel);
  if (!lines.length) return [];
  return ['**What broke first**', '', ...lines.map((l, i) => `${i + 1}. ${escape(l)}`), ''];
}
