// One worker's share of a scenario run by N workers at once (the Artillery engine). Pure.
//
// - Open model: each worker runs the shape at 1/N of the rate. Poisson arrivals thinned to 1/N
//   are again Poisson, and N independent such streams add up to exactly the planned process, so
//   every worker gets its own seed. Uniform spacing stays uniform within each worker; how the N
//   streams interleave depends on when the workers start (Fargate workers start within seconds
//   of each other), so the merged spacing is not uniform.
// - Closed model: the shape's users are split into whole numbers, the remainder going to the
//   lowest worker indexes (the scheduler applies it as the level changes: ClosedUsers).
// - The budget is split too; in-flight caps are per worker (rounded up).
import type { ResolvedPlan, WorkerShare } from './plan';

export function usersForWorker(total: number, share: WorkerShare): number {
  const base = Math.floor(total / share.workers);
  return base + (share.index < total % share.workers ? 1 : 0);
}

/** The plan one worker runs: its share of the load, its own seed. */
export function sharePlan(plan: ResolvedPlan, share: WorkerShare, seed: number): ResolvedPlan {
  const n = share.workers;
  const load = plan.load;
  const shared: ResolvedPlan = { ...plan, seed };
  if (load.model === 'open') {
    shared.load = {
      ...load,
      baseline: load.baseline / n,
      maxInFlight: Math.ceil(load.maxInFlight / n),
      segments: load.segments.map((s) => ({ ...s, from: s.from / n, to: s.to / n })),
    };
  } else {
    shared.load = { ...load, maxInFlight: Math.ceil(load.maxInFlight / n), share: { ...share } };
  }
  if (plan.budget) shared.budget = { ...plan.budget, maxCostUsd: plan.budget.maxCostUsd / n };
  return shared;
}

/** Why a plan cannot be split across workers, or null when it can. */
export function unshareableReason(plan: ResolvedPlan): string | null {
  if (plan.load.replay) return 'load.model: replay sends every recorded request of its trace from one process (each worker would replay all of it, and the trace file is not exported); fit the trace (stampede fit) and export the fitted scenario';
  if (plan.breakingPoint) return 'load.breakingPoint stops the run at the first breach, which each worker would judge on its own share';
  if (plan.cacheExperiment?.ab) return 'cacheExperiment.ab runs the load twice and compares the halves, which Artillery would merge into one set of metrics';
  return null;
}
