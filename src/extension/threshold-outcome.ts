// What the Test Explorer reports for one threshold after a run: passed, failed with its value
// (expected = the threshold as written, actual = the measured value), or no data to judge on.
// Values and loads are written as the reports and the panel write them (vocabulary/format.ts).
import type { PlanThreshold } from '../core/plan';
import { formatDuration, formatLevel, formatMetricValue, formatRate } from '../../vocabulary/format';
import { WINDOW } from '../../vocabulary/figures';
import type { ThresholdState } from '../protocol/run-events';

export interface ThresholdOutcome {
  passed: boolean | null;
  message: string;
  expected: string;
  actual: string;
}

/** What the Test Explorer says about one threshold after a run. */
export function thresholdOutcome(planned: Pick<PlanThreshold, 'source' | 'metric'>, state: ThresholdState | undefined, loadModel: 'open' | 'closed' = 'open'): ThresholdOutcome {
  if (!state || state.pass === null) {
    return { passed: null, message: `${planned.source}: no data to judge on (no request measured ${planned.metric})`, expected: planned.source, actual: 'no data' };
  }
  const value = state.value === null ? 'no value' : formatMetricValue(state.metric, state.value);
  const b = state.firstBreach;
  const when = b ? ` — first broke at ${formatDuration(b.t)} in ${b.stage} (target ${formatLevel(b.targetLevel, loadModel)}, achieved ${formatRate(b.achievedRate)}): ${formatMetricValue(state.metric, b.value)}` : '';
  return {
    passed: state.pass,
    message: state.pass ? `${planned.source}: held (${planned.metric} = ${value}, ${WINDOW.wholeRun})` : `${planned.source}: failed, ${planned.metric} = ${value} (${WINDOW.wholeRun})${when}`,
    expected: planned.source,
    actual: `${planned.metric} = ${value}`,
  };
}
