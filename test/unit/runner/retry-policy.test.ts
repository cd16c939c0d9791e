import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PlanRetries } from '../../../src/core/plan';
import { retryDelayMs } from '../../../src/runner/retry-policy';
import { SeededRandom } from '../../../src/runner/seeded-random';

const base: PlanRetries = { max: 5, backoff: 'exponential', baseMs: 100, capMs: 1000, jitter: 'none', respectRetryAfter: true, on: ['rate_limited'] };

test('exponential, linear and constant backoff, capped', () => {
  const rng = new SeededRandom(1);
  assert.deepEqual([1, 2, 3, 4, 5].map((a) => retryDelayMs(base, a, -1, rng)), [100, 200, 400, 800, 1000]);
  assert.deepEqual([1, 2, 3].map((a) => retryDelayMs({ ...base, backoff: 'linear' }, a, -1, rng)), [100, 200, 300]);
  assert.deepEqual([1, 2, 3].map((a) => retryDelayMs({ ...base, backoff: 'constant' }, a, -1, rng)), [100, 100, 100]);
});

test('full and equal jitter stay in their ranges', () => {
  const rng = new SeededRandom(2);
  for (let i = 0; i < 500; i++) {
    const full = retryDelayMs({ ...base, jitter: 'full' }, 3, -1, rng);
    assert.ok(full >= 0 && full <= 400);
    const equal = retryDelayMs({ ...base, jitter: 'equal' }, 3, -1, rng);
    assert.ok(equal >= 200 && equal <= 400);
  }
});

test('retry-after is a floor when respected and ignored otherwise', () => {
  const rng = new SeededRandom(3);
  assert.equal(retryDelayMs(base, 1, 2500, rng), 2500);
  assert.equal(retryDelayMs({ ...base, respectRetryAfter: false }, 1, 2500, rng), 100);
});
