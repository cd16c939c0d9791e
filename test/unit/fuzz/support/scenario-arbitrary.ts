// Generated scenario files: structured scenarios whose every number, duration, rate, name and
// selector is drawn from valid values and hostile ones (overflowing durations, tiny time scales,
// a billion users, control bytes, `${` runs, catastrophic regexes), serialized as YAML and
// sometimes mutated with raw YAML fragments (deep nesting, alias cycles, BOMs, NULs).
import fc from 'fast-check';
import { stringify } from 'yaml';

/** Mostly the first (valid values), sometimes the second (hostile ones). */
const mostly = <T, U>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<U>) => fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: hostile, weight: 1 });

const durations = mostly(
  fc.constantFrom('1s', '250ms', '2s', '500ms', '30s'),
  fc.oneof(
    fc.constantFrom('600h', '99999999999h', '0s', '0ms', '8761h', '49h', '25h', '1ms', '0.0001ms', '1h30m'),
    fc.tuple(fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom('ms', 's', 'm', 'h')).map(([n, u]) => `${n}${u}`),
  ),
);
const rates = mostly(
  fc.constantFrom('2/s', '5/s', '120/m', '0.5/s', 3),
  fc.oneof(fc.constantFrom('1000000/s', '1000001/s', '0.000001/s', '100000x', '1e9/s', 1e308, -1, 'fast', '5/d', 0, '10x'), fc.double({ min: 0, max: 2e6, noNaN: true })),
);
const users = mostly(fc.constantFrom(1, 2, 5), fc.oneof(fc.constantFrom(1_000_000_000, 100_001, -5, 1.5, '1000000x', '3x'), fc.integer({ min: 0, max: 200_000 })));
const timeScales = mostly(fc.constantFrom(1, 60, 10, 0.5), fc.oneof(fc.constantFrom(1e-300, 1e300, 0, -1, 0.0009, 100_001, 0.001, 100_000), fc.double({ min: 1e-6, max: 1e6, noNaN: true })));
const hostileText = mostly(
  fc.stringMatching(/^[a-z][a-z -]{0,12}$/),
  fc.oneof(
    fc.constantFrom('evil\u001b[2J\u001b]0;owned\u0007', 'tab\tcr\rnul-ish\u0008', '${', '${env:X}', '${secret:K}', '&<\'">', '\ufeffbom', 'a'.repeat(500)),
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc.string({ maxLength: 20 }),
  ),
);
const selectors = mostly(fc.constantFrom('up', 'vllm:num_requests_waiting'), fc.constantFrom('up', 'vllm:num_requests_waiting', 'm{a=~"(a+)+$"}', 'm{a!~"(x+x+)+y"}', 'm{a=~"["}', 'm{a="b",c!="d"}', 'm{', '{}'));
const thresholdTexts = mostly(fc.constantFrom('ttft.p95 < 5s', 'errors.rate < 50%', 'requests.unfinished == 0'), fc.constantFrom('ttft.p95 < 5s', 'errors.rate < 50%', 'requests.unfinished == 0', 'cost.total < $1', 'nope.p95 < 1s', 'ttft.p95 =< 1s', 'e2e.p99 < ${env:X}', 'queue.depth.max < 10'));

const openStage = fc.record({ name: hostileText, for: durations, rate: rates, rampTo: rates }, { requiredKeys: ['for', 'rate'] });
const closedStage = fc.record({ name: hostileText, for: durations, users }, { requiredKeys: ['for', 'users'] });

const provider = mostly(
  fc.constant({ id: 'mock', type: 'mock', profile: 'instant' }),
  fc.oneof(fc.record({ id: fc.constant('mock'), type: fc.constant('mock'), profile: fc.constantFrom('instant', 'small-gpu', 'nope'), overrides: fc.option(fc.dictionary(fc.constantFrom('batchSlots', 'kvCacheTokens', 'slots', 'prefixCache', 'decodeStepBaseMs'), fc.oneof(fc.integer({ min: -5, max: 100 }), fc.boolean(), fc.constant(1e308))), { nil: undefined }) }, { requiredKeys: ['id', 'type'] }),
  fc.record({ id: fc.constant('api'), type: fc.constant('openai'), baseUrl: fc.constantFrom('http://127.0.0.1:9/v1', '${secret:URL}', '${env:BASE}', 'not a url', 'ftp://x'), model: fc.constant('m'), apiKey: fc.constantFrom('${secret:KEY}', 'sk-literal', '${secret:'), headers: fc.option(fc.dictionary(fc.constantFrom('x-api-key', 'authorization', 'x-team'), hostileText), { nil: undefined }) }, { requiredKeys: ['id', 'type'] })),
);

