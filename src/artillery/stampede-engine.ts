// `artillery-engine-stampede`: runs a Stampede scenario inside Artillery. Artillery constructs
// the engine once per worker thread (`new Engine(script, ee, helpers)`) and calls
// createScenario once per scenario; the function it returns runs one virtual user. The exported
// script starts exactly one virtual user per worker, and that user runs Stampede's own
// scheduler on the worker's share of the load (core/worker-share.ts) — so open and closed
// models, ramps, diurnal shapes and time compression keep their meaning — while every sample
// goes out as Artillery metrics (artillery-sink.ts).
//
// The script's `config.stampede`:
//   scenario: path of the *.stampede.yaml file, relative to the Artillery script
//   workers:  how many workers run the script (run-fargate --count N); each runs 1/N
//   set:      `--set` overrides applied to the scenario, as the CLI takes them
// Environment: STAMPEDE_WORKER_INDEX (0-based) when the worker knows its number; Fargate and
// Lambda workers do not, and take a random one. STAMPEDE_SECRET_<NAME> or <NAME> answer
// ${secret:NAME}. STAMPEDE_SAMPLES_FILE writes every histogram sample (samples-file.ts).
import { randomInt } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import type { ResolvedPlan, WorkerShare } from '../core/plan';
import { sharePlan, unshareableReason } from '../core/worker-share';
import type { RunEvent, RunSummary } from '../protocol/run-events';
import { startRun } from '../runner/engine';
import { stagesOf } from '../runner/run-setup';
import { ArtillerySink, type MetricEmitter } from './artillery-sink';
import { SamplesFile } from './samples-file';
import { loadScenario } from './scenario-load';

export interface EngineConfig {
  scenario: string;
  workers: number;
  set: string[];
}

interface ArtilleryScript {
  config?: { stampede?: unknown; [key: string]: unknown };
  _scriptPath?: string;
}

interface ScenarioEvents extends MetricEmitter {
  emit(event: string, ...args: unknown[]): unknown;
}

type VirtualUser = (context: unknown, callback: (error: Error | null, context: unknown) => void) => void;

/** Reads and checks `config.stampede`; throws an Error naming the field that is wrong. */
export function readEngineConfig(script: ArtilleryScript): EngineConfig {
  const raw = script.config?.stampede;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new Error('config.stampede is missing: it names the scenario, e.g. stampede: { scenario: launch.stampede.yaml, workers: 1 } (stampede export artillery writes it)');
  }
  const c = raw as Record<string, unknown>;
  if (typeof c.scenario !== 'string' || c.scenario.trim() === '') throw new Error('config.stampede.scenario must be the path of a *.stampede.yaml file, relative to the Artillery script');
  const workers = c.workers ?? 1;
  if (typeof workers !== 'number' || !Number.isInteger(workers) || workers < 1) {
    throw new Error(`config.stampede.workers must be a whole number of workers (1 or more), got ${JSON.stringify(workers)}`);
  }
  const set = c.set ?? [];
  if (!Array.isArray(set) || set.some((s) => typeof s !== 'string')) throw new Error('config.stampede.set must be a list of path=value overrides');
  return { scenario: c.scenario, workers, set: set as string[] };
}

/** This worker's number: STAMPEDE_WORKER_INDEX when it is set, else a random one (Fargate and
 * Lambda workers are not numbered). Throws when the variable is not a valid index. */
export function workerShare(workers: number, env: Record<string, string | undefined>): WorkerShare & { numbered: boolean } {
  const text = env.STAMPEDE_WORKER_INDEX;
  if (text === undefined || text === '') return { workers, index: randomInt(workers), numbered: false };
  const index = Number(text);
  if (!Number.isInteger(index) || index < 0 || index >= workers) {
    throw new Error(`STAMPEDE_WORKER_INDEX=${text} is not a worker number: use 0 to ${workers - 1} (config.stampede.workers is ${workers})`);
  }
  return { workers, index, numbered: true };
}

/** A numbered worker's seed follows from the scenario's (runs repeat); an unnumbered one draws
 * its own, since two workers may draw the same number. */
