import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startMockServer } from '../../../src/mock/mock-server';
import { formatResetDuration } from '../../../src/mock/rate-limiter';
import { postChat, userPrompt } from './mock-client';

test('over the RPM limit: 429 with retry-after, retry-after-ms and x-ratelimit-* headers', async () => {
  const mock = await startMockServer({ port: 0, profile: 'instant', overrides: { rpm: 3, tpm: 1_000_000 } });
  try {
    const ok: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await postChat(mock.url, userPrompt('hi', 4));
      assert.equal(res.status, 200);
      assert.equal(res.headers['x-ratelimit-limit-requests'], '3');
      ok.push(Number(res.headers['x-ratelimit-remaining-requests']));
    }
    assert.deepEqual(ok, [2, 1, 0]);
    const limited = await postChat(mock.url, userPrompt('hi', 4));
    assert.equal(limited.status, 429);
    const retryAfter = Number(limited.headers['retry-after']);
    const retryAfterMs = Number(limited.headers['retry-after-ms']);
    // One request comes back every 20 s at 3 RPM.
    assert.ok(retryAfter >= 1 && retryAfter <= 20, `retry-after ${retryAfter}`);
    assert.ok(retryAfterMs > 0 && retryAfterMs <= 20_000);
    assert.equal(limited.headers['x-ratelimit-limit-tokens'], '1000000');
    assert.ok(limited.headers['x-ratelimit-remaining-tokens']);
    assert.match(String(limited.headers['x-ratelimit-reset-requests']), /^\d+(\.\d+)?(ms|s)$|^\d+m/);
    assert.ok(limited.headers['x-request-id']);
    const error = JSON.parse(limited.text).error;
    assert.equal(error.code, 'rate_limit_exceeded');
    assert.equal(error.type, 'requests');
    assert.match(error.message, /requests per min \(RPM\): Limit 3/);
    assert.equal(mock.counters().rateLimited, 1);
  } finally {
    await mock.close();
  }
});

test('over the TPM limit: 429 on tokens; a request larger than the limit says so', async () => {
  const mock = await startMockServer({ port: 0, profile: 'instant', overrides: { tpm: 1000 } });
  try {
    // 100 prompt + 400 max tokens = 500 tokens each.
    assert.equal((await postChat(mock.url, userPrompt('x'.repeat(400), 400))).status, 200);
    assert.equal((await postChat(mock.url, userPrompt('x'.repeat(400), 400))).status, 200);
    const limited = await postChat(mock.url, userPrompt('x'.repeat(400), 400));
    assert.equal(limited.status, 429);
    assert.equal(JSON.parse(limited.text).error.type, 'tokens');
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    const huge = await postChat(mock.url, userPrompt('x'.repeat(400), 2000));
    assert.equal(huge.status, 429);
    assert.match(JSON.parse(huge.text).error.message, /Request too large/);
  } finally {
    await mock.close();
  }
});

test('the rate-limited-api profile sends rate-limit headers on successful responses too', async () => {
  const mock = await startMockServer({ port: 0, profile: 'rate-limited-api', overrides: { decodeStepBaseMs: 1 } });
  try {
    const res = await postChat(mock.url, userPrompt('hi', 2));
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-ratelimit-limit-requests'], String(mock.profile.rpm));
    assert.equal(res.headers['x-ratelimit-limit-tokens'], String(mock.profile.tpm));
    assert.ok(res.headers['x-ratelimit-reset-tokens']);
  } finally {
    await mock.close();
  }
});

test('reset durations use OpenAI formatting', () => {
  assert.equal(formatResetDuration(12), '12ms');
  assert.equal(formatResetDuration(1500), '1.5s');
  assert.equal(formatResetDuration(360_000), '6m0s');
});
