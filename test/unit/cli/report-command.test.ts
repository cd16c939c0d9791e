import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runReportCommand } from '../../../src/cli/report-command';
import { serializeResults } from '../../../src/report/results-document';
import { sampleDocument } from '../report/sample-run';
import { tempFolder } from './run-cli';

test('stampede report renders reports from a results file, even an incomplete one', async () => {
  const tmp = tempFolder();
  const write = process.stdout.write;
  const errWrite = process.stderr.write;
  const out: string[] = [];
  process.stdout.write = ((s: string) => out.push(s) > 0) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => out.push(s) > 0) as typeof process.stderr.write;
  try {
    const results = tmp.file('r.json', serializeResults(sampleDocument({ seconds: 3, summary: null })));
    assert.equal(await runReportCommand([results]), 0);
    assert.match(readFileSync(join(tmp.dir, 'r.html'), 'utf8'), /INCOMPLETE/);
    assert.equal(await runReportCommand([results, '--md', join(tmp.dir, 'o.md'), '--junit', join(tmp.dir, 'o.xml')]), 0);
    assert.ok(existsSync(join(tmp.dir, 'o.md')) && existsSync(join(tmp.dir, 'o.xml')));
    assert.equal(await runReportCommand([join(tmp.dir, 'missing.json')]), 2);
    assert.equal(await runReportCommand([tmp.file('x.json', '{"a":1}')]), 2);
    assert.match(out.join(''), /missing\.json: no such file/);
    assert.match(out.join(''), /not a Stampede results file/);
  } finally {
    process.stdout.write = write;
    process.stderr.write = errWrite;
    tmp.remove();
  }
});
