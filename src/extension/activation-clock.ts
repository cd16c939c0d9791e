// Imported first by extension.ts, so this clock starts before the rest of extension.js is
// evaluated: the activation log line then says how long evaluating the bundle took (where
// module-level work such as compiling a schema shows), how long activate() took to make the
// language features ready, and the total including the host's wait between the two.
export const bundleEvaluationStartedAt = performance.now();

export function formatActivationTimes(bundleEvaluatedAt: number, activateStartedAt: number, readyAt: number): string {
  const ms = (value: number) => `${Math.round(value)} ms`;
  return `activated: extension.js evaluated in ${ms(bundleEvaluatedAt - bundleEvaluationStartedAt)}; language features ready ${ms(readyAt - activateStartedAt)} after activate() (${ms(readyAt - bundleEvaluationStartedAt)} after extension.js began loading)`;
}
