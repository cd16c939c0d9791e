// Runs a scenario through the real CLI against a server of the test's own, and reads back the
// exit code, stdout, the results' summary and the JUnit report.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { join } from 'node:path';
import { parseResults } from '../../../../src/report/results-document';
import { scenarioYaml, spawnCli, tempFolder } from '../../cli/run-cli';

export const THREE = ['ttft.p95 < 5s', 'e2e.p95 < 10s', 'errors.rate < 50%'];

export async function listen(server: Server | NetServer): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

export async function runAgainst(url: string, extra = '', thresholds = THREE): Promise<{ code: number | null; stdout: string; summary: NonNullable<ReturnType<typeof parseResults>['summary']>; junit: string }> {
  const tmp = tempFolder();
  try {
    const file = tmp.file('never.stampede.yaml', scenarioYaml({ url, seconds: 2, rate: '5/s', thresholds, extra }));
    const run = spawnCli(['run', file, '--json', 'r.json', '--junit', 'r.xml'], { cwd: tmp.dir, limitMs: 180_000 });
    const { code } = await run.exit;
    const doc = parseResults(readFileSync(join(tmp.dir, 'r.json'), 'utf8'));
    assert.ok(doc.summary, run.stderr());
    return { code, stdout: run.stdout(), summary: doc.summary, junit: readFileSync(join(tmp.dir, 'r.xml'), 'utf8') };
  } finally {
    tmp.remove();
  }
}

