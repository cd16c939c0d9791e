// What the Test Explorer reports for one threshold after a run: passed, failed with its value
// (expected = the threshold as written, actual = the measured value), or no data to judge on.
import type { PlanThreshold } from '../core/plan';
import type { ThresholdState } from '../protocol/run-events';

export interface ThresholdOutcome {
  passed: boolean | null;
  message: string;
  expected: string;
  actual: string;
}

/** What the Test Explorer says about one threshold after a run. */
export function thresholdOutcome(planned: Pick<PlanThreshold, 'source' | 'metric'>, state: ThresholdState | undefined): ThresholdOutcome {
  if (!state || state.pass === null) {
    return { passed: null, message: `${planned.source}: no data to judge on (no request measured ${planned.metric})`, expected: planned.source, actual: 'no data' };
  }
  const value = state.value === null ? 'no value' : formatValue(state.value);
  const when = state.firstBreach ? ` — first broke at ${state.firstBreach.t} s in ${state.firstBreach.stage} (target ${formatValue(state.firstBreach.targetLevel)}, achieved ${formatValue(state.firstBreach.achievedRate)}/s)` : '';
  return {
    passed: state.pass,
    message: state.pass ? `${planned.source}: held (${planned.metric} = ${value})` : `${planned.source}: failed, ${planned.metric} = ${value}${when}`,
    expected: planned.source,
    actual: `${planned.metric} = ${value}`,
  };
}

function formatValue(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(3) : v.toPrecision(3);
}

