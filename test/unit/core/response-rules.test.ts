import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateJsonPointer, parseJsonPointer } from '../../../src/core/json-pointer';
import { parseExtractRule } from '../../../src/core/extract-rule';
import { parseMetricSelector, selectorMatches } from '../../../src/core/metric-selector';
import { parseThresholdExpression } from '../../../src/core/threshold-expression';
import { findMetric } from '../../../vocabulary/metric-catalog';

test('JSON Pointers: escapes decoded, bad escapes and missing slash located', () => {
  assert.deepEqual(parseJsonPointer(''), { ok: true, tokens: [] });
  assert.deepEqual(parseJsonPointer('/a~1b/~0c/0'), { ok: true, tokens: ['a/b', '~c', '0'] });
  assert.deepEqual(parseJsonPointer('usage'), { ok: false, message: "a JSON Pointer starts with '/', e.g. /usage/total_tokens — got 'usage'", start: 0, end: 1 });
  const bad = parseJsonPointer('/usage/~2x');
  assert.equal(bad.ok, false);
  assert.deepEqual(bad.ok ? null : [bad.start, bad.end], [7, 9]);
  assert.equal(parseJsonPointer('/a~').ok, false);
});

test('JSON Pointers evaluate against documents, arrays by index only', () => {
  const doc = { usage: { total_tokens: 12 }, choices: [{ delta: { content: 'hi' } }], 'a/b': 1 };
  const get = (pointer: string) => {
    const parsed = parseJsonPointer(pointer);
    assert.ok(parsed.ok);
    return evaluateJsonPointer(doc, parsed.tokens);
  };
  assert.equal(get('/usage/total_tokens'), 12);
  assert.equal(get('/choices/0/delta/content'), 'hi');
  assert.equal(get('/a~1b'), 1);
  assert.equal(get('/choices/01'), undefined);
  assert.equal(get('/choices/-'), undefined);
  assert.equal(get('/missing/x'), undefined);
  assert.equal(get('/toString'), undefined, 'inherited properties are not found');
  assert.equal(get(''), doc);
});

test('extraction rules: header names lower-cased, pointers checked, other forms refused with a range', () => {
  assert.deepEqual(parseExtractRule('header:X-Cost-USD'), { ok: true, rule: { source: 'header', name: 'x-cost-usd' } });
  assert.deepEqual(parseExtractRule('json:/usage/completion_tokens'), { ok: true, rule: { source: 'json', pointer: '/usage/completion_tokens', tokens: ['usage', 'completion_tokens'] } });
  const cases: Array<[string, number, number]> = [
    ['hdr:x-cost', 0, 3],
    ['x-cost', 0, 6],
    ['header:', 7, 8],
    ['header:x cost', 7, 13],
    ['json:', 4, 5],
    ['json:usage', 5, 6],
    ['json:/a/~x', 8, 10],
  ];
  for (const [text, start, end] of cases) {
    const parsed = parseExtractRule(text);
    assert.equal(parsed.ok, false, text);
    assert.deepEqual(parsed.ok ? null : [parsed.start, parsed.end], [start, end], text);
  }
});

test('metric selectors: names, all four matchers, quotes and escapes', () => {
  assert.deepEqual(parseMetricSelector('vllm:num_requests_running'), { ok: true, selector: { metric: 'vllm:num_requests_running', matchers: [] } });
  assert.deepEqual(parseMetricSelector(' up{ job = "api" , code!="500",path=~"/v1/.*", model!~\'x\\"y\' } '), {
    ok: true,
    selector: {
      metric: 'up',
      matchers: [
        { label: 'job', op: '=', value: 'api' },
        { label: 'code', op: '!=', value: '500' },
        { label: 'path', op: '=~', value: '/v1/.*' },
        { label: 'model', op: '!~', value: 'x"y' },
      ],
    },
  });
  assert.deepEqual(parseMetricSelector('m{}'), { ok: true, selector: { metric: 'm', matchers: [] } });
  assert.deepEqual(parseMetricSelector('m{a="1",}'), { ok: true, selector: { metric: 'm', matchers: [{ label: 'a', op: '=', value: '1' }] } });
});

