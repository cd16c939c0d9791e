import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createResultsDocument, parseResults, serializeResults } from '../../../src/report/results-document';
import { ResultsWriter } from '../../../src/report/results-writer';
import { sampleDocument, sampleEvents, samplePlan } from './sample-run';

test('serialized results parse back identically, one series point per line', () => {
  const doc = sampleDocument({ name: 'quotes " and $& and "series": "x"' });
  const text = serializeResults(doc);
  assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(doc)));
  const seriesLines = text.split('\n').filter((l) => l.startsWith('    {"t":'));
  assert.equal(seriesLines.length, doc.series.length);
  assert.equal(parseResults(text).runId, 'run-1');
  assert.throws(() => parseResults('{"version":2}'), /not a Stampede results file/);
  assert.throws(() => parseResults('{'), /not valid JSON/);
});

test('the writer keeps a complete file on disk from start to done, scrubbed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-writer-'));
  try {
    const path = join(dir, 'nested', 'results.json');
    const doc = createResultsDocument({
      runId: 'r', toolVersion: '0.1.0', scenarioName: 'n', scenarioFile: null, overrides: [],
      redactedPlan: samplePlan(), now: new Date(),
    });
    const writer = new ResultsWriter({ path, doc, scrub: (t) => t.split('first 429').join('[scrubbed]') });
    writer.open();
    assert.equal(parseResults(readFileSync(path, 'utf8')).status, 'running');
    const events = sampleEvents();
    for (const e of events.slice(0, -1)) writer.handle(e);
    const mid = parseResults(readFileSync(path, 'utf8'));
    assert.equal(mid.status, 'running');
    assert.equal(mid.summary, null);
    assert.ok(mid.run, 'start info written at once');
    writer.handle(events[events.length - 1]);
    assert.equal(writer.close(), null);
    const done = parseResults(readFileSync(path, 'utf8'));
    assert.equal(done.status, 'completed');
    assert.equal(done.series.length, 8);
    assert.equal(done.summary?.ttft.p95, 2300);
    assert.ok(!readFileSync(path, 'utf8').includes('first 429'));
    assert.deepEqual(readdirSync(join(dir, 'nested')), ['results.json'], 'no temporary files left');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a folder that cannot be written gives a one-line error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-writer-'));
  try {
    const doc = sampleDocument();
    // A path whose parent is an existing file cannot be created.
    const writer = () => new ResultsWriter({ path: join(dir, 'x', 'results.json'), doc });
    writer().close();
    assert.throws(() => new ResultsWriter({ path: join(dir, 'x', 'results.json', 'deeper.json'), doc }).open(), /results\.json/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('flush() puts every second received so far on disk at once (the editor closing mid-run)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-writer-'));
  try {
    const path = join(dir, 'results.json');
    const doc = createResultsDocument({
      runId: 'r', toolVersion: '0.1.0', scenarioName: 'n', scenarioFile: null, overrides: [],
      redactedPlan: samplePlan(), now: new Date(),
    });
    const writer = new ResultsWriter({ path, doc });
    writer.open();
    const ticks = sampleEvents().filter((e) => e.type !== 'done');
    for (const e of ticks) writer.handle(e);
    const expected = ticks.filter((e) => e.type === 'tick').length;
    // The periodic rewrite has not caught up with the last seconds yet.
    assert.ok(parseResults(readFileSync(path, 'utf8')).series.length < expected);
    writer.flush();
    const flushed = parseResults(readFileSync(path, 'utf8'));
    assert.equal(flushed.series.length, expected);
    assert.equal(flushed.summary, null);
    writer.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('points of a file written before achievedRate existed get it from their sent rates', () => {
  const doc = sampleDocument();
  const rates = [1, 0, 3, 2, 0, 4, 1];
  const old = doc.series.slice(0, rates.length).map((p, i) => {
    const { achievedRate: _dropped, ...rest } = { ...p, sentRate: rates[i]! };
    return rest;
  });
  assert.equal(old.length, rates.length, 'the sample run has enough points');
  const read = parseResults(serializeResults({ ...doc, series: old as unknown as typeof doc.series }));
  // Trailing means over up to five seconds: 1, 0.5, 4/3, 1.5, 1.2, then (0+3+2+0+4)/5 and (3+2+0+4+1)/5.
  const expected = [1, 0.5, 4 / 3, 1.5, 1.2, 1.8, 2];
  read.series.forEach((p, i) => assert.ok(Math.abs(p.achievedRate - expected[i]!) < 1e-9, `point ${i}: ${p.achievedRate}`));
  // Points that have it keep theirs.
  assert.equal(parseResults(serializeResults(doc)).series[0]!.achievedRate, doc.series[0]!.achievedRate);
});
