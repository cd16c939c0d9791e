import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderHtmlReport } from '../../../src/report/html-report';
import { redactPlan } from '../../../src/report/redact';
import { sampleDocument } from './sample-run';

function assertSelfContained(html: string): void {
  assert.doesNotMatch(html, /<script/i, 'no scripts');
  assert.doesNotMatch(html, /<link/i, 'no linked resources');
  assert.doesNotMatch(html, /\bsrc\s*=/i, 'no src attributes');
  assert.doesNotMatch(html, /\bhref\s*=/i, 'no links to follow');
  // Provider URLs appear as text; nothing else may name a remote location.
  const urls = (html.match(/https?:\/\/[^\s<"]*/g) ?? []).filter((u) => !u.startsWith('http://127.0.0.1:9/'));
  assert.deepEqual(urls, [], 'no external URLs');
  assert.doesNotMatch(html, /@import|url\(/i, 'no CSS imports or url()');
}

test('a failed run: verdict banner on top, thresholds with first breach, charts inline', () => {
  const html = renderHtmlReport(sampleDocument());
  const banner = html.indexOf('class="banner fail"');
  assert.ok(banner > 0, 'fail banner');
  assert.ok(banner < html.indexOf('<h2>Summary'), 'verdict comes before the figures');
  assert.match(html, /ttft\.p95 &lt; 1\.5s broke first/);
  assert.match(html, /First breach: <strong>ttft\.p95 &lt; 1\.5s<\/strong> at 5s in stage <strong>spike<\/strong>/);
  assert.match(html, /✘ fail/);
  assert.match(html, /✔ pass/);
  assert.equal((html.match(/<svg class="chart"/g) ?? []).length, 7, 'seven charts');
  for (const title of ['Load: target vs achieved', 'TTFT', 'Outcomes per second', 'Output tokens per second', 'Queue depth', 'Cost']) {
    assert.ok(html.includes(title), title);
  }
  assert.match(html, /class="band0"/, 'stage bands');
  assert.match(html, /prefers-color-scheme: dark/);
  assert.match(html, /<td>2\. spike<\/td>/, 'per-stage table');
  assertSelfContained(html);
});

test('user input is escaped everywhere', () => {
  const doc = sampleDocument({ name: '<script>alert(1)</script> & "quotes"' });
  doc.logs.push({ t: 1, level: 'error', message: '<img onerror=x>' });
  doc.series[0].stage = '<b>stage</b>';
  const html = renderHtmlReport(doc);
  assert.ok(!html.includes('<script>alert(1)'), 'name escaped');
  assert.ok(!html.includes('<img onerror'), 'log escaped');
  assert.ok(!html.includes('<b>stage</b>'), 'stage escaped');
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;'));
  assertSelfContained(html);
});

test('a run without a summary (killed) still renders from the series', () => {
  const html = renderHtmlReport(sampleDocument({ seconds: 3, summary: null }));
  assert.match(html, /INCOMPLETE/);
  assert.match(html, /status "running"/);
  assert.equal((html.match(/<svg class="chart"/g) ?? []).length, 7);
  assertSelfContained(html);
});

test('a passing run and an aborted run get their own banners', () => {
  const pass = renderHtmlReport(sampleDocument({ summary: { verdict: { pass: true, headline: 'every threshold held', firstBreach: null } } }));
  assert.match(pass, /class="banner pass"><span class="state">PASS/);
  const aborted = renderHtmlReport(sampleDocument({ summary: { endReason: 'aborted', endMessage: 'budget of $5 exceeded' } }));
  assert.match(aborted, /ABORTED/);
  assert.match(aborted, /budget of \$5 exceeded/);
});

test('the plan shown in the report carries no credentials', () => {
  const doc = sampleDocument();
  doc.scenario.plan = redactPlan(doc.scenario.plan);
  const html = renderHtmlReport(doc);
  assert.ok(!html.includes('sk-literal-should-go'));
  assert.ok(html.includes('${secret:OPENAI_API_KEY}'), 'reference text is kept');
});

test('inside VS Code the report follows the editor theme (the webview body\'s class), in a browser the system\'s', () => {
  const html = renderHtmlReport(sampleDocument());
  const dark = /@media \(prefers-color-scheme: dark\) \{ :root \{ ([^}]+) \} \}/.exec(html)?.[1];
  assert.ok(dark, 'a dark palette for the system setting');
  const inEditor = /body\.vscode-dark, body\.vscode-high-contrast:not\(\.vscode-high-contrast-light\) \{ color-scheme: dark; ([^}]+) \}/.exec(html)?.[1];
  assert.equal(inEditor, dark, 'the same dark palette for a dark editor theme');
  assert.match(html, /body\.vscode-light \{ color-scheme: light; --bg:#ffffff/);
});
