import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PrefixCache } from '../../../src/mock/prefix-cache';
import { RateLimiter } from '../../../src/mock/rate-limiter';
import { parseChatRequest } from '../../../src/mock/chat-request';
import { SeededRng } from '../../../src/mock/seeded-rng';

test('prefix cache reuses whole shared blocks and evicts the least recently used', () => {
  const cache = new PrefixCache(32, 16); // two blocks of 16 tokens (64 characters)
  const a = cache.blockHashes('a'.repeat(64) + 'b'.repeat(64) + 'tail');
  assert.equal(a.length, 2);
  assert.equal(cache.lookup(a), 0);
  cache.insert(a);
  assert.equal(cache.lookup(a), 2);
  const sharedFirst = cache.blockHashes('a'.repeat(64) + 'c'.repeat(64));
  assert.equal(cache.lookup(sharedFirst), 1, 'only the identical leading block hits');
  cache.insert(sharedFirst); // evicts a's second block, the least recently used
  assert.equal(cache.lookup(a), 1);
  assert.deepEqual(cache.blockHashes('short'), []);
});

test('rate limiter: RPM and TPM buckets refill continuously and refuse without taking', () => {
  const limiter = new RateLimiter(60, 1000, 0);
  assert.equal(limiter.admit(600, 0).retryAfterMs, 0);
  const refused = limiter.admit(600, 0);
  assert.equal(refused.limit, 'tokens');
  // 200 tokens missing at 1000/min = 12 s.
  assert.equal(refused.retryAfterMs, 12_000);
  assert.equal(limiter.requests!.remaining(), 59, 'a refused request takes nothing');
  assert.equal(limiter.admit(600, 12_000).retryAfterMs, 0);
  assert.equal(limiter.admit(1001, 12_000).tooLarge, true);
});

test('chat request parsing counts tokens per message, reads parts and both max-token fields', () => {
  const parsed = parseChatRequest(JSON.stringify({
    model: 'm',
    messages: [
      { role: 'system', content: 'abcdefgh' },
      { role: 'user', content: [{ type: 'text', text: 'abcde' }, { type: 'image_url', image_url: { url: 'x' } }] },
      { role: 'assistant', content: null },
    ],
    max_completion_tokens: 7,
    max_tokens: 99,
    stream: true,
    stream_options: { include_usage: true },
  }));
  assert.ok(parsed.ok);
  assert.equal(parsed.request.promptTokens, 2 + 2 + 0);
  assert.equal(parsed.request.maxTokens, 7);
  assert.equal(parsed.request.stream, true);
  assert.equal(parsed.request.includeUsage, true);
  const bad = parseChatRequest(JSON.stringify({ messages: [{ content: 'no role' }] }));
  assert.ok(!bad.ok);
  assert.equal(bad.param, 'messages[0]');
});

test('the seeded generator repeats for a seed and differs across seeds', () => {
  const draw = (seed: number): number[] => {
    const rng = new SeededRng(seed);
    return Array.from({ length: 5 }, () => rng.next());
  };
  assert.deepEqual(draw(1), draw(1));
  assert.notDeepEqual(draw(1), draw(2));
  assert.ok(draw(9).every((x) => x >= 0 && x < 1));
});
