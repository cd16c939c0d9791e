import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startMockServer } from '../../../src/mock/mock-server';
import { postChat, streamChat, userPrompt, waitFor } from './mock-client';

// A slow, tiny GPU so effects are large next to a noisy shared machine.
const TINY = { batchSlots: 1, queueCapacity: 1, decodeStepBaseMs: 10, decodeStepPerSeqMs: 0, fullLengthShare: 1, prefixCache: false };

test('a full queue answers 503 at once with a JSON error', async () => {
  const mock = await startMockServer({ port: 0, profile: 'small-gpu', overrides: TINY });
  try {
    const running = streamChat(mock.url, userPrompt('first', 20));
    await waitFor(() => mock.counters().running === 1);
    const waiting = streamChat(mock.url, userPrompt('second', 5));
    await waitFor(() => mock.counters().waiting === 1);
    const rejected = await postChat(mock.url, userPrompt('third', 5));
    assert.equal(rejected.status, 503);
    const error = JSON.parse(rejected.text).error;
    assert.equal(error.code, 'queue_full');
    assert.equal(rejected.headers['retry-after'], '1');
    assert.equal(mock.counters().queueRejected, 1);
    const [a, b] = await Promise.all([running, waiting]);
    assert.equal(a.tokens.length, 20);
    assert.equal(b.tokens.length, 5);
  } finally {
    await mock.close();
  }
});

test('a one-token answer streams role, token, finish and [DONE] through the engine', async () => {
  const mock = await startMockServer({ port: 0, profile: 'small-gpu', overrides: TINY });
  try {
    const result = await streamChat(mock.url, { ...userPrompt('one', 1), stream_options: { include_usage: true } });
    assert.equal(result.tokens.length, 1);
    assert.equal(result.events.at(-1), '[DONE]');
    const chunks = result.events.slice(0, -1).map((e) => JSON.parse(e));
    assert.equal(chunks[0].choices[0].delta.role, 'assistant');
    assert.equal(chunks.at(-2).choices[0].finish_reason, 'length');
    assert.equal(chunks.at(-1).usage.completion_tokens, 1);
    const plain = JSON.parse((await postChat(mock.url, userPrompt('one', 3))).text);
    assert.equal(plain.usage.completion_tokens, 3);
    assert.equal(mock.counters().completed, 2);
  } finally {
    await mock.close();
  }
});

test('queueing behind a full batch raises TTFT', async () => {
  const mock = await startMockServer({ port: 0, profile: 'small-gpu', overrides: { ...TINY, queueCapacity: 10 } });
  try {
    const idle = await streamChat(mock.url, userPrompt('idle', 3));
    const busy = streamChat(mock.url, userPrompt('busy', 30));
    await waitFor(() => mock.counters().running === 1);
    const queued = await streamChat(mock.url, userPrompt('queued', 3));
    await busy;
    assert.ok(idle.ttftMs !== null && queued.ttftMs !== null);
    // The queued request waits for ~30 decode steps of 10 ms (never less: timers do not fire
    // early); idle TTFT is one step.
    assert.ok(queued.ttftMs > idle.ttftMs, `idle ${idle.ttftMs.toFixed(1)} ms, queued ${queued.ttftMs.toFixed(1)} ms`);
    assert.ok(queued.ttftMs >= 250, `queued ${queued.ttftMs.toFixed(1)} ms`);
    const queueMs = Number(/queue;dur=([\d.]+)/.exec(String(queued.headers['server-timing']))![1]);
    assert.ok(queueMs >= 250, `server-timing queue ${queueMs}`);
  } finally {
    await mock.close();
  }
});

test('the KV budget holds a request back even with free slots', async () => {
  // 100 prompt + 20 output = 120 tokens each; a 200-token budget fits one at a time.
  const mock = await startMockServer({ port: 0, profile: 'small-gpu', overrides: { ...TINY, batchSlots: 8, queueCapacity: 10, kvCacheTokens: 200 } });
  try {
    const first = streamChat(mock.url, userPrompt('x'.repeat(400), 20));
    await waitFor(() => mock.counters().running === 1);
    const second = streamChat(mock.url, userPrompt('y'.repeat(400), 20));
    assert.ok(await waitFor(() => mock.counters().waiting === 1));
    assert.equal(mock.counters().running, 1);
    await Promise.all([first, second]);
  } finally {
    await mock.close();
  }
});

