// The HTML report: one self-contained file (inline CSS and SVG, no script, no network) that a
// person reads top-down — verdict, figures, thresholds, charts, stages, then the details.
// A pure function of the results document.
import { findMetric } from '../../vocabulary/metric-catalog';
import { ERROR_OUTCOMES, OUTCOMES, type Outcome, type OutcomeCounts, type Percentiles, type RunSummary, type TickPoint } from '../protocol/run-events';
import { formatCount, formatDuration, formatLevel, formatMetricValue, formatMs, formatPercent, formatRate, formatUsd } from '../../vocabulary/format';
import { errorRate, headlineBody, runFigures, statusWord, WINDOW } from '../../vocabulary/figures';
import { analysisHtml } from './analysis-section';
import { escapeHtml as e } from './html-escape';
import { sourceNote, type ResultsDocument } from './results-document';
import { seriesTotals } from './series-totals';
import { renderChart, type ChartBand } from './svg-chart';
import { faultWindowsOf } from '../core/gateway-analysis';

const OUTCOME_CLASS: Record<string, string> = {
  ok: 'c-ok',
  unacceptable: 'c2',
  rate_limited: 'c3',
  server_error: 'c4',
  client_error: 'c5',
  timeout: 'c6',
  network: 'c7',
  canceled: 'c-muted',
  aborted: 'c-muted2',
};

const LIGHT_COLORS = `--bg:#ffffff; --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --card:#f6f8fa;
  --pass:#1a7f37; --pass-bg:#dafbe1; --fail:#cf222e; --fail-bg:#ffebe9; --warn:#9a6700; --warn-bg:#fff8c5;
  --band0:rgba(84,174,255,.07); --band1:rgba(84,174,255,.15);
  --c0:#0969da; --c1:#bf3989; --c2:#8250df; --c3:#d4a72c; --c4:#cf222e; --c5:#fb8500; --c6:#6e7781; --c7:#953800; --ok:#2da44e; --muted-c:#afb8c1; --muted-c2:#57606a;`;

const DARK_COLORS = `--bg:#0d1117; --fg:#e6edf3; --muted:#9198a1; --line:#3d444d; --card:#151b23;
  --pass:#3fb950; --pass-bg:#12261e; --fail:#f85149; --fail-bg:#2d1517; --warn:#d29922; --warn-bg:#2e2614;
  --band0:rgba(56,139,253,.08); --band1:rgba(56,139,253,.16);
  --c0:#4493f8; --c1:#db61a2; --c2:#ab7df8; --c3:#e3b341; --c4:#f85149; --c5:#ffa657; --c6:#8b949e; --c7:#f0883e; --ok:#3fb950; --muted-c:#656c76; --muted-c2:#b7bdc8;`;

