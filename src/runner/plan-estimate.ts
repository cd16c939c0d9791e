// The dry-run estimate as the front ends show it (the CodeLens, the editor's cost confirmation,
// `stampede run --dry-run`): core/run-estimate.ts from the plan alone — or, for a replay, from
// its trace read as a run reads it, with the load shape (stages, duration) the trace fills in.
// The editor asks again at every keystroke: a trace's shape is kept per file version.
import { statSync } from 'node:fs';
import type { PlanLoad, ResolvedPlan } from '../core/plan';
import { estimateRun, type RecordedLoad, type RunEstimate } from '../core/run-estimate';
import { loadReplay, tracePathOf } from './replay-load';

export interface PlanEstimate {
  /** The plan as it will run: a replay's with its load shape filled in. */
  plan: ResolvedPlan;
  estimate: RunEstimate;
}

interface TraceShape {
  load: PlanLoad;
  recorded: RecordedLoad;
}

/** Trace shapes kept (a few scenarios open at once). */
const KEPT_SHAPES = 8;

export class PlanEstimator {
  private readonly shapes = new Map<string, Promise<TraceShape>>();

  /** Rejects with RunConfigError (naming load.trace.file, the file and line) when a replay's
   * trace cannot be read. `baseDir`: the scenario's folder, where relative trace paths start. */
  async estimate(plan: ResolvedPlan, baseDir: string): Promise<PlanEstimate> {
    if (!plan.load.replay) return { plan, estimate: estimateRun(plan) };
    const shape = await this.shapeOf(plan, baseDir);
    const shaped: ResolvedPlan = { ...plan, load: shape.load };
    return { plan: shaped, estimate: estimateRun(shaped, shape.recorded) };
  }

  /** What the trace gives the plan, read again when the file, the load or the mix names (the
   * routes) change. */
  private shapeOf(plan: ResolvedPlan, baseDir: string): Promise<TraceShape> {
    const path = tracePathOf(plan, baseDir);
    let version = 'unreadable';
    try {
      const st = statSync(path);
      version = `${st.size}:${st.mtimeMs}`;
    } catch {
      // loadReplay names the reason.
    }
    const key = JSON.stringify([path, version, plan.load, plan.workload.mix.map((e) => e.name), plan.seed]);
    let shape = this.shapes.get(key);
    if (!shape) {
      shape = loadReplay(plan, baseDir).then((r) => ({ load: r.plan.load, recorded: r.recordedLoad() }));
      this.shapes.set(key, shape);
      if (this.shapes.size > KEPT_SHAPES) this.shapes.delete(this.shapes.keys().next().value as string);
    }
    return shape;
  }
}

/** One estimate, nothing kept (the CLI). */
export function estimatePlan(plan: ResolvedPlan, baseDir: string): Promise<PlanEstimate> {
  return new PlanEstimator().estimate(plan, baseDir);
}