test('prefill time grows with prompt length', async () => {
  const mock = await startMockServer({ port: 0, profile: 'small-gpu', overrides: { ...TINY, prefillTokensPerSecond: 10_000, maxPrefillTokensPerStep: 100_000 } });
  try {
    const short = await postChat(mock.url, userPrompt('x'.repeat(40), 2));
    const long = await postChat(mock.url, userPrompt('x'.repeat(16_000), 2));
    const prefill = (r: typeof short): number => Number(/prefill;dur=([\d.]+)/.exec(String(r.headers['server-timing']))![1]);
    // 4,000 tokens at 10k tokens/s = 400 ms versus ~1 ms; timers never fire early, so the long
    // prefill cannot be shorter than its simulated time however busy the machine is.
    assert.ok(prefill(long) >= 395, `long prefill ${prefill(long)} ms`);
    assert.ok(prefill(long) > prefill(short), `short ${prefill(short)} ms, long ${prefill(long)} ms`);
  } finally {
    await mock.close();
  }
});

test('a client disconnect mid-stream stops the generation and frees the slot', async () => {
  const mock = await startMockServer({ port: 0, profile: 'small-gpu', overrides: { ...TINY, queueCapacity: 10 } });
  try {
    const aborted = await streamChat(mock.url, userPrompt('stop me', 500), 3);
    assert.ok(aborted.aborted);
    assert.ok(await waitFor(() => mock.counters().stoppedOnDisconnect === 1), 'stoppedOnDisconnect counted');
    assert.equal(mock.counters().running, 0);
    assert.equal(mock.counters().leakedGenerations, 0);
    const tokensAtStop = mock.counters().generationTokens;
    const next = await streamChat(mock.url, userPrompt('next', 4));
    assert.equal(next.tokens.length, 4, 'the freed slot serves the next request');
    assert.ok(mock.counters().generationTokens < tokensAtStop + 20, 'the stopped sequence produced no more tokens');
  } finally {
    await mock.close();
  }
});

test('a disconnect while queued removes the request from the queue', async () => {
  const mock = await startMockServer({ port: 0, profile: 'small-gpu', overrides: { ...TINY, queueCapacity: 10 } });
  try {
    const busy = streamChat(mock.url, userPrompt('busy', 20));
    await waitFor(() => mock.counters().running === 1);
    const { request } = await import('node:http');
    const req = request(mock.url + '/v1/chat/completions', { method: 'POST', agent: false });
    req.on('error', () => undefined);
    req.end(JSON.stringify(userPrompt('queued', 5)));
    assert.ok(await waitFor(() => mock.counters().waiting === 1));
    req.destroy();
    assert.ok(await waitFor(() => mock.counters().waiting === 0 && mock.counters().stoppedOnDisconnect === 1));
    await busy;
  } finally {
    await mock.close();
  }
});

test('leakOnDisconnect keeps generating and counts the leak instead', async () => {
  const mock = await startMockServer({ port: 0, profile: 'small-gpu', overrides: { ...TINY, queueCapacity: 10, leakOnDisconnect: true } });
  try {
    await streamChat(mock.url, userPrompt('leak me', 30), 3);
    assert.ok(await waitFor(() => mock.counters().leakedGenerations === 1));
    assert.equal(mock.counters().stoppedOnDisconnect, 0);
    assert.equal(mock.counters().running, 1, 'the leaked generation still holds its slot');
    assert.ok(await waitFor(() => mock.counters().running === 0), 'it runs to the end');
    assert.ok(mock.counters().generationTokens >= 30);
    assert.equal(mock.counters().completed, 0, 'nothing was delivered');
  } finally {
    await mock.close();
  }
});
