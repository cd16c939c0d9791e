// Validation of what the host posts to the webview. The shapes come from src/protocol (types
// only: the webview may not import values from there), so the checks are written out here. A
// message that fails is dropped whole; a point with a field of the wrong type would otherwise
// put NaN into a chart long after the cause.
import type { ComparedRun, HostMessage, RunStartInfo } from '../src/protocol/panel-messages';
import type { RunSummary, TickPoint } from '../src/protocol/run-events';

type Obj = Record<string, unknown>;

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isNumOrNull = (x: unknown): boolean => x === null || isNum(x);
const isStr = (x: unknown): x is string => typeof x === 'string';

const POINT_NUMBERS = [
  't', 'stageIndex', 'targetLevel', 'multiplier', 'sentRate', 'achievedRate', 'completedRate', 'inFlight', 'backlog',
  'dropped', 'attempts', 'tokensPerSecond', 'inputTokens', 'outputTokens', 'cost', 'costCumulative',
] as const;
const POINT_NULLABLE = ['cacheHitRate', 'queueDepth', 'kvCacheUsage'] as const;
const POINT_PERCENTILES = ['ttft', 'itl', 'e2e', 'e2eIntended', 'scheduleLag'] as const;
const PERCENTILE_KEYS = ['p50', 'p90', 'p95', 'p99', 'max', 'mean', 'min'] as const;

function isPercentiles(x: unknown): boolean {
  return isObj(x) && isNum(x.count) && PERCENTILE_KEYS.every((k) => isNumOrNull(x[k]));
}

function isCounts(x: unknown): boolean {
  return isObj(x) && Object.values(x).every(isNum);
}

function isThresholdState(x: unknown): boolean {
  if (!isObj(x) || !isStr(x.id) || !isStr(x.source) || !isStr(x.metric)) return false;
  if (!(x.pass === null || typeof x.pass === 'boolean') || !isNumOrNull(x.value)) return false;
  const b = x.firstBreach;
  return b === null || (isObj(b) && isNum(b.t) && isStr(b.stage) && isNumOrNull(b.value));
}

export function isTickPoint(x: unknown): x is TickPoint {
  if (!isObj(x) || !isStr(x.stage)) return false;
  if (!POINT_NUMBERS.every((k) => isNum(x[k]))) return false;
  if (!POINT_NULLABLE.every((k) => isNumOrNull(x[k]))) return false;
  if (!POINT_PERCENTILES.every((k) => isPercentiles(x[k]))) return false;
  // The runner's trailing window (absent in older results files).
  const r = x.recent;
  if (r !== undefined && !(isObj(r) && isNum(r.seconds) && isNumOrNull(r.ttftP95) && isNumOrNull(r.errorRate))) return false;
  return isCounts(x.outcomes) && Array.isArray(x.thresholds) && x.thresholds.every(isThresholdState);
}

function isStart(x: unknown): x is RunStartInfo {
  if (!isObj(x) || x.type !== 'start' || !isStr(x.runId) || !isStr(x.scenario) || !isNum(x.durationMs)) return false;
  if (x.loadModel !== 'open' && x.loadModel !== 'closed') return false;
  const stagesOk =
    Array.isArray(x.stages) &&
    x.stages.every((s) => isObj(s) && isStr(s.name) && isNum(s.index) && isNum(s.startMs) && isNum(s.endMs));
  const thresholdsOk =
    Array.isArray(x.thresholds) && x.thresholds.every((t) => isObj(t) && isStr(t.id) && isStr(t.source) && isStr(t.metric));
  return stagesOk && thresholdsOk && Array.isArray(x.providers);
}

function isSummary(x: unknown): x is RunSummary {
  if (!isObj(x) || !isStr(x.runId) || !isNum(x.durationMs) || !isStr(x.endReason)) return false;
  const v = x.verdict;
  if (!isObj(v) || typeof v.pass !== 'boolean' || !isStr(v.headline)) return false;
  if (!isObj(x.requests) || !isObj(x.cost) || !isObj(x.tokens) || !isPercentiles(x.ttft)) return false;
  return Array.isArray(x.thresholds) && x.thresholds.every(isThresholdState) && isObj(x.metrics);
}

function parseComparedRun(x: unknown): ComparedRun | null {
  if (!isObj(x) || !isStr(x.label)) return null;
  if (!(x.start === null || isStart(x.start)) || !(x.summary === null || isSummary(x.summary))) return null;
  if (!Array.isArray(x.points) || !x.points.every(isTickPoint)) return null;
  return { label: x.label, start: x.start, points: x.points, summary: x.summary };
}

export function parseHostMessage(x: unknown): HostMessage | null {
  if (!isObj(x)) return null;
  if (x.type === 'compare') {
    const baseline = parseComparedRun(x.baseline);
    const current = parseComparedRun(x.current);
    return baseline && current ? { type: 'compare', baseline, current } : null;
  }
  const points = x.points;
  if (!Array.isArray(points) || !points.every(isTickPoint)) return null;
  if (x.type === 'replay') {
    if (!(x.start === null || isStart(x.start))) return null;
    if (!(x.summary === null || isSummary(x.summary))) return null;
    if (typeof x.live !== 'boolean') return null;
    if (x.note !== undefined && !isStr(x.note)) return null;
    const replay: HostMessage = { type: 'replay', start: x.start, points, summary: x.summary, live: x.live };
    if (x.note !== undefined) replay.note = x.note;
    return replay;
  }
  if (x.type === 'update') {
    if (x.start !== undefined && !isStart(x.start)) return null;
    if (x.summary !== undefined && !isSummary(x.summary)) return null;
    const message: HostMessage = { type: 'update', points };
    if (x.start !== undefined) message.start = x.start;
    if (x.summary !== undefined) message.summary = x.summary;
    return message;
  }
  return null;
}
