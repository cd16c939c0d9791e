import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const serverModule = join(__dirname, '../../../src/mock/mock-server.ts');
const proxyModule = join(__dirname, '../../../src/mock/fault-proxy.ts');
const clientModule = join(__dirname, 'mock-client.ts');
const upstreamModule = join(__dirname, '../proxy/scripted-upstream.ts');

test('close() with held, paced and coalesced requests in flight leaves no handles, mock and proxy alike', async () => {
  // The child never calls process.exit: it only ends if close() released every socket and timer.
  const script = `
    const load = async (p) => { const m = await import(p); return m.default && !m.startMockServer && !m.streamChat && !m.startFaultProxy && !m.startScriptedUpstream ? m.default : m; };
    const { startMockServer } = await load(${JSON.stringify(serverModule)});
    const { startFaultProxy } = await load(${JSON.stringify(proxyModule)});
    const { streamChat, postChat, httpRequest, waitFor } = await load(${JSON.stringify(clientModule)});
    const { startScriptedUpstream } = await load(${JSON.stringify(upstreamModule)});
    const window = (kind, extra) => ({ kind, startMs: 0, endMs: 600000, ...extra });
    const held = await startMockServer({ port: 0, profile: 'instant', behaviour: { faults: [window('latency', { addMs: 30000 })] } });
    const paced = await startMockServer({
      port: 0, profile: 'small-gpu', overrides: { decodeStepBaseMs: 5, decodeStepPerSeqMs: 0 },
      behaviour: { faults: [window('slow-stream', { tokensPerSecond: 2 })], responseCache: { enabled: true, coalesce: true, ttlMs: 60000 } },
    });
    const body = { messages: [{ role: 'user', content: 'same' }], max_tokens: 50 };
    const pending = [
      streamChat(held.url, body).catch(() => null),
      streamChat(paced.url, body).catch(() => null),
      postChat(paced.url, body).catch(() => null),
      postChat(paced.url, body).catch(() => null),
    ];
    const upstream = await startScriptedUpstream();
    const proxy = await startFaultProxy({ upstream: upstream.url, port: 0, faults: [window('slow-stream', { tokensPerSecond: 1 })] });
    const heldProxy = await startFaultProxy({ upstream: upstream.url, port: 0, faults: [window('latency', { addMs: 30000 })] });
    pending.push(httpRequest(proxy.url + '/v1/sse', 'POST', '{}').catch(() => null));
    pending.push(streamChat(heldProxy.url, body).catch(() => null));
    const ready = await waitFor(() => held.counters().requests === 1 && paced.counters().requests === 3 && proxy.counters().forwarded === 1 && heldProxy.counters().requests === 1);
    if (!ready) throw new Error('the requests never arrived');
    await new Promise((r) => setTimeout(r, 100));
    await Promise.all([held.close(), paced.close(), proxy.close(), heldProxy.close()]);
    await upstream.close();
    await Promise.all(pending);
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