// A browser follows the system's colour scheme; inside VS Code (Show Report) the webview's body
// carries the editor theme's class instead, which wins over the system setting.
const STYLE = `
:root { color-scheme: light dark; ${LIGHT_COLORS} }
@media (prefers-color-scheme: dark) { :root { ${DARK_COLORS} } }
body.vscode-light { color-scheme: light; ${LIGHT_COLORS} }
body.vscode-dark, body.vscode-high-contrast:not(.vscode-high-contrast-light) { color-scheme: dark; ${DARK_COLORS} }
body.vscode-high-contrast-light { color-scheme: light; ${LIGHT_COLORS} }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--fg); font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.sub { color: var(--muted); margin-bottom: 16px; }
.banner { border-radius: 8px; padding: 14px 18px; margin: 12px 0 8px; border: 1px solid; }
.banner .state { font-weight: 700; font-size: 18px; margin-right: 10px; }
.banner.pass { background: var(--pass-bg); border-color: var(--pass); } .banner.pass .state { color: var(--pass); }
.banner.fail { background: var(--fail-bg); border-color: var(--fail); } .banner.fail .state { color: var(--fail); }
.banner.other { background: var(--warn-bg); border-color: var(--warn); } .banner.other .state { color: var(--warn); }
.banner .headline { font-size: 16px; } .banner .detail { margin-top: 6px; color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.card .k { color: var(--muted); font-size: 12px; } .card .v { font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: 12px; } td.num, th.num { text-align: right; }
.ok-mark { color: var(--pass); font-weight: 700; } .fail-mark { color: var(--fail); font-weight: 700; } .none-mark { color: var(--muted); }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 14px; }
.chart-box { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px 4px; }
.chart-box figcaption { font-weight: 600; display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: center; }
.legend { font-weight: 400; color: var(--muted); font-size: 12px; display: flex; flex-wrap: wrap; gap: 2px 10px; }
.key { display: inline-flex; align-items: center; gap: 4px; }
.swatch { display: inline-block; width: 14px; height: 3px; background: currentColor; }
svg.chart { width: 100%; height: auto; display: block; }
svg .grid { stroke: var(--line); stroke-width: 1; } svg .axis { stroke: var(--muted); }
svg .tick, svg .band-label, svg .limit-label, svg .marker-label { fill: var(--muted); font-size: 11px; }
svg .band0 { fill: var(--band0); } svg .band1 { fill: var(--band1); }
svg .fault-band { fill: rgba(207,34,46,.14); stroke: rgba(207,34,46,.55); stroke-dasharray: 3 3; } svg .fault-label { fill: #cf222e; font-size: 10px; }
svg .line { fill: none; stroke-width: 2; stroke-linejoin: round; } svg .dashed { stroke-dasharray: 5 4; }
svg .limit { stroke: var(--fail); stroke-dasharray: 3 3; } svg .limit-label { fill: var(--fail); }
svg .marker { stroke: var(--fail); stroke-width: 1.5; } svg .marker-label { fill: var(--fail); }
.c0 { stroke: var(--c0); color: var(--c0); fill: var(--c0); } .c1 { stroke: var(--c1); color: var(--c1); fill: var(--c1); }
.c2 { stroke: var(--c2); color: var(--c2); fill: var(--c2); } .c3 { stroke: var(--c3); color: var(--c3); fill: var(--c3); }
.c4 { stroke: var(--c4); color: var(--c4); fill: var(--c4); } .c5 { stroke: var(--c5); color: var(--c5); fill: var(--c5); }
.c6 { stroke: var(--c6); color: var(--c6); fill: var(--c6); } .c7 { stroke: var(--c7); color: var(--c7); fill: var(--c7); }
.c-ok { stroke: var(--ok); color: var(--ok); fill: var(--ok); } .c-muted { color: var(--muted-c); fill: var(--muted-c); } .c-muted2 { color: var(--muted-c2); fill: var(--muted-c2); }
svg g.bars { stroke: none; }
.swatch.dashed { background: repeating-linear-gradient(90deg, currentColor 0 5px, transparent 5px 8px); }
details { margin-top: 8px; } pre { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 10px; overflow: auto; font-size: 12px; }
.log-warn { color: var(--warn); } .log-error { color: var(--fail); }
footer { color: var(--muted); margin: 32px 0 8px; font-size: 12px; }
`;

function card(label: string, value: string): string {
  return `<div class="card"><div class="k">${e(label)}</div><div class="v">${e(value)}</div></div>`;
}

