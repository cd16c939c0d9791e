import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderJunitReport } from '../../../src/report/junit-report';
import { renderMarkdownReport } from '../../../src/report/markdown-report';
import { sampleDocument } from './sample-run';

test('markdown: verdict, threshold table with first breach, escaped name', () => {
  const md = renderMarkdownReport(sampleDocument({ name: 'Bot | <b>x</b>' }));
  assert.match(md, /^## Stampede: Bot \\\| \\<b\\>x\\<\/b\\>/);
  assert.match(md, /\*\*❌ FAIL\*\*/);
  assert.match(md, /\| ❌ fail \| `ttft.p95 < 1.5s` \| 2.30 s \| 5s in spike at 20\/s \(2.10 s\) \|/);
  assert.match(md, /\| ✅ pass \| `errors.rate < 1%` \|/);
});

test('markdown: an incomplete run says so', () => {
  assert.match(renderMarkdownReport(sampleDocument({ seconds: 2, summary: null })), /INCOMPLETE/);
});

test('junit: one test case per threshold, failure with first breach, escaped', () => {
  const xml = renderJunitReport(sampleDocument({ name: 'a<b & "c"' }));
  assert.equal((xml.match(/<testcase /g) ?? []).length, 2);
  assert.match(xml, /<testsuites name="stampede" tests="2" failures="1" errors="0" skipped="0"/);
  assert.match(xml, /name="ttft.p95 &lt; 1.5s"[^>]*>\s*<failure message="ttft.p95 &lt; 1.5s: whole-run value 2.30 s" type="threshold">/);
  assert.match(xml, /first breached at 5s in stage spike/);
  assert.match(xml, /classname="stampede.a&lt;b &amp; &quot;c&quot;"/);
});

test('junit: an aborted run adds an error case so CI never reads it as a pass', () => {
  const xml = renderJunitReport(sampleDocument({ summary: { endReason: 'aborted', endMessage: 'budget exceeded' } }));
  assert.match(xml, /errors="1"/);
  // The status word every surface uses, and the reason.
  assert.match(xml, /<error message="run did not complete: ABORTED — [^"]*: budget exceeded" type="ABORTED"/);
  assert.match(xml, /<property name="status" value="ABORTED"\/>/);
});
