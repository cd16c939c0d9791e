import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startMockServer } from '../../../src/mock/mock-server';
import { httpRequest, postChat, streamChat, userPrompt } from './mock-client';

// Slow enough that a burst of 20 arrives while the first answer is still generating.
const GPU = { decodeStepBaseMs: 10, decodeStepPerSeqMs: 0, fullLengthShare: 1, batchSlots: 64, queueCapacity: 64 };
const BURST = 20;

function burst(url: string, body: unknown) {
  return Promise.all(Array.from({ length: BURST }, () => postChat(url, body)));
}

test('without coalescing a burst at a cold key computes every time (a thundering herd)', async () => {
  const mock = await startMockServer({
    port: 0,
    profile: 'small-gpu',
    overrides: GPU,
    behaviour: { faults: [], responseCache: { enabled: true, coalesce: false, ttlMs: 60_000 } },
  });
  try {
    const body = userPrompt('the same question', 20);
    const answers = await burst(mock.url, body);
    assert.ok(answers.every((a) => a.status === 200 && a.headers['x-cache'] === 'MISS'));
    const c = mock.counters();
    assert.equal(c.responseCacheMisses, BURST);
    assert.equal(c.duplicateComputations, BURST - 1);
    assert.equal(c.coalesced, 0);
    assert.equal(c.generationTokens, BURST * 20, 'every miss generated');

    const hit = await postChat(mock.url, body);
    assert.equal(hit.headers['x-cache'], 'HIT');
    const json = JSON.parse(hit.text);
    assert.equal(json.usage.prompt_tokens_details.cached_tokens, json.usage.prompt_tokens);
    assert.equal(json.usage.completion_tokens, 20);
    assert.equal(mock.counters().generationTokens, BURST * 20, 'a hit generates nothing');
    assert.equal(mock.counters().responseCacheHits, 1);
    assert.equal(hit.headers['server-timing'], 'queue;dur=0, prefill;dur=0', 'the hit skipped the engine');

    const streamedHit = await streamChat(mock.url, body);
    assert.equal(streamedHit.headers['x-cache'], 'HIT');
    assert.equal(streamedHit.tokens.length, 20);

    const metrics = (await httpRequest(mock.url + '/metrics', 'GET')).text;
    assert.match(metrics, /^mock_duplicate_computations_total\{model_name="[^"]+"\} 19\.0$/m);
    assert.match(metrics, /^mock_response_cache_hits_total\{model_name="[^"]+"\} 2\.0$/m);
  } finally {
    await mock.close();
  }
});

test('with coalescing the burst computes once and the others wait for its answer', async () => {
  const mock = await startMockServer({
    port: 0,
    profile: 'small-gpu',
    overrides: GPU,
    behaviour: { faults: [], responseCache: { enabled: true, coalesce: true, ttlMs: 60_000 } },
  });
  try {
    const answers = await burst(mock.url, userPrompt('the same question', 20));
    assert.ok(answers.every((a) => a.status === 200));
    const texts = new Set(answers.map((a) => JSON.parse(a.text).choices[0].message.content));
    assert.equal(texts.size, 1, 'everyone gets the same answer');
    assert.equal(answers.filter((a) => a.headers['x-cache'] === 'MISS').length, 1, 'one leader');
    const c = mock.counters();
    assert.equal(c.duplicateComputations, 0);
    assert.equal(c.coalesced, BURST - 1);
    assert.equal(c.generationTokens, 20, 'one computation');
    assert.match((await httpRequest(mock.url + '/metrics', 'GET')).text, /^mock_coalesced_requests_total\{model_name="[^"]+"\} 19\.0$/m);
  } finally {
    await mock.close();
  }
});

test('the key holds model, messages and max_tokens; entries expire after the TTL', async () => {
  const mock = await startMockServer({
    port: 0,
    profile: 'instant',
    behaviour: { faults: [], responseCache: { enabled: true, coalesce: false, ttlMs: 150 } },
  });
  try {
    assert.equal((await postChat(mock.url, userPrompt('q', 4))).headers['x-cache'], 'MISS');
    assert.equal((await postChat(mock.url, userPrompt('q', 4))).headers['x-cache'], 'HIT');
    assert.equal((await postChat(mock.url, userPrompt('q', 5))).headers['x-cache'], 'MISS', 'max_tokens is part of the key');
    assert.equal((await postChat(mock.url, userPrompt('q2', 4))).headers['x-cache'], 'MISS', 'messages are part of the key');
    assert.equal((await postChat(mock.url, { ...userPrompt('q', 4), model: 'other' })).headers['x-cache'], 'MISS', 'so is the model');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await postChat(mock.url, userPrompt('q', 4))).headers['x-cache'], 'MISS', 'expired');
  } finally {
    await mock.close();
  }
});

test('a leader that disconnects hands the computation to a waiting follower', async () => {
  const mock = await startMockServer({
    port: 0,
    profile: 'small-gpu',
    overrides: GPU,
    behaviour: { faults: [], responseCache: { enabled: true, coalesce: true, ttlMs: 60_000 } },
  });
  try {
    const body = userPrompt('leader leaves', 20);
    const leader = streamChat(mock.url, body, 2);
    await new Promise((r) => setTimeout(r, 5));
    const followers = Array.from({ length: 3 }, () => postChat(mock.url, body));
    assert.ok((await leader).aborted);
    const answers = await Promise.all(followers);
    assert.ok(answers.every((a) => a.status === 200), answers.map((a) => a.status).join());
    assert.equal(mock.counters().stoppedOnDisconnect, 1);
  } finally {
    await mock.close();
  }
});

test('without a response cache there is no x-cache header', async () => {
  const mock = await startMockServer({ port: 0, profile: 'instant' });
  try {
    const res = await postChat(mock.url, userPrompt('q', 2));
    assert.equal(res.headers['x-cache'], undefined);
    assert.equal(res.headers['x-degradation-level'], undefined);
  } finally {
    await mock.close();
  }
});
