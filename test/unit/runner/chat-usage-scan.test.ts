import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanChatUsage } from '../../../src/runner/chat-usage-scan';

const scan = (text: string) => scanChatUsage(Buffer.from(text, 'utf8'));

test('reads usage of a compact chat.completion body, cached tokens included', () => {
  const body = JSON.stringify({
    id: 'x',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content: 'héllo 世界' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1234, completion_tokens: 56, total_tokens: 1290, prompt_tokens_details: { cached_tokens: 1024 } },
  });
  assert.deepEqual(scan(body), { prompt: 1234, completion: 56, cached: 1024 });
});

test('without cached_tokens the cached count is -1; zero counts are read as zero', () => {
  assert.deepEqual(scan('{"choices":[],"usage":{"prompt_tokens":0,"completion_tokens": 7}}'), { prompt: 0, completion: 7, cached: -1 });
});

test('keys that only appear inside string values do not count', () => {
  const content = 'say \\"usage\\":{\\"prompt_tokens\\":9} and \\"error\\"';
  assert.deepEqual(scan(`{"choices":[{"message":{"content":"${content}"}}],"usage":{"prompt_tokens":3,"completion_tokens":4}}`), { prompt: 3, completion: 4, cached: -1 });
});

test('anything unusual is left to the full parse (null)', () => {
  const cases = [
    '',
    '{}',
    ' {"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1}}',
    '{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1}}\n',
    '{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1},"error":{"message":"x"}}',
    '{"object":"error","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1}}',
    '{"usage":{"prompt_tokens":1,"completion_tokens":1}}',
    '{"choices": [],"usage":{"prompt_tokens":1,"completion_tokens":1}}',
    '{"choices":[],"usage": {"prompt_tokens":1,"completion_tokens":1}}',
    '{"choices":[],"usage":{"prompt_tokens":null,"completion_tokens":1}}',
    '{"choices":[],"usage":{"prompt_tokens":1}}',
    '{"choices":[],"prompt_tokens":1,"completion_tokens":1,"usage":{}}',
  ];
  for (const c of cases) assert.equal(scan(c), null, c);
});

test('the answer between choices and usage is not read, however long', () => {
  const content = 'x'.repeat(100_000) + ' \\"usage\\":{\\"prompt_tokens\\":9}';
  assert.deepEqual(scan(`{"id":"a","choices":[{"message":{"content":"${content}"}}],"usage":{"prompt_tokens":3,"completion_tokens":4,"prompt_tokens_details":{"cached_tokens":2}},"system_fingerprint":"fp"}`), { prompt: 3, completion: 4, cached: 2 });
});
