// Each dialect's rate-limit, overload and mid-stream errors are classified as docs/providers.md
// says: against scripted servers replaying the API references' answers, and against the mock
// (where the SDKs must raise the same errors from the same answers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import type { DialectId } from '../../../src/core/plan';
import { startMockServer } from '../../../src/mock/mock-server';
import { dialectFor } from '../../../src/runner/dialects/dialects';
import { startScriptedServer } from '../runner/support/scripted-server';
import { RECORDED } from './recorded-sequences';
import { askWithRunner } from './runner-read';

const ask = { model: 'model-x', prompt: 'hello there', maxTokens: 16, stream: true };

for (const r of RECORDED) {
  test(`recorded: ${r.name} → ${r.outcome}`, async () => {
    const server = await startScriptedServer((_req, res) => {
      res.writeHead(r.status, r.headers);
      res.end(r.body);
    });
    try {
      const a = await askWithRunner(server.url, r.dialect, ask);
      assert.equal(a.outcome, r.outcome, a.detail);
      if (r.tokens !== undefined) assert.equal(a.tokenEvents, r.tokens, 'content tokens before the end');
      if (r.retryAfterMs !== undefined) assert.equal(a.retryAfterMs, r.retryAfterMs);
      if (r.usage) assert.deepEqual(a.usage, r.usage);
      if (r.headroom) {
        const reading = dialectFor(r.dialect).rateLimit(a.header);
        assert.equal(reading?.requestsRemaining ?? null, r.headroom.requestsRemaining);
        assert.equal(reading?.tokensRemaining ?? null, r.headroom.tokensRemaining);
      }
    } finally {
      await server.close();
    }
  });
}

const ALL: DialectId[] = ['openai', 'openai-responses', 'anthropic', 'gemini'];

test('mock: the rate limit answers 429 in every dialect, with the dialect\'s headers or RetryInfo, and the runner reads when to retry', async () => {
  for (const dialect of ALL) {
    const mock = await startMockServer({ profile: 'instant', overrides: { rpm: 1 } });
    try {
      const first = await askWithRunner(mock.url, dialect, ask);
      assert.equal(first.outcome, 'ok', `${dialect}: ${first.detail}`);
      const second = await askWithRunner(mock.url, dialect, ask);
      assert.equal(second.outcome, 'rate_limited', `${dialect}: ${second.detail}`);
      assert.ok(second.retryAfterMs > 0, `${dialect}: retry after ${second.retryAfterMs}`);
      const headroom = dialectFor(dialect).rateLimit(second.header);
      if (dialect === 'gemini') {
        assert.equal(headroom, null, 'Gemini sends no rate-limit headers');
        assert.equal(second.header('retry-after'), undefined, 'Gemini says when to retry in the body');
      } else assert.equal(headroom?.requestsRemaining, 0, dialect);
    } finally {
      await mock.close();
    }
  }
});

test('mock: a full queue is overloaded in Anthropic (529) and a 5xx server_error elsewhere', async () => {
  for (const dialect of ALL) {
    // One slot, no waiting room, a slow decode: the second request finds the queue full.
    const mock = await startMockServer({ profile: 'small-gpu', overrides: { batchSlots: 1, queueCapacity: 0, decodeStepBaseMs: 40 } });
    try {
      const long = askWithRunner(mock.url, dialect, { ...ask, maxTokens: 20 });
      // Bounded wait until the first request holds the slot (counted, not timed).
      for (let i = 0; i < 1000 && mock.counters().running === 0; i++) await new Promise((r) => setTimeout(r, 5));
      assert.equal(mock.counters().running, 1);
      const refused = await askWithRunner(mock.url, dialect, ask);
      assert.equal(refused.outcome, dialect === 'anthropic' ? 'overloaded' : 'server_error', `${dialect}: ${refused.detail}`);
      assert.equal(refused.status, dialect === 'anthropic' ? 529 : 503);
      assert.equal((await long).outcome, 'ok');
    } finally {
      await mock.close();
    }
  }
});

test('mock: a mid-stream fault breaks streams off with the dialect\'s error event, classified by its type', async () => {
  for (const dialect of ALL) {
    const status = dialect === 'anthropic' ? 529 : 500;
    const mock = await startMockServer({ profile: 'instant', behaviour: { faults: [{ kind: 'error-rate', startMs: 0, endMs: 1e9, rate: 1, status, midStream: true }] } });
    try {
      const a = await askWithRunner(mock.url, dialect, { ...ask, maxTokens: 10 });
      assert.equal(a.outcome, dialect === 'anthropic' ? 'overloaded' : 'server_error', `${dialect}: ${a.detail}`);
      assert.equal(a.status, 200, 'the stream had started');
      assert.equal(a.tokenEvents, 5, 'half the answer arrived first');
      const json = await askWithRunner(mock.url, dialect, { ...ask, stream: false });
      assert.equal(json.status, status, `${dialect}: a request that does not stream gets the status`);
    } finally {
      await mock.close();
    }
  }
});

test('mock: the Anthropic SDK raises the same overloaded_error the runner classified', async () => {
  const mock = await startMockServer({ profile: 'instant', behaviour: { faults: [{ kind: 'error-rate', startMs: 0, endMs: 1e9, rate: 1, status: 529, midStream: true }] } });
  try {
    const client = new Anthropic({ apiKey: 'k', baseURL: mock.url, maxRetries: 0 });
    await assert.rejects(client.messages.stream({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).finalMessage(), /overloaded_error/);
    const queueFull = await startMockServer({ profile: 'instant', behaviour: { faults: [{ kind: 'outage', startMs: 0, endMs: 1e9, mode: 'status', status: 529 }] } });
    try {
      await assert.rejects(new Anthropic({ apiKey: 'k', baseURL: queueFull.url, maxRetries: 0 }).messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }), (e: { status?: number }) => e.status === 529);
    } finally {
      await queueFull.close();
    }
  } finally {
    await mock.close();
  }
});