/** A scenario as a value: mostly the right shape, with hostile values in it. */
export const scenarioValue = fc.record(
  {
    name: hostileText,
    providers: fc.array(provider, { minLength: 1, maxLength: 1 }),
    workload: fc.record({
      stream: fc.boolean(),
      mix: fc.array(
        fc.record(
          {
            name: hostileText,
            weight: mostly(fc.constant(1), fc.double({ min: -1, max: 1e7, noNaN: true })),
            promptTokens: mostly(fc.constant(20), fc.integer({ min: -1, max: 3_000_000 })),
            maxTokens: mostly(fc.constant(5), fc.integer({ min: 0, max: 3_000_000 })),
            system: hostileText,
          },
          { requiredKeys: ['name'] },
        ),
        { minLength: 1, maxLength: 3 },
      ),
    }),
    load: fc.oneof(
      { weight: 6, arbitrary: fc.record({ model: fc.constant('open'), timeScale: timeScales, maxInFlight: mostly(fc.constant(100), fc.integer({ min: -1, max: 200_000 })), stages: mostly(fc.array(openStage, { minLength: 1, maxLength: 4 }), fc.constant(Array.from({ length: 250 }, () => ({ for: '1ms', rate: '1/s' })))) }, { requiredKeys: ['stages'] }) },
      { weight: 3, arbitrary: fc.record({ model: fc.constant('closed'), timeScale: timeScales, stages: fc.array(closedStage, { minLength: 1, maxLength: 3 }) }) },
      { weight: 1, arbitrary: fc.record({ model: fc.constant('breaking-point'), search: fc.record({ from: rates, to: rates, step: rates, hold: durations }) }) },
    ),
    resilience: fc.record({ timeouts: fc.record({ ttft: durations, total: durations }, { requiredKeys: [] }), retries: fc.record({ max: fc.integer({ min: -1, max: 25 }), base: durations }, { requiredKeys: [] }) }, { requiredKeys: [] }),
    monitors: fc.array(fc.record({ url: fc.constantFrom('http://127.0.0.1:9/metrics', '${env:M}'), series: fc.dictionary(fc.constantFrom('queueDepth', 'running', 'bad name'), selectors, { minKeys: 1, maxKeys: 2 }) }), { maxLength: 2 }),
    thresholds: fc.array(thresholdTexts, { maxLength: 4 }),
  },
  { requiredKeys: ['name', 'workload', 'load'] },
);

/** Raw YAML fragments that attack the parser rather than the schema. */
const fragments = fc.constantFrom(
  '\n' + '- '.repeat(5000) + 'x\n',
  '\nx: ' + '['.repeat(3000) + ']'.repeat(3000) + '\n',
  '\nloop: &w\n  mix: [*w]\n',
  '\nundefined: *nope\n',
  '\nl0: &a0 [1,1,1,1,1,1,1,1,1,1]\nl1: &a1 [*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0]\nl2: [*a1,*a1,*a1,*a1,*a1,*a1,*a1,*a1,*a1,*a1]\n',
  '\u0000',
  '\ufeff',
  '\t',
  '\n---\nname: second\n',
  `\nk: "${'${'.repeat(20_000)}"\n`,
  '\n  : :\n',
);

/** Scenario text: a generated scenario as YAML, sometimes with a fragment spliced in. */
export const scenarioText = fc
  .tuple(scenarioValue, fc.option(fc.tuple(fragments, fc.nat()), { freq: 6, nil: undefined }))
  .map(([value, splice]) => {
    const text = stringify(value, { lineWidth: 0 });
    if (!splice) return text;
    const [fragment, at] = splice;
    const i = at % (text.length + 1);
    return text.slice(0, i) + fragment + text.slice(i);
  });
