// A fitted trace written as an ordinary scenario file: a header comment with the source
// statistics, a mix entry per route, size distributions, and stages that follow the rate.
// The text is what a person would write by hand, so it can be edited like any other scenario.
import type { TraceFit } from './trace-fit';
import type { TraceColumns, TraceFormat } from './trace-record';
import type { FittedStage } from './trace-stages';

export interface FitSource {
  /** File name as the user gave it (shown in the header, never its contents). */
  file: string;
  format: TraceFormat;
  columns?: TraceColumns;
  timeUnit?: string;
  /** OTLP spans left out for carrying no GenAI usage. */
  skippedSpans?: number;
  /** When the fit was made (ISO), for the header. */
  fittedAt?: string;
}

/** How long the fitted scenario should run by default; longer traces get a timeScale. */
const TARGET_RUN_MS = 10 * 60_000;
const NICE_SCALES = [1, 2, 3, 5, 10, 15, 20, 30, 60, 120, 180, 360, 720, 1440, 2880, 4320, 8640];

/** A duration the language reads ("1h30m", "45s", "2.5s"), rounded to what matters. */
export function scenarioDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(1, Math.round(ms))}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(ms < 10_000 ? 1 : 0))}s`;
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s && h === 0 ? `${s}s` : ''}` || '1s';
}

/** Up to 3 significant digits, no trailing zeros. */
function sig(n: number): string {
  if (n === 0) return '0';
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(n))));
  return String(Number(n.toFixed(Math.min(6, digits))));
}

/** An absolute rate, in per-minute or per-hour units when per-second would read as 0.0…. */
export function scenarioRate(perSecond: number): string {
  if (perSecond >= 1 || perSecond === 0) return `${sig(perSecond)}/s`;
  if (perSecond * 60 >= 1) return `${sig(perSecond * 60)}/m`;
  return `${sig(perSecond * 3600)}/h`;
}

/** A multiple of the baseline to two significant digits (9.7x, 0.97x, 12x). */
function multiple(rate: number, baseline: number): string {
  const f = baseline > 0 ? rate / baseline : 0;
  return `${f === 0 ? 0 : Number(f.toPrecision(2))}x`;
}

function yamlString(text: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9 _.\/-]*$/.test(text) && !/^(true|false|null|yes|no|on|off)$/i.test(text) && !/[ .]$/.test(text) ? text : JSON.stringify(text);
}

function clock(ms: number): string {
  return scenarioDuration(ms).replace(/^(\d+(\.\d+)?)ms$/, '0s');
}

function whenText(fit: TraceFit, offsetMs: number): string {
  const at = fit.firstMs + offsetMs;
  return fit.firstMs >= 1e11 ? `${new Date(at).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')} (+${clock(offsetMs)})` : `+${clock(offsetMs)}`;
}

function tokens(n: number): number {
  return Math.max(1, Math.round(n));
}

function sizeField(name: string, median: number, p95: number): string {
  const m = tokens(median);
  const p = Math.max(m, tokens(p95));
  return p === m ? `${name}: ${m}` : `${name}: { median: ${m}, p95: ${p} }`;
}

/** A mix entry name for a route: the route itself, or "requests" when the trace has none. */
export function mixNameOf(route: string): string {
  return route === '' ? 'requests' : route;
}

function stageLine(stage: FittedStage, index: number, baseline: number, scale: number): string {
  const parts = [`name: ${yamlString(stage.name)}`, `for: ${scenarioDuration(stage.durationMs)}`];
  parts.push(`rate: ${index === 0 ? scenarioRate(stage.rate) : multiple(stage.rate, baseline)}`);
  if (stage.rampTo !== undefined) parts.push(`rampTo: ${multiple(stage.rampTo, baseline)}`);
  if (stage.diurnal) parts.push(`diurnal: { peak: ${multiple(stage.diurnal.peak, baseline)}, period: ${scenarioDuration(stage.diurnal.periodMs)} }`);
  const note = scale > 1 ? `   # trace ${clock(stage.startMs)}–${clock(stage.startMs + stage.durationMs)}` : '';
  return `    - { ${parts.join(', ')} }${note}`;
}