export function workerSeed(planSeed: number, share: WorkerShare & { numbered: boolean }): number {
  if (!share.numbered) return randomInt(2 ** 31);
  return (Math.imul(planSeed ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(share.index + 1, 0x85ebca6b)) >>> 1;
}

function describeShare(plan: ResolvedPlan, share: WorkerShare & { numbered: boolean }, seed: number): string {
  const who = `worker ${share.numbered ? share.index + 1 : '(unnumbered)'} of ${share.workers}`;
  const what = share.workers === 1 ? 'the whole load' : plan.load.model === 'open' ? `1/${share.workers} of the arrival rate` : `its whole-number share of the users (remainder to worker${share.numbered ? 's numbered first' : 's drawn at random'})`;
  return `stampede: ${plan.name}: ${who} runs ${what}, seed ${seed}`;
}

function secretFromEnv(env: Record<string, string | undefined>, name: string): string | undefined {
  return env[`STAMPEDE_SECRET_${name}`] ?? env[name];
}

function printEvent(event: RunEvent): void {
  if (event.type !== 'log' || event.entry.level === 'info') return;
  console.error(`stampede [${event.entry.t}s] ${event.entry.level}: ${event.entry.message}`);
}

/** Runs this worker's share of the scenario to its end. */
export async function runWorker(script: ArtilleryScript, ee: ScenarioEvents, env: Record<string, string | undefined> = process.env): Promise<RunSummary> {
  const config = readEngineConfig(script);
  const scriptDir = script._scriptPath ? dirname(script._scriptPath) : process.cwd();
  const file = resolve(scriptDir, config.scenario);
  const loaded = loadScenario(file, config.set, config.scenario);
  if (!loaded.ok) throw new Error(`the scenario cannot run:\n  ${loaded.errors.join('\n  ')}`);
  const reason = config.workers > 1 ? unshareableReason(loaded.plan) : null;
  if (reason) throw new Error(`${config.scenario} cannot be split across ${config.workers} workers: ${reason}`);
  const share = workerShare(config.workers, env);
  const seed = workerSeed(loaded.plan.seed, share);
  const plan = config.workers > 1 ? sharePlan(loaded.plan, share, seed) : loaded.plan;
  console.log(describeShare(plan, share, plan.seed));

  const samples = env.STAMPEDE_SAMPLES_FILE ? new SamplesFile(env.STAMPEDE_SAMPLES_FILE, ee) : null;
  const sink = new ArtillerySink(samples ?? ee, stagesOf(plan.load).length);
  sink.started();
  const handle = startRun({
    plan,
    onEvent: printEvent,
    env,
    baseDir: dirname(file),
    runId: `artillery-${Date.now()}-${share.numbered ? share.index + 1 : 'w'}`,
    resolveSecret: async (name) => secretFromEnv(env, name),
    sinks: [sink],
  });
  const summary = await handle.done;
  sink.ended(summary.durationMs, summary.endReason);
  await samples?.close();
  const o = summary.outcomes;
  console.log(`stampede: ${plan.name}: worker ended (${summary.endReason}): ${summary.requests.total} requests, ${o.ok} ok, ${summary.requests.dropped} dropped`);
  if (summary.endReason === 'error') throw new Error(summary.endMessage ?? 'the run failed');
  return summary;
}

/** Virtual users running in this thread: the script must start one per worker. */
let runningUsers = 0;

export class StampedeEngine {
  constructor(private readonly script: ArtilleryScript) {
    // Checked here too, so a script without the block fails as Artillery loads the engine.
    readEngineConfig(script);
  }

  createScenario(_spec: unknown, ee: ScenarioEvents): VirtualUser {
    return (context, callback) => {
      ee.emit('started');
      const fail = (error: unknown) => {
        runningUsers--;
        const err = error instanceof Error ? error : new Error(String(error));
        console.error(`stampede: ${err.message}`);
        ee.emit('error', 'stampede_worker_failed');
        callback(err, context);
      };
      if (++runningUsers > 1) {
        fail(new Error('a second virtual user started while one runs this worker\'s share: config.phases must start exactly one per worker (arrivalCount: 1), as `stampede export artillery` writes'));
        return;
      }
      runWorker(this.script, ee).then(
        () => {
          runningUsers--;
          callback(null, context);
        },
        fail,
      );
    };
  }
}