function banner(doc: ResultsDocument): string {
  const s = doc.summary;
  if (!s) {
    const t = seriesTotals(doc.series);
    return `<div class="banner other"><span class="state">INCOMPLETE</span><span class="headline">The run did not finish (status "${e(doc.status)}"): ${e(formatDuration(t.seconds))} were measured; figures below come from the per-second series.</span></div>`;
  }
  const state = statusWord(s);
  const cls = state === 'PASS' ? 'pass' : state === 'FAIL' || state === 'ABORTED' || state === 'ERROR' ? 'fail' : 'other';
  const b = s.verdict.firstBreach;
  const metric = b ? s.thresholds.find((t) => t.id === b.thresholdId)?.metric ?? '' : '';
  const detail = b
    ? `<div class="detail">First breach: <strong>${e(b.source)}</strong> at ${e(formatDuration(b.t))} in stage <strong>${e(b.stage)}</strong>, target load ${e(formatLevel(b.targetLevel, doc.run?.loadModel))}, achieved ${e(formatRate(b.achievedRate))}; value ${e(formatMetricValue(metric, b.value))}.</div>`
    : '';
  const ended = s.endMessage && !s.verdict.headline.includes(s.endMessage) ? `<div class="detail">${e(s.endMessage)}</div>` : '';
  return `<div class="banner ${cls}"><span class="state">${state}</span><span class="headline">${e(headlineBody(s.verdict.headline))}</span>${detail}${ended}</div>`;
}

function summaryCards(doc: ResultsDocument): string {
  const s = doc.summary;
  if (!s) {
    const t = seriesTotals(doc.series);
    const errors = ERROR_OUTCOMES.reduce((sum, o) => sum + t.outcomes[o], 0);
    return `<div class="cards">${[
      card('Requests finished', formatCount(t.finished)),
      card('OK', formatCount(t.outcomes.ok)),
      card('Errors', formatCount(errors)),
      card('Error rate', formatPercent(errorRate(t.outcomes))),
      card('Dropped arrivals', formatCount(t.dropped)),
      card('Output tokens', formatCount(t.outputTokens)),
      card('Cost', formatUsd(t.cost)),
    ].join('')}</div>`;
  }
  const errors = ERROR_OUTCOMES.reduce((sum, o) => sum + s.outcomes[o], 0);
  const figures = runFigures(s);
  return `<div class="cards">${[
    card('Requests', formatCount(s.requests.total)),
    card('Achieved rate', formatRate(s.requests.rate)),
    card('OK', formatCount(s.outcomes.ok)),
    card('Errors', formatCount(errors)),
    card('Error rate', formatPercent(figures.errorRate)),
    card('Dropped arrivals', formatCount(s.requests.dropped)),
    card('TTFT p50', formatMs(s.ttft.p50)),
    card('TTFT p95', formatMs(s.ttft.p95)),
    card('TTFT p99', formatMs(s.ttft.p99)),
    card('E2E p95', formatMs(s.e2e.p95)),
    card('ITL p95', formatMs(s.itl.p95)),
    card('Output tokens/s', formatRate(s.tokens.perSecond, '')),
    card('Tokens in / out', `${formatCount(s.tokens.input)} / ${formatCount(s.tokens.output)}`),
    card('Cost', formatUsd(s.cost.total)),
    card('Cost per request', formatUsd(s.cost.perRequest)),
    card('Retry amplification', s.requests.total ? (s.requests.attempts / s.requests.total).toFixed(2) : '–'),
    card('Cache hit rate', formatPercent(s.cacheHitRate)),
  ].join('')}</div>`;
}

