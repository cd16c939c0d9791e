// A budget with onExceed: abort stops the run, the CLI exits 3 and the results file keeps what
// was measured.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnCli, tempFolder } from '../cli/run-cli';
import { EXAMPLES } from './run-playbook';

test('budget abort exits 3 with partial results', async () => {
  const tmp = tempFolder();
  try {
    const json = join(tmp.dir, 'results.json');
    const run = spawnCli(['run', join(EXAMPLES, 'cost-spike-budget.stampede.yaml'), '--set', 'load.timeScale=3', '--json', json, '-q'], { cwd: tmp.dir, limitMs: 60_000 });
    const { code } = await run.exit;
    assert.equal(code, 3, run.stderr());
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    assert.equal(doc.summary.endReason, 'aborted');
    assert.ok(doc.series.length > 0);
    assert.ok(doc.summary.requests.total > 0);
    assert.ok(doc.summary.cost.total > 0.5);
    assert.ok(doc.summary.analysis.timeline.length > 0);
    assert.match(run.stdout(), /What broke first/);
  } finally {
    tmp.remove();
  }
});

test('--dry-run prints the estimate per stage and in total, sends nothing, exits 0', async () => {
  const tmp = tempFolder();
  try {
    const run = spawnCli(['run', '--dry-run', join(EXAMPLES, 'cost-spike-budget.stampede.yaml')], { cwd: tmp.dir, limitMs: 30_000 });
    const { code } = await run.exit;
    assert.equal(code, 0, run.stderr());
    const out = run.stdout();
    assert.match(out, /baseline/);
    assert.match(out, /spike/);
    assert.match(out, /total\s+1m\s+458\s/);
    assert.match(out, /the estimate exceeds it/);
  } finally {
    tmp.remove();
  }
});
