import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MOCK_PROFILES, resolveMockProfile } from '../../../src/mock/profiles';
import { estimateTokens } from '../../../src/core/token-estimate';

test('every named profile resolves unchanged without overrides', () => {
  for (const name of Object.keys(MOCK_PROFILES)) {
    assert.deepEqual(resolveMockProfile(name, {}), MOCK_PROFILES[name as keyof typeof MOCK_PROFILES]);
  }
});

test('overrides apply and strings from --set are coerced to the parameter type', () => {
  const profile = resolveMockProfile('small-gpu', { batchSlots: '4', leakOnDisconnect: 'true', rpm: 30, model: 'm' });
  assert.equal(profile.batchSlots, 4);
  assert.equal(profile.leakOnDisconnect, true);
  assert.equal(profile.rpm, 30);
  assert.equal(profile.model, 'm');
  assert.equal(MOCK_PROFILES['small-gpu'].batchSlots, 16, 'the shared table is not mutated');
});

test('an unknown override key names the valid keys', () => {
  assert.throws(() => resolveMockProfile('instant', { batchSlot: 3 }), (error: Error) => {
    assert.match(error.message, /unknown mock profile parameter 'batchSlot'/);
    assert.match(error.message, /batchSlots/);
    assert.match(error.message, /kvCacheTokens/);
    assert.ok(!error.message.includes('\n'));
    return true;
  });
});

test('wrong types, out-of-range values and unknown profiles are refused with one line', () => {
  assert.throws(() => resolveMockProfile('instant', { batchSlots: 'many' }), /'batchSlots' must be a number/);
  assert.throws(() => resolveMockProfile('instant', { batchSlots: 0 }), /'batchSlots' must be between 1 and 10000000, got 0/);
  assert.throws(() => resolveMockProfile('instant', { batchSlots: 1.5 }), /whole number/);
  assert.throws(() => resolveMockProfile('instant', { fullLengthShare: 2 }), /between 0 and 1/);
  assert.throws(() => resolveMockProfile('instant', { prefixCache: 'yes' }), /must be a boolean/);
  assert.throws(() => resolveMockProfile('gpu', {}), /unknown mock profile 'gpu'; valid profiles: instant, small-gpu/);
});

test('h100-8b KV budget follows the reference figures (128 KiB per token)', () => {
  const profile = MOCK_PROFILES['h100-8b'];
  const bytes = profile.kvCacheTokens * 128 * 1024;
  const gib = bytes / 2 ** 30;
  // 0.9 x 80 GiB minus ~16 GiB of weights.
  assert.equal(gib, 56);
  assert.equal(profile.prefillTokensPerSecond, 30_000);
});

test('estimateTokens is ceil(chars / 4)', () => {
  assert.equal(estimateTokens(''), 0);
  assert.equal(estimateTokens('a'), 1);
  assert.equal(estimateTokens('abcd'), 1);
  assert.equal(estimateTokens('abcde'), 2);
  assert.equal(estimateTokens('x'.repeat(4000)), 1000);
});