test('metric selectors: each mistake is placed at its character', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['', 0, /empty selector/],
    ['9lives', 0, /starts with a letter/],
    ['m{a=b}', 4, /must be quoted/],
    ['m{a~"b"}', 3, /expected an operator/],
    ['m{a="b"', 6, /missing '}'/],
    ['m{a="b}', 4, /unterminated string/],
    ['m{a="b" c="d"}', 8, /expected ',' or '}'/],
    ['m{1a="b"}', 2, /expected a label name/],
    ['m{a=~"("}', 5, /invalid regular expression/],
    ['m x', 2, /unexpected 'x'/],
  ];
  for (const [text, start, message] of cases) {
    const parsed = parseMetricSelector(text);
    assert.equal(parsed.ok, false, text);
    if (!parsed.ok) {
      assert.equal(parsed.start, start, text);
      assert.match(parsed.message, message, text);
      assert.ok(parsed.end > parsed.start);
    }
  }
});

test('thresholds on the failure-mode metrics parse in their units', () => {
  const value = (text: string) => {
    const parsed = parseThresholdExpression(text);
    assert.ok(parsed.ok, text);
    return [parsed.expression.metric, parsed.expression.value, parsed.expression.unit];
  };
  assert.deepEqual(value('agent.steps.p95 <= 6'), ['agent.steps.p95', 6, 'count']);
  assert.deepEqual(value('agent.steps.growth < 1.5'), ['agent.steps.growth', 1.5, 'ratio']);
  assert.deepEqual(value('failover.time < 5s'), ['failover.time', 5000, 'ms']);
  assert.deepEqual(value('failback.time < 1m'), ['failback.time', 60_000, 'ms']);
  assert.deepEqual(value('degradation.share < 10%'), ['degradation.share', 0.1, 'fraction']);
  assert.deepEqual(value('kvCache.usage.max < 0.9'), ['kvCache.usage.max', 0.9, 'fraction']);
  assert.deepEqual(value('cancellations.leaked == 0'), ['cancellations.leaked', 0, 'count']);
  for (const key of ['cost.perRequest.growth', 'ttft.growth', 'queue.depth.max', 'degradation.maxLevel', 'cache.hitRate']) assert.ok(findMetric(key), key);
  const unit = parseThresholdExpression('agent.steps.p95 < 2s');
  assert.equal(unit.ok ? '' : unit.code, 'threshold-unit');
  const stat = parseThresholdExpression('agent.steps < 5');
  assert.equal(stat.ok ? '' : stat.code, 'threshold-stat');
  const growth = parseThresholdExpression('ttft.growht < 2');
  assert.ok(!growth.ok && /did you mean 'growth'/.test(growth.message));
});

test('a selector matches samples as PromQL does: anchored regexes, a missing label is empty', () => {
  const parsed = parseMetricSelector('vllm:num_requests_running{model_name=~"llama.*",engine!="1",zone=""}');
  assert.ok(parsed.ok);
  const { selector } = parsed;
  assert.equal(selectorMatches(selector, 'vllm:num_requests_running', { model_name: 'llama-8b', engine: '0' }), true);
  assert.equal(selectorMatches(selector, 'vllm:num_requests_running', { model_name: 'my-llama', engine: '0' }), false);
  assert.equal(selectorMatches(selector, 'vllm:num_requests_running', { model_name: 'llama', engine: '1' }), false);
  assert.equal(selectorMatches(selector, 'vllm:num_requests_running', { model_name: 'llama', zone: 'eu' }), false);
  assert.equal(selectorMatches(selector, 'vllm:num_requests_waiting', { model_name: 'llama' }), false);
});
