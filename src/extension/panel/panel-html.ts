// The live panel's HTML: a strict CSP (no remote content, scripts only with the nonce, styles
// from the extension or with the nonce), the bundled script and the theme-aware stylesheet.
// The webview UI toolkit (FAST) injects a <style> for its :focus-visible probe; it reads the
// nonce from the csp-nonce meta, which is why 'nonce-N' is in style-src as well.

export interface PanelHtmlOptions {
  /** webview.cspSource: the origin the panel's local resources are served from. */
  cspSource: string;
  /** Fresh per page load: base64 or hex, no quotes. */
  nonce: string;
  scriptUri: string;
  styleUri: string;
  title: string;
}

export function panelCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function panelHtml(o: PanelHtmlOptions): string {
  const nonce = escapeHtml(o.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(panelCsp(o.cspSource, o.nonce))}">
<meta property="csp-nonce" content="${nonce}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(o.styleUri)}">
<title>${escapeHtml(o.title)}</title>
</head>
<body>
<main id="app"><p class="empty-note">Waiting for a run… Start one with “Stampede: Run scenario”.</p></main>
<script nonce="${nonce}" src="${escapeHtml(o.scriptUri)}"></script>
</body>
</html>
`;
}
