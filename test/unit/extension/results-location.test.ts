import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newestReport, resultsRoot } from '../../../src/extension/results-location';
import { newRunFolder, runStamp, scenarioSlug } from '../../../src/report/run-folder';

test('results root: the default, relative to the workspace, or absolute', () => {
  assert.equal(resultsRoot(undefined, '/ws'), '/ws/.stampede/runs');
  assert.equal(resultsRoot('  ', '/ws'), '/ws/.stampede/runs');
  assert.equal(resultsRoot('out/runs', '/ws'), '/ws/out/runs');
  assert.equal(resultsRoot('/abs/runs', '/ws'), '/abs/runs');
});

test('run folders: stamp and slug, never reusing a folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'stampede-results-'));
  try {
    const now = new Date('2026-01-02T03:04:05Z');
    assert.equal(runStamp(now), '20260102-030405');
    assert.equal(scenarioSlug('Support bot — launch day!'), 'support-bot-launch-day');
    assert.equal(scenarioSlug('', '/x/My Test.stampede.yaml'), 'my-test');
    const first = newRunFolder(root, 'Quick', undefined, now);
    assert.equal(first.runId, '20260102-030405-quick');
    mkdirSync(first.folder);
    const second = newRunFolder(root, 'Quick', undefined, now);
    assert.equal(second.runId, '20260102-030405-quick-2');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the newest report wins; folders without one are skipped', () => {
  const root = mkdtempSync(join(tmpdir(), 'stampede-results-'));
  try {
    assert.equal(newestReport(join(root, 'missing')), undefined);
    for (const [name, age] of [['old', 100], ['new', 10]] as const) {
      mkdirSync(join(root, name));
      writeFileSync(join(root, name, 'report.html'), '<html></html>');
      const t = Date.now() / 1000 - age;
      utimesSync(join(root, name, 'report.html'), t, t);
    }
    mkdirSync(join(root, 'running'));
    assert.equal(newestReport(root), join(root, 'new', 'report.html'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
