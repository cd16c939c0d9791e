// A run against a real (scripted) OpenAI-compatible endpoint from the editor: `${env:…}` comes
// from the extension host's environment, `${secret:…}` is asked for once and then taken from
// VS Code's secret storage, and the key reaches the server but no output, results or report.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Editor, REPO, editorInstalled, waitFor } from './harness';

const SECRET = 'sk-e2e-0123456789abcdef';

/** A minimal OpenAI-compatible chat endpoint that streams three tokens and records auth headers. */
function scriptedProvider(): Promise<{ server: Server; url: string; authorizations: string[] }> {
  const authorizations: string[] = [];
  const server = createServer((req, res) => {
    authorizations.push(String(req.headers.authorization ?? ''));
    req.resume();
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (delta: object, finish: string | null = null) =>
        `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: 'test-model', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      res.write(chunk({ role: 'assistant', content: '' }));
      for (const word of ['one', ' two', ' three']) res.write(chunk({ content: word }));
      res.write(chunk({}, 'stop'));
      res.write(`data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: 'test-model', choices: [], usage: { prompt_tokens: 50, completion_tokens: 3, total_tokens: 53 } })}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    resolve({ server, url: `http://127.0.0.1:${port}/v1`, authorizations });
  }));
}

const missing = editorInstalled();

describe('secrets and real providers in code-server', { skip: missing }, () => {
  let editor: Editor;
  let provider: Awaited<ReturnType<typeof scriptedProvider>>;

  before(async () => {
    provider = await scriptedProvider();
    editor = await Editor.start({ workspaceFixture: join(REPO, 'test/e2e/workspace-secrets'), env: { STAMPEDE_E2E_BASE_URL: provider.url } });
  });

  after(async () => {
    await editor?.close();
    await new Promise<void>((r) => (provider ? provider.server.close(() => r()) : r()));
  });

  const runFolders = () => {
    const runs = join(editor.workspace, '.stampede/runs');
    return (existsSync(runs) ? readdirSync(runs) : []).filter((f) => existsSync(join(runs, f, 'report.html'))).map((f) => join(runs, f));
  };

  test('a missing secret is asked for once, stored, sent, and never written', async () => {
    await editor.step('secret-first-run', async () => {
      await editor.openFile('secret.stampede.yaml');
      const lens = editor.page.locator('.editor-group-container.active .codelens-decoration a', { hasText: 'Run scenario' });
      await waitFor(async () => (await editor.codeLensTitles()).includes('Run against mock'), 'the Run against mock CodeLens (a real provider)', 60_000);
      await lens.click();
      const input = editor.page.locator('.quick-input-widget input[type="password"]');
      await waitFor(() => input.isVisible(), 'the secret prompt');
      await input.fill(SECRET);
      await editor.page.keyboard.press('Enter');
      await waitFor(() => runFolders().length === 1, 'the first run to finish', 60_000);
      assert.ok(provider.authorizations.length > 0, 'the scripted provider saw no request');
      assert.ok(provider.authorizations.every((a) => a === `Bearer ${SECRET}`), `unexpected auth headers: ${[...new Set(provider.authorizations)].join(', ')}`);
    });
  });

  test('the second run takes the stored secret without asking', async () => {
    await editor.step('secret-second-run', async () => {
      const seen = provider.authorizations.length;
      const lens = editor.page.locator('.editor-group-container.active .codelens-decoration a', { hasText: 'Run scenario' });
      await lens.click();
      let prompted = false;
      await waitFor(async () => {
        if (await editor.page.locator('.quick-input-widget input[type="password"]').isVisible()) prompted = true;
        return runFolders().length === 2;
      }, 'the second run to finish', 60_000, 100);
      assert.equal(prompted, false, 'asked for a stored secret');
      assert.ok(provider.authorizations.length > seen);
    });
  });

  test('the key appears in no output, results file or report', async () => {
    await editor.step('secret-not-written', async () => {
      // The Output channel no longer opens by itself on a run (issue 15): open it to read the log.
      await editor.runCommand('Output: Show Output Channels...');
      await editor.pickQuickItem('Stampede');
      await waitFor(async () => /Verdict:/.test(await editor.outputText()), 'the verdict in the output');
      assert.ok(!(await editor.outputText()).includes(SECRET), 'the secret is in the output channel');
      for (const folder of runFolders()) {
        for (const file of ['results.json', 'report.html']) {
          const text = readFileSync(join(folder, file), 'utf8');
          assert.ok(!text.includes(SECRET), `the secret is in ${file}`);
        }
        const results = JSON.parse(readFileSync(join(folder, 'results.json'), 'utf8')) as { status: string; summary: { outcomes: { ok: number } } };
        assert.equal(results.status, 'completed');
        assert.ok(results.summary.outcomes.ok > 0);
      }
    });
  });

  test('a run above the cost limit asks first, and "Run Against Mock" sends nothing to the provider', async () => {
    await editor.step('cost-confirmation', async () => {
      const seen = provider.authorizations.length;
      const before = runFolders().length;
      await editor.openFile('costly.stampede.yaml');
      await waitFor(async () => (await editor.codeLensTitles()).some((t) => /^≈ 6 requests · \$1\.\d\d$/.test(t)), 'the cost estimate above $1', 60_000);
      await editor.page.locator('.editor-group-container.active .codelens-decoration a', { hasText: 'Run scenario' }).click();
      const dialog = editor.page.locator('.monaco-dialog-box');
      await waitFor(() => dialog.isVisible(), 'the cost confirmation');
      assert.match((await dialog.textContent()) ?? '', /confirmCostAboveUsd/);
      await dialog.locator('.monaco-button', { hasText: 'Run Against Mock' }).click();
      await waitFor(() => runFolders().length === before + 1, 'the mock run to finish', 60_000);
      assert.equal(provider.authorizations.length, seen, 'the real provider was called');
      const newest = runFolders().sort().at(-1) as string;
      const results = JSON.parse(readFileSync(join(newest, 'results.json'), 'utf8')) as { scenario: { plan: { providers: Array<{ type: string }> } } };
      assert.deepEqual(results.scenario.plan.providers.map((p) => p.type), ['mock']);
    });
  });

  test('a replay is priced from its trace: above the cost limit it asks first, and against the mock it replays every recorded request', async () => {
    await editor.step('replay-cost-confirmation', async () => {
      const seen = provider.authorizations.length;
      const before = runFolders().length;
      await editor.openFile('costly-replay.stampede.yaml');
      await waitFor(async () => (await editor.codeLensTitles()).includes('≈ 5 requests · $1.38'), 'the estimate of the 5 recorded requests', 60_000);
      await editor.page.locator('.editor-group-container.active .codelens-decoration a', { hasText: 'Run scenario' }).click();
      const dialog = editor.page.locator('.monaco-dialog-box');
      await waitFor(() => dialog.isVisible(), 'the cost confirmation');
      assert.match((await dialog.textContent()) ?? '', /this run sends ≈ 5 requests · \$1\.38 \(estimated\) to scripted/);
      await dialog.locator('.monaco-button', { hasText: 'Run Against Mock' }).click();
      await waitFor(() => runFolders().length === before + 1, 'the mock replay to finish', 60_000);
      assert.equal(provider.authorizations.length, seen, 'the real provider was called');
      const newest = runFolders().sort().at(-1) as string;
      const results = JSON.parse(readFileSync(join(newest, 'results.json'), 'utf8')) as { summary: { requests: { sent: number; dropped: number } } };
      assert.equal(results.summary.requests.sent + results.summary.requests.dropped, 5);
    });
  });
});
