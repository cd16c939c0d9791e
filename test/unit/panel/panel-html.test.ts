import { test } from 'node:test';
import assert from 'node:assert/strict';
import { panelCsp, panelHtml } from '../../../src/extension/panel/panel-html';

test('the panel page has a strict CSP with the nonce on scripts and the toolkit style probe', () => {
  const html = panelHtml({ cspSource: 'https://x.vscode-cdn.net', nonce: 'abc123+/=', scriptUri: 'https://x/dist/webview.js', styleUri: 'https://x/media/panel.css', title: 'Run <1>' });
  const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
  assert.equal(csp, panelCsp('https://x.vscode-cdn.net', 'abc123+/='));
  assert.match(csp!, /^default-src 'none';/);
  assert.match(csp!, /script-src 'nonce-abc123\+\/='(;|$)/);
  assert.match(csp!, /style-src https:\/\/x\.vscode-cdn\.net 'nonce-abc123\+\/='/);
  assert.doesNotMatch(csp!, /unsafe-inline|unsafe-eval|\*/);
  assert.match(html, /<meta property="csp-nonce" content="abc123\+\/=">/);
  assert.match(html, /<script nonce="abc123\+\/=" src="https:\/\/x\/dist\/webview\.js"><\/script>/);
  assert.match(html, /<title>Run &lt;1&gt;<\/title>/);
  assert.doesNotMatch(html, /style="/, 'no inline style attributes');
  assert.equal((html.match(/<script/g) ?? []).length, 1);
});
