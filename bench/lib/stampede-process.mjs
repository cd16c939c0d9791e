// Runs `node dist/cli.js run SCENARIO --json …` in its own process, as a user or CI would, so
// the benchmark measures the real command: engine, every metric, thresholds, live lines and the
// incrementally written results file.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnTracked, tailOf, waitForExit } from './child-processes.mjs';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// STAMPEDE_BENCH_CLI measures another build of the CLI (a before/after comparison of a change).
const cli = process.env.STAMPEDE_BENCH_CLI || join(repoRoot, 'dist', 'cli.js');

/**
 * @param {string} name short name for files and messages
 * @param {string} scenarioYaml the scenario text
 * @param {number} maxSeconds the run is killed (and the benchmark fails) after this long
 * @param {string} [cliPath] another build of the CLI to run (bench/compare-runner-cpu.mjs)
 */
export function startStampede(name, scenarioYaml, maxSeconds, cliPath = cli) {
  const dir = mkdtempSync(join(tmpdir(), `stampede-bench-${name}-`));
  const scenario = join(dir, `${name}.stampede.yaml`);
  const results = join(dir, 'results.json');
  writeFileSync(scenario, scenarioYaml);
  // The run's cwd is its temp folder: a CLI path given relative to the caller's folder is resolved first.
  const child = spawnTracked(process.execPath, [resolve(cliPath), 'run', scenario, '--json', results, '--no-color'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = tailOf(child.stdout);
  const err = tailOf(child.stderr);
  const finished = (async () => {
    try {
      const code = await waitForExit(child, maxSeconds * 1000, `stampede run (${name})`);
      // 0: thresholds held, 1: a threshold failed; both are complete runs with a summary.
      if (code !== 0 && code !== 1) {
        throw new Error(`stampede run (${name}) exited with code ${code}:\n${(err.text || out.text).trim().split('\n').slice(-8).join('\n')}`);
      }
      let doc;
      try {
        doc = JSON.parse(readFileSync(results, 'utf8'));
      } catch (error) {
        throw new Error(`stampede run (${name}) left no readable results file: ${error.message}`);
      }
      if (!doc.summary) throw new Error(`stampede run (${name}): results file has no summary`);
      return { code, summary: doc.summary, stdout: out.text };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  // Awaited later by the caller; this keeps a failure before then from counting as unhandled.
  finished.catch(() => undefined);
  return {
    pid: child.pid,
    finished,
    /** Ends the run early (a benchmark part failed); the process must not outlive the part. */
    kill: () => child.kill('SIGKILL'),
  };
}

/** Scenario text for an OpenAI-compatible provider at `baseUrl` (the bench server). */
export function openaiProvider(baseUrl, maxConnections) {
  return `providers:
  - id: bench-server
    type: openai
    baseUrl: ${baseUrl}/v1
    model: bench-model
    maxConnections: ${maxConnections}
    pricing: { input: 0.15, output: 0.60 }
`;
}
