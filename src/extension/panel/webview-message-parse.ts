// Validation of what the webview posts to the host: anything that is not exactly one of the
// protocol's messages is ignored, so a compromised or stale page cannot drive the run.
import { MULTIPLIER_MAX, MULTIPLIER_MIN, type WebviewMessage } from '../../protocol/panel-messages';

export function parseWebviewMessage(x: unknown): WebviewMessage | null {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return null;
  const m = x as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'stop':
      return { type: 'stop' };
    case 'closeCompare':
      return { type: 'closeCompare' };
    case 'setMultiplier': {
      const v = m.value;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < MULTIPLIER_MIN || v > MULTIPLIER_MAX) return null;
      return { type: 'setMultiplier', value: v };
    }
    default:
      return null;
  }
}