export function renderFittedScenario(fit: TraceFit, source: FitSource, name: string): string {
  const lines: string[] = [];
  const pct = (f: number) => `${(f * 100).toFixed(1)}%`;
  const columns = source.columns ? Object.entries(source.columns).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`).join(', ') : '';
  lines.push(`# Fitted by \`stampede fit\` from ${source.file} (${source.format}${columns ? `; columns ${columns}` : ''}${source.timeUnit && source.timeUnit !== 'auto' ? `; time in ${source.timeUnit}` : ''})${source.fittedAt ? ` on ${source.fittedAt.slice(0, 10)}` : ''}.`);
  lines.push(`# Source: ${fit.requests.toLocaleString('en-US')} requests over ${clock(fit.spanMs)}, from ${whenText(fit, 0)}; mean ${scenarioRate(fit.meanRate)}, typical ${scenarioRate(fit.typicalRate)}, peak ${scenarioRate(fit.peakRate)} (in ${scenarioDuration(fit.bucketMs)} buckets).`);
  lines.push(`# Tokens: ${fit.promptTokens.toLocaleString('en-US')} prompt, ${fit.outputTokens.toLocaleString('en-US')} output.${source.skippedSpans ? ` ${source.skippedSpans.toLocaleString('en-US')} spans without GenAI token usage were left out.` : ''}`);
  for (const r of fit.routes) {
    lines.push(`#   ${mixNameOf(r.route)}: ${r.count.toLocaleString('en-US')} requests (${pct(r.share)}); prompt median ${tokens(r.prompt.median)}, p95 ${tokens(r.prompt.p95)}, max ${r.prompt.max}; output median ${tokens(r.output.median)}, p95 ${tokens(r.output.p95)}, max ${r.output.max}`);
  }
  if (fit.diurnal) {
    const d = fit.diurnal;
    const hour = (h: number) => {
      // Rounded to the minute first, so 3.997 h reads 04:00, not 03:00.
      const minutes = Math.round(h * 60) % 1440;
      return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
    };
    const utc = fit.firstMs >= 1e11 ? ' UTC' : ' (hours from the start)';
    lines.push(`# Daily wave: trough ${scenarioRate(d.troughRate)} at ${hour(d.troughHour)}${utc}, peak ${scenarioRate(d.peakRate)} at ${hour(d.peakHour)}${utc}; the stages start at the first trough, ${clock(d.shiftMs)} into the trace.`);
  }
  if (fit.bursts.length) {
    lines.push(`# Bursts (${multipleNote(fit)}):`);
    for (const b of fit.bursts) lines.push(`#   ${b.name}: at ${whenText(fit, b.startMs)} for ${scenarioDuration(b.durationMs)}, ${sig(b.factor)}x the rate around it (${scenarioRate(b.rate)})`);
  } else {
    lines.push(`# Bursts: none (no ${scenarioDuration(fit.bucketMs)} bucket at twice the typical rate or more).`);
  }
  if (fit.sharedPrefixShare !== null) {
    lines.push(`# Shared prefixes: ${pct(fit.sharedPrefixShare)} of prompt tokens repeat an earlier request's prefix (the hit rate of an unbounded prefix cache). A fitted scenario draws fresh prompts; replay the trace (load.model: replay) to keep its prefixes.`);
  }
  lines.push(`# Prompt text was not read: only timestamps, token counts${fit.routes.length > 1 || fit.routes[0]?.route ? ', routes' : ''} and prefix ids.`);
  const firstStage = fit.stages[0];
  const baseline = firstStage?.rate ?? fit.typicalRate;
  const scale = pickTimeScale(fit.spanMs);
  lines.push('');
  lines.push(`name: ${yamlString(name)}`);
  lines.push(`description: ${JSON.stringify(`Fitted from ${source.file}: ${fit.requests} requests over ${clock(fit.spanMs)}`)}`);
  lines.push('providers:');
  lines.push('  - id: target');
  lines.push('    type: mock            # the embedded mock; point it at your system with type: openai and baseUrl');
  lines.push('    profile: h100-8b');
  lines.push('workload:');
  lines.push('  stream: true');
  lines.push('  mix:');
  for (const r of fit.routes) {
    lines.push(`    - name: ${yamlString(mixNameOf(r.route))}`);
    lines.push(`      weight: ${Number((r.share * 100).toFixed(1)) || 0.1}`);
    lines.push(`      ${sizeField('promptTokens', r.prompt.median, r.prompt.p95)}`);
    lines.push(`      ${sizeField('maxTokens', r.output.median, r.output.p95)}`);
  }
  lines.push('load:');
  lines.push('  model: open');
  lines.push('  arrival: poisson');
  if (scale > 1) lines.push(`  timeScale: ${scale}          # the trace's ${clock(fit.spanMs)} run in ${clock(fit.spanMs / scale)}; rates stay as recorded`);
  lines.push('  stages:');
  fit.stages.forEach((s, i) => lines.push(stageLine(s, i, baseline, scale)));
  lines.push('# thresholds:                # what must hold at this traffic, e.g.');
  lines.push('#   - ttft.p95 < 2s');
  lines.push('#   - errors.rate < 1%');
  return lines.join('\n') + '\n';
}

function multipleNote(fit: TraceFit): string {
  return fit.diurnal ? 'against the daily wave' : `against the typical ${scenarioRate(fit.typicalRate)}; stage rates are multiples of the first stage`;
}

export function pickTimeScale(spanMs: number): number {
  if (spanMs <= TARGET_RUN_MS * 1.5) return 1;
  return NICE_SCALES.find((s) => spanMs / s <= TARGET_RUN_MS) ?? NICE_SCALES[NICE_SCALES.length - 1];
}
