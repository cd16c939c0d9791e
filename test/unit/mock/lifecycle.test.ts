import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startMockServer } from '../../../src/mock/mock-server';

const serverModule = join(__dirname, '../../../src/mock/mock-server.ts');
const clientModule = join(__dirname, 'mock-client.ts');

test('close() with streams in flight leaves no handles: the process exits by itself', async () => {
  // The child never calls process.exit: it only ends if close() released every socket and timer.
  const script = `
    const load = async (p) => { const m = await import(p); return m.startMockServer || m.streamChat ? m : m.default; };
    const { startMockServer } = await load(${JSON.stringify(serverModule)});
    const { streamChat, postChat, waitFor } = await load(${JSON.stringify(clientModule)});
    const mock = await startMockServer({ port: 0, profile: 'small-gpu', overrides: { batchSlots: 1, decodeStepBaseMs: 50 } });
    const streams = [1, 2, 3].map(() => streamChat(mock.url, { messages: [{ role: 'user', content: 'hi' }], max_tokens: 1000 }).catch(() => null));
    const queued = postChat(mock.url, { messages: [{ role: 'user', content: 'hi' }], max_tokens: 1 }).catch(() => null);
    await waitFor(() => mock.counters().running === 1 && mock.counters().waiting === 3);
    await mock.close();
    await Promise.all([...streams, queued]);
    process.stdout.write('closed\\n');
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  assert.equal(out.trim(), 'closed', err);
  assert.equal(code, 0, `the child did not exit by itself: ${err}`);
});

test('close() is idempotent', async () => {
  const mock = await startMockServer({ port: 0, profile: 'instant' });
  await Promise.all([mock.close(), mock.close()]);
  await mock.close();
});

test('a port in use rejects with a one-line error and EADDRINUSE', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    await assert.rejects(startMockServer({ port, profile: 'instant' }), (error: NodeJS.ErrnoException) => {
      assert.equal(error.code, 'EADDRINUSE');
      assert.equal(error.message, `cannot listen on 127.0.0.1:${port}: address already in use`);
      return true;
    });
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
});

test('an unknown override is rejected before listening', async () => {
  await assert.rejects(startMockServer({ port: 0, profile: 'instant', overrides: { nope: 1 } }), /unknown mock profile parameter 'nope'/);
});
