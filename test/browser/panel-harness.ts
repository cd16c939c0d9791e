// Serves the live panel page standalone, as VS Code would show it: the real HTML and CSP from
// src/extension/panel/panel-html.ts, the webview bundle, media/panel.css, plus a harness script
// that fakes acquireVsCodeApi (posts go to window.__toHost when the test exposes it, and are
// kept in window.__sent) and records CSP violations. Loopback only, port 0.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { panelHtml } from '../../src/extension/panel/panel-html';

const root = resolve(__dirname, '../..');

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// Colours of VS Code's Dark Modern and Light Modern themes, enough for the panel's variables.
const THEME_CSS = `
html[data-theme="dark"] {
  --vscode-foreground: #cccccc; --vscode-descriptionForeground: #9d9d9d; --vscode-editor-background: #1f1f1f;
  --vscode-editorWidget-background: #202020; --vscode-panel-border: #2b2b2b; --vscode-focusBorder: #0078d4;
  --vscode-errorForeground: #f85149; --vscode-textLink-foreground: #4daafc; --vscode-textLink-activeForeground: #4daafc;
  --vscode-textPreformat-foreground: #d0d0d0; --vscode-badge-background: #616161; --vscode-badge-foreground: #f8f8f8;
  --vscode-button-background: #0078d4; --vscode-button-foreground: #ffffff; --vscode-input-background: #313131;
  --vscode-scrollbarSlider-background: rgba(121, 121, 121, 0.4);
  --vscode-charts-foreground: #cccccc; --vscode-charts-lines: rgba(204, 204, 204, 0.5); --vscode-charts-red: #f14c4c;
  --vscode-charts-blue: #3794ff; --vscode-charts-yellow: #cca700; --vscode-charts-orange: #d18616;
  --vscode-charts-green: #89d185; --vscode-charts-purple: #b180d7;
  --vscode-testing-iconPassed: #73c991; --vscode-testing-iconFailed: #f14c4c;
  --vscode-font-family: system-ui, sans-serif; --vscode-font-size: 13px; --vscode-editor-font-family: monospace;
}
html[data-theme="light"] {
  --vscode-foreground: #3b3b3b; --vscode-descriptionForeground: #3b3b3b; --vscode-editor-background: #ffffff;
  --vscode-editorWidget-background: #f8f8f8; --vscode-panel-border: #e5e5e5; --vscode-focusBorder: #005fb8;
  --vscode-errorForeground: #f85149; --vscode-textLink-foreground: #005fb8; --vscode-textLink-activeForeground: #005fb8;
  --vscode-textPreformat-foreground: #3b3b3b; --vscode-badge-background: #cccccc; --vscode-badge-foreground: #3b3b3b;
  --vscode-button-background: #005fb8; --vscode-button-foreground: #ffffff; --vscode-input-background: #ffffff;
  --vscode-scrollbarSlider-background: rgba(100, 100, 100, 0.4);
  --vscode-charts-foreground: #616161; --vscode-charts-lines: rgba(97, 97, 97, 0.5); --vscode-charts-red: #e51400;
  --vscode-charts-blue: #1a85ff; --vscode-charts-yellow: #bf8803; --vscode-charts-orange: #d18616;
  --vscode-charts-green: #388a34; --vscode-charts-purple: #652d90;
  --vscode-testing-iconPassed: #388a34; --vscode-testing-iconFailed: #f14c4c;
  --vscode-font-family: system-ui, sans-serif; --vscode-font-size: 13px; --vscode-editor-font-family: monospace;
}
html[data-theme="hc"] {
  --vscode-foreground: #ffffff; --vscode-descriptionForeground: #ffffff; --vscode-editor-background: #000000;
  --vscode-editorWidget-background: #0c141f; --vscode-panel-border: #6fc3df; --vscode-focusBorder: #f38518;
  --vscode-contrastBorder: #6fc3df; --vscode-errorForeground: #f48771; --vscode-textLink-foreground: #21a6ff;
  --vscode-textLink-activeForeground: #21a6ff; --vscode-textPreformat-foreground: #ffffff;
  --vscode-badge-background: #000000; --vscode-badge-foreground: #ffffff; --vscode-button-background: #000000;
  --vscode-button-foreground: #ffffff; --vscode-input-background: #000000; --vscode-scrollbarSlider-background: rgba(111, 195, 223, 0.6);
  --vscode-charts-foreground: #ffffff; --vscode-charts-lines: rgba(255, 255, 255, 0.5); --vscode-charts-red: #f14c4c;
  --vscode-charts-blue: #3794ff; --vscode-charts-yellow: #ffd700; --vscode-charts-orange: #ff8c00;
  --vscode-charts-green: #89d185; --vscode-charts-purple: #b180d7;
  --vscode-testing-iconPassed: #73c991; --vscode-testing-iconFailed: #f14c4c;
  --vscode-font-family: system-ui, sans-serif; --vscode-font-size: 13px; --vscode-editor-font-family: monospace;
}
`;