function thresholdsTable(doc: ResultsDocument): string {
  const states = doc.summary?.thresholds ?? doc.series[doc.series.length - 1]?.thresholds ?? [];
  if (states.length === 0) return '<p class="sub">The scenario has no thresholds.</p>';
  const planned = doc.scenario.plan.thresholds ?? [];
  const rows = states.map((t) => {
    const p = planned.find((x) => x.id === t.id);
    const mark = t.pass === false ? '<span class="fail-mark">✘ fail</span>' : t.pass ? '<span class="ok-mark">✔ pass</span>' : '<span class="none-mark">– no data</span>';
    const b = t.firstBreach;
    const breach = b
      ? `${e(formatDuration(b.t))} · ${e(b.stage)} · target ${e(formatLevel(b.targetLevel, doc.run?.loadModel))} · achieved ${e(formatRate(b.achievedRate))} · ${e(formatMetricValue(t.metric, b.value))}`
      : '<span class="none-mark">never</span>';
    const limit = p ? `${e(p.op)} ${e(formatMetricValue(p.metric, p.value))}` : '';
    return `<tr><td>${mark}</td><td><code>${e(t.source)}</code></td><td class="num">${e(t.value === null ? '–' : formatMetricValue(t.metric, t.value))}</td><td>${limit}</td><td>${breach}</td></tr>`;
  });
  return `<table><thead><tr><th>Result</th><th>Threshold</th><th class="num">Whole run</th><th>Limit</th><th>First breach (time · stage · load · value)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function percentileRow(label: string, p: Percentiles | undefined): string {
  if (!p) return '';
  const cells = [p.p50, p.p90, p.p95, p.p99, p.max, p.mean].map((v) => `<td class="num">${e(formatMs(v))}</td>`).join('');
  return `<tr><td>${e(label)}</td>${cells}<td class="num">${e(formatCount(p.count))}</td></tr>`;
}

function latencyTable(s: RunSummary): string {
  return `<table><thead><tr><th>Latency</th><th class="num">p50</th><th class="num">p90</th><th class="num">p95</th><th class="num">p99</th><th class="num">max</th><th class="num">mean</th><th class="num">samples</th></tr></thead><tbody>${[
    percentileRow('TTFT (time to first token)', s.ttft),
    percentileRow('ITL (inter-token)', s.itl),
    percentileRow('TPOT (per output token)', s.tpot),
    percentileRow('E2E (from send)', s.e2e),
    percentileRow('E2E (from intended send)', s.e2eIntended),
    percentileRow('Schedule lag', s.scheduleLag),
  ].join('')}</tbody></table>`;
}

/** `unacceptable` only when the run checked answers and some failed (older results lack it). */
function shownOutcomes(counts: Partial<OutcomeCounts>): readonly Outcome[] {
  return OUTCOMES.filter((o) => o !== 'unacceptable' || (counts[o] ?? 0) > 0);
}

function outcomesTable(s: RunSummary): string {
  const total = OUTCOMES.reduce((sum, o) => sum + (s.outcomes[o] ?? 0), 0);
  const rows = shownOutcomes(s.outcomes).map(
    (o) => `<tr><td><span class="key"><span class="swatch ${OUTCOME_CLASS[o]}"></span>${e(o)}</span></td><td class="num">${e(formatCount(s.outcomes[o]))}</td><td class="num">${e(formatPercent(total ? s.outcomes[o] / total : null))}</td></tr>`,
  );
  return `<table><thead><tr><th>Outcome</th><th class="num">Requests</th><th class="num">Share</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function stagesTable(doc: ResultsDocument): string {
  const stages = doc.summary?.stages ?? [];
  if (stages.length === 0) return '<p class="sub">No per-stage figures (the run has no summary).</p>';
  const rows = stages.map((st) => {
    const errors = ERROR_OUTCOMES.reduce((sum, o) => sum + st.outcomes[o], 0);
    return `<tr><td>${e(st.index + 1)}. ${e(st.name)}</td><td>${e(formatDuration(st.startMs / 1000))}–${e(formatDuration(st.endMs / 1000))}</td><td class="num">${e(formatCount(st.requests))}</td><td class="num">${e(formatRate(st.achievedRate))}</td><td class="num">${e(formatCount(st.outcomes.ok))}</td><td class="num">${e(formatCount(errors))}</td><td class="num">${e(formatMs(st.ttft.p50))}</td><td class="num">${e(formatMs(st.ttft.p95))}</td><td class="num">${e(formatMs(st.e2e.p95))}</td><td class="num">${e(formatUsd(st.cost))}</td><td class="num">${e(formatUsd(st.costPerRequest))}</td></tr>`;
  });
  return `<table><thead><tr><th>Stage</th><th>Time</th><th class="num">Requests</th><th class="num">Achieved</th><th class="num">OK</th><th class="num">Errors</th><th class="num">TTFT p50</th><th class="num">TTFT p95</th><th class="num">E2E p95</th><th class="num">Cost</th><th class="num">Cost/request</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function bandsOf(doc: ResultsDocument): ChartBand[] {
  const stages = doc.run?.stages ?? doc.summary?.stages ?? [];
  return stages.map((s) => ({ label: s.name, startS: s.startMs / 1000, endS: s.endMs / 1000 }));
}

/** Every scheduled fault window (gateway upstreams and mock providers) as a band. */
function faultBandsOf(doc: ResultsDocument): ChartBand[] {
  const plan = doc.scenario.plan;
  if (!plan?.load || !plan.providers) return [];
  return faultWindowsOf(plan).map((w) => ({ label: `${w.upstream}: ${w.label}`, startS: w.startMs / 1000, endS: w.endMs / 1000 }));
}

function charts(doc: ResultsDocument): string {
  const series = doc.series;
  if (series.length === 0) return '<p class="sub">No per-second data was recorded.</p>';
  const xs = series.map((p) => p.t);
  const plannedS = (doc.run?.plannedDurationMs ?? 0) / 1000;
  const xMaxS = Math.max(plannedS, xs[xs.length - 1] ?? 0);
  const bands = bandsOf(doc);
  const faults = faultBandsOf(doc);
  const pick = (f: (p: TickPoint) => number | null) => series.map((p) => {
    const v = f(p);
    return v === undefined ? null : v;
  });
  const breaches = (doc.summary?.thresholds ?? series[series.length - 1].thresholds).filter((t) => t.firstBreach);
  const markersFor = (prefix: string) =>
    breaches.filter((t) => t.metric.startsWith(prefix)).map((t) => ({ x: t.firstBreach!.t, label: `✘ ${t.source}` }));
  const limitFor = (metric: string) => {
    const t = (doc.scenario.plan.thresholds ?? []).find((x) => x.metric === metric && findMetric(x.metric)?.unit === 'ms');
    return t ? { value: t.value, label: t.source } : undefined;
  };
  const closed = doc.run?.loadModel === 'closed';
  const out: string[] = [];
  out.push(
    renderChart({
      title: closed ? 'Load: users vs achieved request rate' : 'Load: target vs achieved rate (requests/s)',
      xs, xMaxS, bands, faults,
      series: [
        { label: closed ? 'target users' : 'target', values: pick((p) => p.targetLevel * (p.multiplier || 1)), colorClass: 'c6', dashed: true },
        { label: 'sent', values: pick((p) => p.sentRate), colorClass: 'c0' },
      ],
      formatY: (v) => String(Number(v.toPrecision(3))),
      markers: markersFor('requests').concat(markersFor('dropped')),
    }),
  );
  out.push(
    renderChart({
      title: 'TTFT (time to first token)',
      xs, xMaxS, bands, faults,
      series: [
        { label: 'p50', values: pick((p) => p.ttft.p50), colorClass: 'c0' },
        { label: 'p95', values: pick((p) => p.ttft.p95), colorClass: 'c1' },
        { label: 'p99', values: pick((p) => p.ttft.p99), colorClass: 'c2', dashed: true },
      ],
      formatY: formatMs,
      limit: limitFor('ttft.p95') ?? limitFor('ttft.p99') ?? limitFor('ttft.p50'),
      markers: markersFor('ttft'),
    }),
  );
  out.push(
    renderChart({
      title: 'Outcomes per second',
      xs, xMaxS, bands, faults, stacked: true,
      series: shownOutcomes(seriesTotals(doc.series).outcomes).map((o) => ({ label: o, values: pick((p) => p.outcomes[o] ?? 0), colorClass: OUTCOME_CLASS[o] })),
      formatY: (v) => String(Number(v.toPrecision(3))),
      markers: markersFor('errors').concat(markersFor('rateLimited'), markersFor('serverErrors'), markersFor('timeouts')),
    }),
  );
  out.push(
    renderChart({
      title: 'End-to-end latency',
      xs, xMaxS, bands, faults,
      series: [
        { label: 'p50', values: pick((p) => p.e2e.p50), colorClass: 'c0' },
        { label: 'p95', values: pick((p) => p.e2e.p95), colorClass: 'c1' },
        { label: 'p95 from intended send', values: pick((p) => p.e2eIntended.p95), colorClass: 'c5', dashed: true },
      ],
      formatY: formatMs,
      limit: limitFor('e2e.p95'),
      markers: markersFor('e2e'),
    }),
  );
  out.push(
    renderChart({
      title: 'Output tokens per second',
      xs, xMaxS, bands, faults,
      series: [{ label: 'tokens/s', values: pick((p) => p.tokensPerSecond), colorClass: 'c2' }],
      formatY: (v) => String(Number(v.toPrecision(3))),
      markers: markersFor('tokens'),
    }),
  );
  const hasQueue = series.some((p) => p.queueDepth !== null);
  out.push(
    renderChart({
      title: hasQueue ? 'Queue depth and requests in flight' : 'Requests in flight and runner backlog',
      xs, xMaxS, bands, faults,
      series: [
        ...(hasQueue ? [{ label: 'server queue (waiting)', values: pick((p) => p.queueDepth), colorClass: 'c4' }] : []),
        { label: 'in flight', values: pick((p) => p.inFlight), colorClass: 'c0' },
        { label: 'runner backlog', values: pick((p) => p.backlog), colorClass: 'c6', dashed: true },
      ],
      formatY: (v) => String(Number(v.toPrecision(3))),
    }),
  );
  out.push(
    renderChart({
      title: 'Cost (cumulative, USD)',
      xs, xMaxS, bands, faults,
      series: [{ label: 'cost', values: pick((p) => p.costCumulative), colorClass: 'c3' }],
      formatY: formatUsd,
      markers: markersFor('cost'),
    }),
  );
  out.push(...featureCharts(doc, { xs, xMaxS, bands, faults }, pick));
  return `<div class="charts">${out.join('')}</div>`;
}

/** Charts of features a scenario may use, each only when the run has its data: upstream shares and
 * the gateway's amplification (issue 12), the degradation share, the monitors' series. */
function featureCharts(doc: ResultsDocument, axes: { xs: number[]; xMaxS: number; bands: ChartBand[]; faults: ChartBand[] }, pick: (f: (p: TickPoint) => number | null) => Array<number | null>): string[] {
  const out: string[] = [];
  const series = doc.series;
  const names = doc.summary?.gateway?.upstreams.map((u) => u.name) ?? [...new Set(series.flatMap((p) => Object.keys(p.upstreams ?? {})))];
  const percent = (v: number) => formatPercent(v);
  if (names.length > 0 && series.some((p) => p.upstreamShare && Object.keys(p.upstreamShare).length > 0)) {
    out.push(renderChart({
      title: 'Upstream share of answers (from the proxies)',
      ...axes,
      series: names.map((name, i) => ({ label: name, values: pick((p) => p.upstreamShare?.[name] ?? (p.upstreamShare && Object.keys(p.upstreamShare).length ? 0 : null)), colorClass: `c${i % 6}` })),
      formatY: percent,
    }));
  }
  if (series.some((p) => p.gatewayAmplification !== undefined && p.gatewayAmplification !== null)) {
    out.push(renderChart({
      title: 'Gateway amplification (upstream attempts per request)',
      ...axes,
      series: [{ label: 'attempts / request', values: pick((p) => p.gatewayAmplification ?? null), colorClass: 'c4' }],
      formatY: (v) => String(Number(v.toPrecision(3))),
    }));
  }
  if (series.some((p) => p.degradation && p.degradation.length > 1)) {
    out.push(renderChart({
      title: 'Degraded responses (level ≥ 1)',
      ...axes,
      series: [{ label: 'degraded share', values: pick((p) => (p.degradation ? p.degradation.slice(1).reduce((a, b) => a + b, 0) : null)), colorClass: 'c5' }],
      formatY: percent,
    }));
  }
  const monitorNames = [...new Set(series.flatMap((p) => Object.keys(p.monitors ?? {})))];
  for (const [i, name] of monitorNames.entries()) {
    out.push(renderChart({
      title: `Monitor: ${name}`,
      ...axes,
      series: [{ label: name, values: pick((p) => p.monitors?.[name] ?? null), colorClass: `c${(i + 1) % 6}` }],
      formatY: (v) => String(Number(v.toPrecision(3))),
    }));
  }
  return out;
}

/** Issue 12: each fault window with what the gateway did, and each upstream as its proxy counted it. */
function gatewaySection(doc: ResultsDocument): string {
  const g = doc.summary?.gateway;
  if (!g) return '';
  const ms = (v: number | null) => (v === null ? '–' : formatMs(v));
  const windows = g.windows.map((w) => `<tr><td>${e(w.upstream)}</td><td>${e(w.label)}</td><td class="num">${e(formatDuration(w.startMs / 1000))}–${e(formatDuration(w.endMs / 1000))}</td><td class="num">${e(formatCount(w.faulted))}</td><td class="num">${e(ms(w.failoverMs))}</td><td class="num">${e(ms(w.userFailoverMs))}</td><td class="num">${e(ms(w.failbackMs))}</td><td class="num">${e(formatCount(w.switchErrors))}</td><td>${e(w.outcome)}</td></tr>`).join('');
  const upstreams = g.upstreams.map((u) => `<tr><td>${e(u.name)}</td><td><code>${e(u.url)}</code> → ${e(u.target)}</td><td class="num">${e(formatCount(u.attempts))}</td><td class="num">${e(formatCount(u.ok))}</td><td class="num">${e(formatCount(u.attempts - u.ok))}</td><td class="num">${e(formatCount(u.injected))}</td><td class="num">${e(formatPercent(u.share))}</td><td class="num">${e(formatMs(u.ttfb.p95))}</td><td>${e(Object.entries(u.models).map(([m, n]) => `${m} ${n}`).join(', ') || '–')}</td><td class="num">${e(u.quality ? formatPercent(u.quality.share) : '–')}</td></tr>`).join('');
  return `<h2>Gateway</h2>
<p>Failover ${e(ms(g.failoverMs))} (as users saw it ${e(ms(g.userFailoverMs))}) · failback ${e(ms(g.failbackMs))} · amplification ${e(g.amplification === null ? '–' : g.amplification.toFixed(2))} upstream attempts per request · ${e(formatCount(g.switchErrors))} user-visible errors while switching · ${e(formatCount(g.wastedAttempts))} wasted attempts (${e(formatUsd(g.wastedCostUsd))}) · correlation by ${e(g.correlation.method === 'request-id' ? `request id (${g.correlation.joinedRequests} requests joined)` : 'per-second counts')}</p>
${windows ? `<table><thead><tr><th>Upstream</th><th>Fault</th><th class="num">Window</th><th class="num">Faulted</th><th class="num">Failover</th><th class="num">As users saw it</th><th class="num">Failback</th><th class="num">User errors</th><th>What the gateway did</th></tr></thead><tbody>${windows}</tbody></table>` : ''}
<table><thead><tr><th>Upstream</th><th>Proxy → target</th><th class="num">Attempts</th><th class="num">OK</th><th class="num">Failed</th><th class="num">Injected</th><th class="num">Share</th><th class="num">TTFB p95</th><th>Models</th><th class="num">Quality</th></tr></thead><tbody>${upstreams}</tbody></table>`;
}

function scenarioSection(doc: ResultsDocument): string {
  const plan = doc.scenario.plan;
  const planUrl = (p: (typeof plan.providers)[number]) => (p.type === 'openai' ? p.baseUrl : p.type === 'mock' ? `mock (${p.profile})` : p.target.url);
  const providers = (doc.run?.providers ?? plan.providers.map((p) => ({ id: p.id, type: p.type, url: planUrl(p) })))
    .map((p) => `<tr><td>${e(p.id)}</td><td>${e(p.type)}</td><td><code>${e(p.url)}</code></td><td>${e(plan.providers.find((x) => x.id === p.id)?.model ?? '')}</td></tr>`)
    .join('');
  const overrides = doc.scenario.overrides.length
    ? `<p>Overrides: ${doc.scenario.overrides.map((o) => `<code>--set ${e(o)}</code>`).join(' ')}</p>`
    : '';
  return `<p>File: <code>${e(doc.scenario.file ?? '(none)')}</code> · load model ${e(plan.load?.model ?? '')} · time scale ×${e(plan.load?.timeScale ?? 1)} · seed ${e(plan.seed)}</p>${overrides}
<table><thead><tr><th>Provider</th><th>Type</th><th>URL</th><th>Model</th></tr></thead><tbody>${providers}</tbody></table>
<details><summary>Resolved plan (credentials redacted)</summary><pre>${e(JSON.stringify(plan, null, 2))}</pre></details>`;
}

function logsSection(doc: ResultsDocument): string {
  if (doc.logs.length === 0) return '';
  const shown = doc.logs.slice(-200);
  const rows = shown.map((l) => `<div class="log-${e(l.level)}">[${e(formatDuration(l.t))}] ${e(l.level)}: ${e(l.message)}</div>`).join('');
  const more = doc.logs.length > shown.length || doc.logsDropped ? `<p class="sub">Showing the last ${shown.length} of ${doc.logs.length + doc.logsDropped} log entries.</p>` : '';
  return `<h2>Log</h2>${more}<pre>${rows}</pre>`;
}

export function renderHtmlReport(doc: ResultsDocument): string {
  const s = doc.summary;
  const started = doc.run?.startedAt ?? doc.createdAt;
  const duration = s ? s.durationMs / 1000 : seriesTotals(doc.series).seconds;
  const title = `${doc.scenario.name} — Stampede report`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${e(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${e(doc.scenario.name)}</h1>
<div class="sub">Run ${e(doc.runId)} · started ${e(started)} · ${e(formatDuration(duration))}${doc.run ? ` of ${e(formatDuration(doc.run.plannedDurationMs / 1000))} planned` : ''} · status ${e(doc.status)}</div>
${banner(doc)}
${sourceNote(doc) ? `<p class="sub">${e(sourceNote(doc))}</p>` : ''}
${analysisHtml(s, doc.run?.loadModel ?? 'open')}
<h2>Thresholds</h2>
${thresholdsTable(doc)}
<h2>Summary (${s ? WINDOW.wholeRun : 'what was measured'})</h2>
<p class="sub">Error rate: errors over finished requests, leaving out those the run's own end aborted (as the threshold <code>errors.rate</code> counts them).</p>
${summaryCards(doc)}
<h2>Over time</h2>
${charts(doc)}
${gatewaySection(doc)}
<h2>Stages</h2>
${stagesTable(doc)}
${s ? `<h2>Latency${doc.source ? ' (merged sketches: ±1 %, lower rank)' : ''}</h2>${latencyTable(s)}<h2>Outcomes</h2>${outcomesTable(s)}<p class="sub">Tokens counted by: ${e(s.tokens.method)}. Cancellations are not errors.</p>` : ''}
<h2>Scenario</h2>
${scenarioSection(doc)}
${logsSection(doc)}
<footer>Generated by Stampede ${e(doc.tool?.version ?? '')} from results file version ${e(doc.version)} · updated ${e(doc.updatedAt)}</footer>
</main>
</body>
</html>
`;
}
