// Cache experiments: warm-up, A/B with the cache on and off, and a thundering-herd probe.
import type { PlanCacheExperiment } from './plan-failure-modes';
import type { ProblemSink } from './problem-sink';
import { asFields, asNumber, asStringOrNumber, has } from './read-value';
import { parseDuration, parseRate } from './units';
import type { RunClock } from './resolve-faults';

const SWITCH_KINDS = ['header', 'query', 'body'] as const;

export function resolveCacheExperiment(raw: unknown, clock: RunClock, sink: ProblemSink): PlanCacheExperiment | undefined {
  const cache = asFields(raw);
  if (!cache) return undefined;
  const plan: PlanCacheExperiment = {};

  const warmup = asFields(cache.warmup);
  if (warmup) {
    const length = typeof warmup.for === 'string' ? parseDuration(warmup.for) : undefined;
    const rateInput = asStringOrNumber(warmup.rate);
    const rate = rateInput === undefined ? undefined : parseRate(rateInput);
    if (length?.ok && length.value <= 0) sink.error('out-of-range', `a warm-up must last longer than 0`, ['cache', 'warmup', 'for']);
    if (rate?.ok && rate.value.kind === 'multiple') {
      sink.error('bad-rate', `a warm-up rate must be absolute, e.g. 5/s: it runs before the baseline is set`, ['cache', 'warmup', 'rate']);
    } else if (rate?.ok && rate.value.kind === 'absolute' && rate.value.perSecond <= 0) {
      sink.error('out-of-range', `a warm-up rate must be above 0`, ['cache', 'warmup', 'rate']);
    } else if (length?.ok && length.value > 0 && rate?.ok && rate.value.kind === 'absolute') {
      plan.warmup = { durationMs: length.value / clock.scale, rate: rate.value.perSecond };
    }
  }

  const ab = asFields(asFields(cache.ab)?.switch);
  if (ab) {
    const given = SWITCH_KINDS.filter((kind) => has(ab, kind));
    if (given.length !== 1) {
      const message = given.length === 0
        ? `the switch needs one of 'header', 'query' or 'body': the name of what turns the cache on or off`
        : `give one of 'header', 'query' or 'body', not ${given.map((k) => `'${k}'`).join(' and ')}`;
      sink.error('conflict', message, given.length === 0 ? ['cache', 'ab', 'switch'] : ['cache', 'ab', 'switch', given[1]], 'key');
    } else if (has(ab, 'on') && has(ab, 'off')) {
      const on = String(ab.on);
      const off = String(ab.off);
      if (on === off) sink.error('conflict', `'on' and 'off' are both '${on}': the two runs would be the same`, ['cache', 'ab', 'switch', 'off']);
      plan.ab = { switch: { kind: given[0], name: String(ab[given[0]]), on, off } };
    }
  }

  const herd = asFields(cache.herd);
  if (herd) {
    const at = typeof herd.at === 'string' ? parseDuration(herd.at) : undefined;
    const requests = asNumber(herd.requests);
    if (at?.ok && requests !== undefined) {
      const atMs = at.value / clock.scale;
      if (clock.durationMs > 0 && atMs >= clock.durationMs) {
        sink.warning('after-run', `the herd probe is at or after the end of the run: it will never be sent`, ['cache', 'herd', 'at']);
      }
      plan.herd = { atMs, requests };
    }
  }
  return plan;
}
