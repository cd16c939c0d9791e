// Past runs read from a real results folder on disk: listed newest first with their verdicts,
// folders without a readable results file skipped, and a stored run turned back into what the
// panel replays (with the "cut short" note when it has no summary).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyRunEvent, createResultsDocument, serializeResults, type ResultsDocument } from '../../../src/report/results-document';
import type { ResolvedPlan } from '../../../src/core/plan';
import { CUT_SHORT_NOTE, comparedRun, listRuns, readResults, recordDescription, storedRun } from '../../../src/extension/run-records';
import { syntheticRun } from '../../browser/fixtures/synthetic-run';

function writeRun(root: string, runId: string, startedAt: string, opts: { ticks: number; finished: boolean; report?: boolean }): ResultsDocument {
  const run = syntheticRun(Math.max(opts.ticks, 10));
  const doc = createResultsDocument({
    runId,
    toolVersion: '0.1.0',
    scenarioName: `scenario ${runId}`,
    scenarioFile: '/ws/a.stampede.yaml',
    overrides: [],
    redactedPlan: { name: 'x' } as unknown as ResolvedPlan,
    now: new Date(startedAt),
  });
  applyRunEvent(doc, { ...run.start, runId, startedAt });
  for (const point of run.ticks.slice(0, opts.ticks)) applyRunEvent(doc, { type: 'tick', point });
  if (opts.finished) applyRunEvent(doc, { type: 'done', summary: { ...run.summary, runId } });
  const folder = join(root, runId);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'results.json'), serializeResults(doc));
  if (opts.report) writeFileSync(join(folder, 'report.html'), '<html></html>');
  return doc;
}

test('runs are listed newest first with verdict, report and status; junk folders are skipped', () => {
  const root = mkdtempSync(join(tmpdir(), 'stampede-history-'));
  try {
    writeRun(root, '20261128-010000-old', '2026-11-28T01:00:00.000Z', { ticks: 20, finished: true, report: true });
    writeRun(root, '20261128-030000-new', '2026-11-28T03:00:00.000Z', { ticks: 5, finished: false });
    writeRun(root, '20261128-020000-mid', '2026-11-28T02:00:00.000Z', { ticks: 20, finished: true });
    mkdirSync(join(root, 'empty-folder'));
    mkdirSync(join(root, 'broken'));
    writeFileSync(join(root, 'broken', 'results.json'), '{ not json');
    writeFileSync(join(root, 'stray.txt'), 'x');

    const runs = listRuns(root);
    assert.deepEqual(runs.map((r) => r.runId), ['20261128-030000-new', '20261128-020000-mid', '20261128-010000-old']);
    const [cut, mid, old] = runs;
    assert.equal(cut!.status, 'running');
    assert.equal(cut!.pass, null);
    assert.equal(cut!.reportPath, null);
    assert.equal(old!.reportPath, join(root, '20261128-010000-old', 'report.html'));
    assert.equal(mid!.pass, false, 'the synthetic run breaks its thresholds');
    assert.match(mid!.headline ?? '', /.+/);
    assert.equal(mid!.scenarioFile, '/ws/a.stampede.yaml');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a missing results folder lists nothing', () => {
  assert.deepEqual(listRuns(join(tmpdir(), 'stampede-no-such-folder-x')), []);
});

test('a stored run replays its start, every tick and its summary; a cut-short one carries the note', () => {
  const root = mkdtempSync(join(tmpdir(), 'stampede-history-'));
  try {
    writeRun(root, 'done', '2026-11-28T01:00:00.000Z', { ticks: 30, finished: true });
    writeRun(root, 'cut', '2026-11-28T02:00:00.000Z', { ticks: 12, finished: false });
    const done = storedRun(readResults(join(root, 'done', 'results.json'))!);
    assert.equal(done.start?.runId, 'done');
    assert.equal(done.points.length, 30);
    assert.equal(done.summary?.runId, 'done');
    assert.equal(done.note, null);
    const cut = storedRun(readResults(join(root, 'cut', 'results.json'))!);
    assert.equal(cut.points.length, 12);
    assert.equal(cut.summary, null);
    assert.equal(cut.note, CUT_SHORT_NOTE);

    const [record] = listRuns(root);
    const compared = comparedRun(record!, readResults(record!.jsonPath)!);
    assert.match(compared.label, /^scenario cut · 2026-11-28 02:00:00$/);
    assert.equal(compared.points.length, 12);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('history rows tell runs apart: status word, length, error rate, and whether they ran against the mock', () => {
  const root = mkdtempSync(join(tmpdir(), 'stampede-history-'));
  try {
    writeRun(root, '20261128-010000-a', '2026-11-28T01:00:00.000Z', { ticks: 20, finished: true });
    writeRun(root, '20261128-020000-b', '2026-11-28T02:00:00.000Z', { ticks: 5, finished: false });
    const [cut, done] = listRuns(root);
    assert.equal(done!.word, 'FAIL');
    // The synthetic run's providers are all the embedded mock.
    assert.equal(done!.mock, true);
    assert.match(recordDescription(done!), /^2026-11-28 01:00:00 · FAIL · 20s · err \d+\.\d+% · mock$/);
    assert.equal(recordDescription({ ...cut!, mock: false }), '2026-11-28 02:00:00 · running or cut short · 5s');
    assert.doesNotMatch(recordDescription({ ...done!, mock: false }), /mock/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
