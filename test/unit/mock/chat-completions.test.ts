import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMockServer, type MockServer } from '../../../src/mock/mock-server';
import { httpRequest, postChat, streamChat, userPrompt } from './mock-client';

let mock: MockServer;
before(async () => {
  mock = await startMockServer({ port: 0, profile: 'instant', seed: 7 });
});
after(() => mock.close());

test('url is the origin on loopback, without /v1 or a trailing slash', () => {
  assert.match(mock.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(mock.url, `http://127.0.0.1:${mock.port}`);
});

test('non-streaming: a chat.completion with usage and cached_tokens', async () => {
  const res = await postChat(mock.url, userPrompt('x'.repeat(400), 12));
  assert.equal(res.status, 200);
  assert.match(String(res.headers['content-type']), /application\/json/);
  assert.match(String(res.headers['x-request-id']), /^req_/);
  assert.match(String(res.headers['server-timing']), /queue;dur=[\d.]+, prefill;dur=[\d.]+/);
  const body = JSON.parse(res.text);
  assert.equal(body.object, 'chat.completion');
  assert.equal(body.model, 'test-model');
  assert.equal(body.choices[0].message.role, 'assistant');
  assert.equal(body.choices[0].finish_reason, 'length');
  assert.equal(body.usage.prompt_tokens, 100);
  assert.equal(body.usage.completion_tokens, 12);
  assert.equal(body.usage.total_tokens, 112);
  assert.equal(typeof body.usage.prompt_tokens_details.cached_tokens, 'number');
  assert.equal(body.choices[0].message.content.trim().split(/\s+/).length, 12);
});

test('streaming: role first, one token per chunk, finish, usage chunk, then [DONE]', async () => {
  const result = await streamChat(mock.url, { ...userPrompt('hello there', 9), stream_options: { include_usage: true } });
  assert.equal(result.status, 200);
  assert.match(String(result.headers['content-type']), /text\/event-stream/);
  assert.equal(result.events.at(-1), '[DONE]');
  const chunks = result.events.slice(0, -1).map((e) => JSON.parse(e));
  for (const chunk of chunks) {
    assert.equal(chunk.object, 'chat.completion.chunk');
    assert.equal(chunk.id, chunks[0].id);
  }
  assert.equal(chunks[0].choices[0].delta.role, 'assistant');
  assert.equal(result.tokens.length, 9);
  const finish = chunks.at(-2);
  assert.equal(finish.choices[0].finish_reason, 'length');
  const usage = chunks.at(-1);
  assert.deepEqual(usage.choices, []);
  assert.deepEqual(usage.usage, { prompt_tokens: 3, completion_tokens: 9, total_tokens: 12, prompt_tokens_details: { cached_tokens: 0 } });
});

test('streaming without include_usage sends no usage chunk', async () => {
  const result = await streamChat(mock.url, userPrompt('no usage please', 3));
  assert.equal(result.events.at(-1), '[DONE]');
  assert.ok(result.events.slice(0, -1).every((e) => !('usage' in JSON.parse(e))));
  assert.equal(result.tokens.length, 3);
});

test('max_completion_tokens is honoured and the default applies when neither is given', async () => {
  const a = JSON.parse((await postChat(mock.url, { messages: [{ role: 'user', content: 'a' }], max_completion_tokens: 5 })).text);
  assert.equal(a.usage.completion_tokens, 5);
  assert.equal(a.model, mock.profile.model, 'without a model the profile model is reported');
  const b = JSON.parse((await postChat(mock.url, { messages: [{ role: 'user', content: 'a' }] })).text);
  assert.equal(b.usage.completion_tokens, mock.profile.defaultMaxTokens);
});

test('prefix cache: a repeated system prompt and opening hit on the second request', async () => {
  const system = 'You are the support bot of a very busy shop. '.repeat(30);
  const first = JSON.parse((await postChat(mock.url, userPrompt('Where is my order 1?', 4, system))).text);
  const second = JSON.parse((await postChat(mock.url, userPrompt('Where is my order 1?', 4, system))).text);
  const other = JSON.parse((await postChat(mock.url, userPrompt('A different question', 4, system))).text);
  assert.equal(first.usage.prompt_tokens_details.cached_tokens, 0);
  assert.ok(second.usage.prompt_tokens_details.cached_tokens > 300, `cached ${second.usage.prompt_tokens_details.cached_tokens}`);
  assert.ok(second.usage.prompt_tokens_details.cached_tokens < second.usage.prompt_tokens);
  assert.ok(other.usage.prompt_tokens_details.cached_tokens > 300, 'the shared system prompt is reused');
  const c = mock.counters();
  assert.ok(c.prefixCacheHits > 0 && c.prefixCacheHits <= c.prefixCacheQueries);
});

test('bad JSON and missing messages answer 400 with an OpenAI error object', async () => {
  const bad = await postChat(mock.url, '{"messages": [');
  assert.equal(bad.status, 400);
  const error = JSON.parse(bad.text).error;
  assert.equal(error.type, 'invalid_request_error');
  assert.match(error.message, /not valid JSON/);
  const missing = await postChat(mock.url, { model: 'm' });
  assert.equal(missing.status, 400);
  assert.equal(JSON.parse(missing.text).error.param, 'messages');
  const badMax = await postChat(mock.url, { messages: [{ role: 'user', content: 'x' }], max_tokens: -1 });
  assert.equal(badMax.status, 400);
  assert.equal(JSON.parse(badMax.text).error.param, 'max_tokens');
});

test('unknown routes answer 404 JSON; wrong method 405', async () => {
  const res = await httpRequest(mock.url + '/v2/nothing', 'GET');
  assert.equal(res.status, 404);
  assert.equal(JSON.parse(res.text).error.code, 'not_found');
  const wrong = await httpRequest(mock.url + '/v1/chat/completions', 'GET');
  assert.equal(wrong.status, 405);
});

test('/v1/models lists the profile model', async () => {
  const res = await httpRequest(mock.url + '/v1/models', 'GET');
  assert.equal(res.status, 200);
  const body = JSON.parse(res.text);
  assert.equal(body.object, 'list');
  assert.equal(body.data[0].id, mock.profile.model);
  assert.equal(body.data[0].object, 'model');
});

test('a prompt longer than the context answers 400 context_length_exceeded', async () => {
  const small = await startMockServer({ port: 0, profile: 'instant', overrides: { maxModelLen: 100 } });
  try {
    const res = await postChat(small.url, userPrompt('x'.repeat(400), 10));
    assert.equal(res.status, 400);
    assert.equal(JSON.parse(res.text).error.code, 'context_length_exceeded');
  } finally {
    await small.close();
  }
});

test('output lengths are seeded: the same seed gives the same answers', async () => {
  const lengths = async (seed: number): Promise<number[]> => {
    const server = await startMockServer({ port: 0, profile: 'instant', seed, overrides: { fullLengthShare: 0.3 } });
    try {
      const out: number[] = [];
      for (let i = 0; i < 8; i++) out.push(JSON.parse((await postChat(server.url, userPrompt('q', 50))).text).usage.completion_tokens);
      return out;
    } finally {
      await server.close();
    }
  };
  const a = await lengths(3);
  assert.deepEqual(await lengths(3), a);
  assert.notDeepEqual(await lengths(4), a);
  assert.ok(a.every((n) => n >= 13 && n <= 50));
  assert.ok(a.some((n) => n < 50), 'some answers stop early');
});
