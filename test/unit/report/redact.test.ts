import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectSecretValues, createScrubber, isSensitiveHeader, redactHeaderValue, redactPlan, redactSensitiveValue, redactUrl } from '../../../src/report/redact';
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

test('a gateway configuration header stays readable; only its credential fields are hidden', () => {
  const config = '{"strategy":{"mode":"fallback"},"targets":[{"provider":"openai","api_key":"sk-live-123456","custom_host":"${upstream:primary}/v1"},{"provider":"openai","apiKey":"${secret:B_KEY}","custom_host":"${upstream:fallback}/v1"}]}';
  assert.equal(isSensitiveHeader('x-portkey-config'), false);
  for (const name of ['x-api-key', 'x-portkey-api-key', 'access_token', 'apiKey', 'Authorization', 'x-goog-api-key', 'cookie']) assert.equal(isSensitiveHeader(name), true, name);
  const shown = JSON.parse(redactHeaderValue('x-portkey-config', config));
  assert.deepEqual(shown.strategy, { mode: 'fallback' });
  assert.equal(shown.targets[0].custom_host, '${upstream:primary}/v1');
  assert.equal(shown.targets[0].api_key, '[redacted]');
  assert.equal(shown.targets[1].apiKey, '${secret:B_KEY}', 'a reference holds no secret');
  // the literal key inside the header is a value no output may contain
  const values = collectSecretValues({ providers: [{ id: 'g', type: 'openai', baseUrl: 'http://x', model: 'm', headers: { 'x-portkey-config': config }, pricing: { input: 0, cachedInput: 0, output: 0 }, maxConnections: 1 }] } as never, () => undefined);
  assert.ok(values.includes('sk-live-123456'), JSON.stringify(values));
});
