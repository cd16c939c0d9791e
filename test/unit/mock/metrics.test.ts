import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startMockServer } from '../../../src/mock/mock-server';
import { httpRequest, postChat, streamChat, userPrompt } from './mock-client';

const NAMES = [
  'vllm:num_requests_running',
  'vllm:num_requests_waiting',
  'vllm:kv_cache_usage_perc',
  'vllm:prompt_tokens_total',
  'vllm:generation_tokens_total',
  'vllm:prefix_cache_hits_total',
  'vllm:prefix_cache_queries_total',
  'mock_requests_stopped_on_disconnect_total',
  'mock_generations_leaked_total',
  'mock_rate_limited_total',
  'mock_queue_rejected_total',
];

function parseMetrics(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)\{model_name="([^"]*)"\} (\S+)$/.exec(line);
    if (match) values.set(match[1]!, Number(match[3]));
  }
  return values;
}

test('/metrics uses vLLM names with HELP, TYPE and model_name labels, and values follow load', async () => {
  const mock = await startMockServer({ port: 0, profile: 'instant', overrides: { model: 'm-1' } });
  try {
    const before = await httpRequest(mock.url + '/metrics', 'GET');
    assert.equal(before.status, 200);
    assert.match(String(before.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    for (const name of NAMES) {
      assert.ok(before.text.includes(`# HELP ${name} `), `HELP for ${name}`);
      assert.match(before.text, new RegExp(`# TYPE ${name} (gauge|counter)\\n`));
      assert.ok(before.text.includes(`${name}{model_name="m-1"} `), `sample for ${name}`);
    }
    const start = parseMetrics(before.text);
    assert.equal(start.get('vllm:prompt_tokens_total'), 0);

    const system = 'A long shared system prompt for caching. '.repeat(20);
    for (let i = 0; i < 3; i++) await postChat(mock.url, userPrompt('question', 6, system));
    await streamChat(mock.url, userPrompt('question', 6, system));
    const after = parseMetrics((await httpRequest(mock.url + '/metrics', 'GET')).text);
    const c = mock.counters();
    assert.equal(after.get('vllm:generation_tokens_total'), 24);
    assert.equal(after.get('vllm:prompt_tokens_total'), c.promptTokens);
    assert.ok(c.promptTokens > 0);
    assert.ok(after.get('vllm:prefix_cache_hits_total')! > 0);
    assert.equal(after.get('vllm:prefix_cache_queries_total'), c.prefixCacheQueries);
    assert.equal(after.get('vllm:num_requests_running'), 0);
  } finally {
    await mock.close();
  }
});

test('running, waiting and KV usage gauges show a busy engine', async () => {
  const mock = await startMockServer({
    port: 0,
    profile: 'small-gpu',
    overrides: { batchSlots: 2, decodeStepBaseMs: 20, decodeStepPerSeqMs: 0, kvCacheTokens: 1000, fullLengthShare: 1 },
  });
  try {
    const streams = [1, 2, 3].map(() => streamChat(mock.url, userPrompt('x'.repeat(400), 30)).catch(() => null));
    let seen = new Map<string, number>();
    for (let i = 0; i < 50; i++) {
      seen = parseMetrics((await httpRequest(mock.url + '/metrics', 'GET')).text);
      if (seen.get('vllm:num_requests_running') === 2 && seen.get('vllm:num_requests_waiting') === 1) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(seen.get('vllm:num_requests_running'), 2);
    assert.equal(seen.get('vllm:num_requests_waiting'), 1);
    // Two sequences of 100 prompt + 30 output tokens hold 260 of 1000 tokens.
    assert.equal(seen.get('vllm:kv_cache_usage_perc'), 0.26);
    await Promise.all(streams);
  } finally {
    await mock.close();
  }
});
