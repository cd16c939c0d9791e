// The load multiplier slider is logarithmic: the same drag doubles or halves the load anywhere
// on it, which is how one hunts for a breaking point. Range as in src/protocol/panel-messages.ts
// (MULTIPLIER_MIN / MULTIPLIER_MAX; the webview may not import values from there).
export const MULTIPLIER_MIN = 0.1;
export const MULTIPLIER_MAX = 10;
/** Slider positions run from -SLIDER_STEPS (MIN) through 0 (1×) to +SLIDER_STEPS (MAX). */
export const SLIDER_STEPS = 100;

export function multiplierFromSlider(position: number): number {
  const clamped = Math.max(-SLIDER_STEPS, Math.min(SLIDER_STEPS, position));
  const value = Math.pow(MULTIPLIER_MAX, clamped / SLIDER_STEPS);
  return Math.round(value * 100) / 100;
}

export function sliderFromMultiplier(value: number): number {
  const clamped = Math.max(MULTIPLIER_MIN, Math.min(MULTIPLIER_MAX, value));
  return Math.round((Math.log(clamped) / Math.log(MULTIPLIER_MAX)) * SLIDER_STEPS);
}
