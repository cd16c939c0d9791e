import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startMockServer } from '../../../src/mock/mock-server';
import { TEMPLATE_ANSWER } from '../../../src/mock/answer-body';
import { httpRequest, postChat, streamChat, userPrompt, waitFor } from './mock-client';

test('degradation levels follow the waiting queue past each mark', async () => {
  const mock = await startMockServer({
    port: 0,
    profile: 'small-gpu',
    overrides: { batchSlots: 1, queueCapacity: 20, decodeStepBaseMs: 10, decodeStepPerSeqMs: 0, fullLengthShare: 1, prefixCache: false },
    behaviour: { faults: [], degradation: { queueMarks: [1, 2, 3] } },
  });
  try {
    // One long answer holds the only slot; each later request sees one more waiting than the last.
    const blocker = streamChat(mock.url, userPrompt('hold the slot', 100));
    assert.ok(await waitFor(() => mock.counters().running === 1));
    const pending = [];
    for (let waiting = 0; waiting < 4; waiting++) {
      pending.push(postChat(mock.url, userPrompt(`request ${waiting}`, 8)));
      assert.ok(await waitFor(() => mock.counters().waiting === waiting + 1), `queued ${waiting + 1}`);
    }
    const refused = await postChat(mock.url, userPrompt('too late', 8));
    const [l0a, l0b, l1, l2] = await Promise.all(pending);
    const first = await blocker;
    assert.equal(first.headers['x-degradation-level'], '0');

    for (const res of [l0a!, l0b!]) {
      assert.equal(res.headers['x-degradation-level'], '0');
      assert.equal(JSON.parse(res.text).model, 'test-model');
    }
    assert.equal(l1!.headers['x-degradation-level'], '1');
    const cheaper = JSON.parse(l1!.text);
    assert.equal(cheaper.model, 'test-model-mini');
    assert.equal(cheaper.usage.completion_tokens, 8);

    assert.equal(l2!.headers['x-degradation-level'], '2');
    const template = JSON.parse(l2!.text);
    assert.equal(template.choices[0].message.content, TEMPLATE_ANSWER.slice(0, 32), 'the template, cut to max_tokens');

    assert.equal(refused.status, 503);
    assert.equal(refused.headers['x-degradation-level'], '3');
    assert.equal(JSON.parse(refused.text).error.code, 'degraded');
    assert.deepEqual(mock.counters().degraded, [1, 1, 1]);
    const metrics = (await httpRequest(mock.url + '/metrics', 'GET')).text;
    assert.match(metrics, /^mock_degraded_responses_total\{model_name="[^"]+",level="3"\} 1\.0$/m);
  } finally {
    await mock.close();
  }
});

test('a degraded model name from the profile replaces the -mini suffix', async () => {
  const mock = await startMockServer({
    port: 0,
    profile: 'small-gpu',
    overrides: { batchSlots: 1, decodeStepBaseMs: 10, decodeStepPerSeqMs: 0, fullLengthShare: 1, degradedModel: 'cheap-1b' },
    behaviour: { faults: [], degradation: { queueMarks: [0, 10, 20] } },
  });
  try {
    const blocker = postChat(mock.url, userPrompt('hold', 100));
    assert.ok(await waitFor(() => mock.counters().running === 1));
    const first = postChat(mock.url, userPrompt('queued', 4));
    assert.ok(await waitFor(() => mock.counters().waiting === 1));
    const second = await postChat(mock.url, userPrompt('degraded', 4));
    assert.equal(JSON.parse(second.text).model, 'cheap-1b');
    assert.equal((await first).headers['x-degradation-level'], '0');
    await blocker;
  } finally {
    await mock.close();
  }
});

test('errors carry the degradation level too', async () => {
  const mock = await startMockServer({ port: 0, profile: 'instant', behaviour: { faults: [], degradation: { queueMarks: [1, 2, 3] } } });
  try {
    const bad = await postChat(mock.url, '{"messages": []}');
    assert.equal(bad.status, 400);
    assert.equal(bad.headers['x-degradation-level'], '0');
  } finally {
    await mock.close();
  }
});
