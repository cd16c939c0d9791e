// worker_threads entry (bundled to dist/worker.js): runs one plan and posts its RunEvents to
// the parent, so a heavy run never stalls the extension host.
import { parentPort, workerData } from 'node:worker_threads';
import type { ResolvedPlan } from '../core/plan';
import { startRun } from './engine';

export interface RunWorkerData {
  plan: ResolvedPlan;
  baseDir?: string;
  runId?: string;
  /** Secrets already resolved by the parent; a name absent here is a missing secret. */
  secrets: Record<string, string>;
  env: Record<string, string | undefined>;
}

export type RunWorkerMessage = { type: 'stop'; reason?: 'stopped' | 'aborted'; message?: string } | { type: 'setMultiplier'; value: number };

if (parentPort) {
  const port = parentPort;
  const data = workerData as RunWorkerData;
  const handle = startRun({
    plan: data.plan,
    baseDir: data.baseDir,
    runId: data.runId,
    env: data.env,
    resolveSecret: async (name) => (Object.prototype.hasOwnProperty.call(data.secrets, name) ? data.secrets[name] : undefined),
    onEvent: (event) => port.postMessage(event),
  });
  port.on('message', (message: RunWorkerMessage) => {
    if (message?.type === 'stop') handle.stop(message.reason ?? 'stopped', message.message);
    else if (message?.type === 'setMultiplier') handle.setMultiplier(message.value);
  });
  void handle.done.then(() => port.close());
}
