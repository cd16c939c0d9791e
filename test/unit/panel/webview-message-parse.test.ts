import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWebviewMessage } from '../../../src/extension/panel/webview-message-parse';
import { MULTIPLIER_MAX, MULTIPLIER_MIN } from '../../../src/protocol/panel-messages';
import { MULTIPLIER_MAX as VIEW_MAX, MULTIPLIER_MIN as VIEW_MIN, multiplierFromSlider, sliderFromMultiplier, SLIDER_STEPS } from '../../../webview/multiplier-scale';

test('the webview messages parse; extra fields are dropped', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'closeCompare', x: 1 }), { type: 'closeCompare' });
  assert.deepEqual(parseWebviewMessage({ type: 'ready', extra: 1 }), { type: 'ready' });
  assert.deepEqual(parseWebviewMessage({ type: 'stop' }), { type: 'stop' });
  assert.deepEqual(parseWebviewMessage({ type: 'setMultiplier', value: 2.5 }), { type: 'setMultiplier', value: 2.5 });
});

test('anything else is null', () => {
  for (const bad of [undefined, null, 0, 'stop', [], {}, { type: 'Stop' }, { type: 'setMultiplier' }, { type: 'setMultiplier', value: '2' }, { type: 'setMultiplier', value: Infinity }, { type: 'setMultiplier', value: 0 }, { type: 'setMultiplier', value: MULTIPLIER_MAX * 2 }]) {
    assert.equal(parseWebviewMessage(bad), null, JSON.stringify(bad));
  }
});

test('the slider covers exactly the range the host accepts', () => {
  assert.equal(VIEW_MIN, MULTIPLIER_MIN);
  assert.equal(VIEW_MAX, MULTIPLIER_MAX);
  assert.equal(multiplierFromSlider(-SLIDER_STEPS), MULTIPLIER_MIN);
  assert.equal(multiplierFromSlider(SLIDER_STEPS), MULTIPLIER_MAX);
  assert.equal(multiplierFromSlider(0), 1);
  assert.equal(multiplierFromSlider(30), 2);
  for (const v of [0.1, 0.5, 1, 2, 4, 10]) assert.ok(Math.abs(multiplierFromSlider(sliderFromMultiplier(v)) - v) / v < 0.03, String(v));
  for (let p = -SLIDER_STEPS; p <= SLIDER_STEPS; p += 7) assert.notEqual(parseWebviewMessage({ type: 'setMultiplier', value: multiplierFromSlider(p) }), null);
});
