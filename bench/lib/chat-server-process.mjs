// Starts bench/servers/chat-server.mjs in its own process and reads its counters over IPC.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forkTracked, waitForExit } from './child-processes.mjs';

const serverScript = join(dirname(fileURLToPath(import.meta.url)), '..', 'servers', 'chat-server.mjs');

/**
 * @param {'json' | 'sse'} mode
 * @param {number} [tickMs] inter-token interval of the SSE mode
 */
export async function startChatServer(mode, tickMs = 50) {
  const child = forkTracked(serverScript, [mode, String(tickMs)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench server did not start within 10 s')), 10_000);
    child.on('message', (msg) => {
      if (msg?.type === 'listening') {
        clearTimeout(timer);
        resolve(msg.port);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bench server exited early (code ${code})`));
    });
  });
  let nextId = 0;
  const pending = new Map();
  child.on('message', (msg) => {
    if (msg?.type === 'stats' && pending.has(msg.id)) {
      pending.get(msg.id)(msg.stats);
      pending.delete(msg.id);
    }
  });
  return {
    pid: child.pid,
    baseUrl: `http://127.0.0.1:${port}`,
    stats() {
      const id = (nextId += 1);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error('bench server did not answer a stats request within 5 s'));
        }, 5000);
        pending.set(id, (s) => {
          clearTimeout(timer);
          resolve(s);
        });
        child.send({ type: 'stats', id });
      });
    },
    resetOpen() {
      child.send({ type: 'reset-open' });
    },
    async close() {
      if (child.connected) child.disconnect();
      await waitForExit(child, 5000, 'bench server');
    },
  };
}

/** Polls `stats()` until `predicate` holds; rejects after `timeoutMs`. */
export async function waitForStats(server, predicate, timeoutMs, what) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const s = await server.stats();
    if (predicate(s)) return s;
    if (Date.now() > until) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