const HARNESS_JS = `
window.__sent = [];
window.__violations = [];
window.__uiState = null;
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
});
window.acquireVsCodeApi = () => ({
  postMessage: (m) => { window.__sent.push(m); if (window.__toHost) window.__toHost(m); },
  getState: () => window.__uiState,
  setState: (s) => { window.__uiState = s; },
});
window.__feed = (m) => window.dispatchEvent(new MessageEvent('message', { data: m }));
window.__setTheme = (name) => {
  document.documentElement.dataset.theme = name;
  document.body.className = name === 'light' ? 'vscode-light' : name === 'hc' ? 'vscode-high-contrast' : 'vscode-dark';
};
document.documentElement.dataset.theme = 'dark';
// The render benchmark's loop, kept here as plain page script: one update per tick, each timed
// from the message to the end of its synchronous render (handle), to the end of the frame that
// shows it (painted), and to the next animation frame (frame).
// The message is fed inside a frame's animation-frame step, so the same frame's rendering
// (style, layout, paint, the canvases' raster) follows it; a message-channel task posted then
// runs only once that rendering is done. "frame" waits for the next frame's callbacks, so it is
// at least one frame interval (about 16.7 ms) whatever the work.
window.__benchTicks = async (ticks) => {
  const frame = () => new Promise((r) => requestAnimationFrame(() => r(performance.now())));
  const channel = new MessageChannel();
  let painted = null;
  channel.port1.onmessage = () => painted && painted(performance.now());
  const afterRendering = () => new Promise((r) => { painted = r; channel.port2.postMessage(0); });
  const out = { handle: [], painted: [], frame: [] };
  for (const point of ticks) {
    await frame();
    const t0 = performance.now();
    window.__feed({ type: 'update', points: [point] });
    const t1 = performance.now();
    const tp = await afterRendering();
    const t2 = await frame();
    out.handle.push(t1 - t0);
    out.painted.push(tp - t0);
    out.frame.push(t2 - t0);
  }
  return out;
};
window.__benchReplay = (message) => {
  const t0 = performance.now();
  window.__feed(message);
  return performance.now() - t0;
};
`;

export interface PanelPageServer {
  url: string;
  close(): Promise<void>;
}

/** Bundles webview/main.ts exactly as scripts/build.mjs does, into a temporary folder. */
async function bundleWebview(outDir: string): Promise<string> {
  const outfile = join(outDir, 'webview.js');
  await build({
    entryPoints: [join(root, 'webview/main.ts')],
    outfile,
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    // STAMPEDE_PANEL_UNMINIFIED=1 keeps names readable in CPU profiles (bench --profile).
    minify: process.env.STAMPEDE_PANEL_UNMINIFIED !== '1',
    legalComments: 'none',
    logLevel: 'error',
  });
  return outfile;
}

export async function startPanelPage(): Promise<PanelPageServer> {
  const outDir = mkdtempSync(join(tmpdir(), 'stampede-panel-'));
  const bundle = readFileSync(await bundleWebview(outDir));
  const css = readFileSync(join(root, 'media/panel.css'));
  let origin = '';
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (type: string, body: string | Buffer) => {
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (path === '/') {
      const nonce = randomBytes(18).toString('base64');
      let html = panelHtml({ cspSource: origin, nonce, scriptUri: `${origin}/dist/webview.js`, styleUri: `${origin}/media/panel.css`, title: 'Stampede' });
      html = html
        .replace('<link rel="stylesheet"', `<link rel="stylesheet" href="${origin}/theme.css">\n<link rel="stylesheet"`)
        .replace('<body>', '<body class="vscode-dark">')
        .replace(`<script nonce="${nonce}" src=`, `<script nonce="${nonce}" src="${origin}/harness.js"></script>\n<script nonce="${nonce}" src=`);
      send('text/html; charset=utf-8', html);
    } else if (path === '/dist/webview.js') send('text/javascript', bundle);
    else if (path === '/media/panel.css') send('text/css', css);
    else if (path === '/theme.css') send('text/css', THEME_CSS);
    else if (path === '/harness.js') send('text/javascript', HARNESS_JS);
    else if (path === '/favicon.ico') {
      res.writeHead(204);
      res.end();
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}
