import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectSecretValues, createScrubber, redactPlan, redactSensitiveValue, redactUrl } from '../../../src/report/redact';
import { samplePlan } from './sample-run';

test('references are kept, literal credentials are redacted', () => {
  assert.equal(redactSensitiveValue('${secret:KEY}'), '${secret:KEY}');
  assert.equal(redactSensitiveValue('Bearer ${env:TOKEN}'), 'Bearer ${env:TOKEN}');
  assert.equal(redactSensitiveValue('sk-live-abcdef'), '[redacted]');
  assert.equal(redactSensitiveValue('Bearer sk-live-abcdef'), '[redacted]');
  const plan = redactPlan(samplePlan());
  const provider = plan.providers[0];
  assert.equal(provider.type === 'openai' ? provider.apiKey : undefined, '${secret:OPENAI_API_KEY}');
  assert.equal(provider.headers.Authorization, '[redacted]');
  assert.equal(provider.headers['x-team'], 'search', 'harmless headers stay');
  assert.equal(samplePlan().providers[0].headers.Authorization, 'Bearer sk-literal-should-go', 'the input is not mutated');
});

test('secret values are collected from references and literals, and scrubbed in every form', () => {
  const plan = samplePlan();
  const env: Record<string, string> = { OPENAI_API_KEY: 'sk-live-123456', BASE_URL: 'http://127.0.0.1:1/v1' };
  const values = collectSecretValues(plan, (_kind, name) => env[name]);
  assert.ok(values.includes('sk-live-123456'));
  assert.ok(values.includes('sk-literal-should-go'));
  assert.ok(!values.includes('http://127.0.0.1:1/v1'), 'an env value in baseUrl is not a credential');
  const scrub = createScrubber(values);
  assert.equal(scrub('key=sk-live-123456 and "sk-literal-should-go"'), 'key=[redacted] and "[redacted]"');
  const quoted = createScrubber(['a"b\\c-secret']);
  assert.equal(quoted(JSON.stringify({ v: 'a"b\\c-secret' })), '{"v":"[redacted]"}');
  assert.equal(createScrubber(['ab'])('ab'), 'ab', 'too short to scrub');
});

test('credentials in a query string are redacted and collected too', () => {
  assert.equal(redactUrl('https://x/v1?api_key=abc123456&team=a'), 'https://x/v1?api_key=[redacted]&team=a');
  assert.equal(redactUrl('https://x/v1?api_key=${secret:K}'), 'https://x/v1?api_key=${secret:K}');
  const plan = samplePlan();
  const p = plan.providers[0];
  if (p.type === 'openai') p.baseUrl = 'http://h/v1?token=literal-token-1';
  assert.ok(collectSecretValues(plan, () => undefined).includes('literal-token-1'));
  const redacted = redactPlan(plan).providers[0];
  assert.equal(redacted.type === 'openai' ? redacted.baseUrl : '', 'http://h/v1?token=[redacted]');
});
