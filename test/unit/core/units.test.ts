import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DURATION_PATTERN,
  MULTIPLE_PATTERN,
  PERCENT_PATTERN,
  RANGE_PATTERN,
  RATE_PATTERN,
  USD_PATTERN,
  parseDuration,
  parseFraction,
  parseMultiple,
  parseRange,
  parseRate,
  parseUsd,
  parseUsers,
} from '../../../src/core/units';
import { scenarioSchema } from '../../../src/core/scenario-schema';

const ok = <T>(result: { ok: true; value: T } | { ok: false; message: string }): T => {
  assert.ok(result.ok, result.ok ? '' : result.message);
  return result.value;
};
const failure = (result: { ok: boolean; message?: string }): string => {
  assert.equal(result.ok, false);
  return result.message ?? '';
};

test('durations parse to milliseconds', () => {
  assert.equal(ok(parseDuration('250ms')), 250);
  assert.equal(ok(parseDuration('1.5s')), 1500);
  assert.equal(ok(parseDuration('5m')), 300_000);
  assert.equal(ok(parseDuration('1h')), 3_600_000);
  assert.equal(ok(parseDuration('1h30m')), 5_400_000);
  assert.equal(ok(parseDuration('2m30s')), 150_000);
  assert.equal(ok(parseDuration('0s')), 0);
  assert.equal(ok(parseDuration(' 10s ')), 10_000);
});

test('bad durations say what to write', () => {
  assert.match(failure(parseDuration('30')), /no unit: write 30s/);
  assert.match(failure(parseDuration('30 sec')), /invalid duration '30 sec'/);
  assert.match(failure(parseDuration('1d')), /expected a duration/);
  assert.match(failure(parseDuration('')), /empty duration/);
  assert.match(failure(parseDuration('-5s')), /invalid duration/);
});

test('rates parse to arrivals per second, multiples stay multiples', () => {
  assert.deepEqual(ok(parseRate('2/s')), { kind: 'absolute', perSecond: 2 });
  assert.deepEqual(ok(parseRate('120/m')), { kind: 'absolute', perSecond: 2 });
  assert.deepEqual(ok(parseRate('3600/h')), { kind: 'absolute', perSecond: 1 });
  assert.deepEqual(ok(parseRate('0.5/s')), { kind: 'absolute', perSecond: 0.5 });
  assert.deepEqual(ok(parseRate(7)), { kind: 'absolute', perSecond: 7 });
  assert.deepEqual(ok(parseRate('10x')), { kind: 'multiple', factor: 10 });
  assert.deepEqual(ok(parseRate('0.5x')), { kind: 'multiple', factor: 0.5 });
  assert.match(failure(parseRate('3/q')), /unit 'q' is not s, m or h/);
  assert.match(failure(parseRate('fast')), /expected a rate/);
  assert.match(failure(parseRate(-1)), />= 0/);
});

test('users and multiples', () => {
  assert.deepEqual(ok(parseUsers(10)), { kind: 'absolute', users: 10 });
  assert.deepEqual(ok(parseUsers('3x')), { kind: 'multiple', factor: 3 });
  assert.match(failure(parseUsers(2.5)), /whole number/);
  assert.equal(ok(parseMultiple('30x')), 30);
  assert.match(failure(parseMultiple('30')), /expected e.g. 10x/);
});

test('time ranges', () => {
  assert.deepEqual(ok(parseRange('1s..2s')), { minMs: 1000, maxMs: 2000 });
  assert.deepEqual(ok(parseRange('500ms .. 1.5s')), { minMs: 500, maxMs: 1500 });
  assert.deepEqual(ok(parseRange('2s')), { minMs: 2000, maxMs: 2000 });
  assert.match(failure(parseRange('3s..1s')), /end is before the start/);
  assert.match(failure(parseRange('1s..2')), /range end: duration '2' has no unit/);
  assert.match(failure(parseRange('1s..2s..3s')), /expected e.g. 1s..2s/);
});

test('fractions and dollar amounts', () => {
  assert.equal(ok(parseFraction('10%')), 0.1);
  assert.equal(ok(parseFraction(0.25)), 0.25);
  assert.match(failure(parseFraction(5)), /did you mean 5%\?/);
  assert.match(failure(parseFraction('150%')), /above 100%/);
  assert.equal(ok(parseUsd('$5')), 5);
  assert.equal(ok(parseUsd('$0.25')), 0.25);
  assert.equal(ok(parseUsd(20)), 20);
  assert.match(failure(parseUsd('5 dollars')), /expected e.g. \$5/);
});

test('the schema uses the same patterns as the parsers', () => {
  const defs = scenarioSchema.definitions ?? {};
  assert.equal(defs.duration.pattern, DURATION_PATTERN);
  assert.equal(defs.durationRange.pattern, RANGE_PATTERN);
  assert.equal(defs.rate.pattern, RATE_PATTERN);
  assert.equal(defs.level.pattern, RATE_PATTERN);
  assert.equal(defs.users.pattern, MULTIPLE_PATTERN);
  assert.equal(defs.fraction.pattern, PERCENT_PATTERN);
  assert.equal(defs.usd.pattern, USD_PATTERN);
});
