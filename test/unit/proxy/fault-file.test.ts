import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAULT_FILE_EXAMPLE, parseFaultFile } from '../../../src/mock/fault-file';

function errorsOf(text: string): string[] {
  const result = parseFaultFile(text, 'faults.yaml');
  assert.equal(result.ok, false, 'expected errors');
  return result.ok ? [] : result.errors;
}

test('a fault file resolves every kind with defaults and run-clock windows', () => {
  const result = parseFaultFile(FAULT_FILE_EXAMPLE + '\n  - { kind: outage, at: 3m, for: 1s, mode: refuse }\n', 'faults.yaml');
  assert.ok(result.ok, result.ok ? '' : result.errors.join('\n'));
  assert.deepEqual(result.faults, [
    { kind: 'outage', startMs: 10_000, endMs: 30_000, mode: 'status', status: 503 },
    { kind: 'error-rate', startMs: 40_000, endMs: 60_000, rate: 0.2, status: 500 },
    { kind: 'latency', startMs: 60_000, endMs: 90_000, addMs: 2000 },
    { kind: 'rate-limit', startMs: 90_000, endMs: 120_000, rpm: 30 },
    { kind: 'slow-stream', startMs: 120_000, endMs: 150_000, tokensPerSecond: 5 },
    { kind: 'outage', startMs: 180_000, endMs: 181_000, mode: 'refuse', status: 503 },
  ]);
});

test('mistakes are reported as file:line:col with the field path', () => {
  const errors = errorsOf(
    [
      'faults:',
      '  - kind: outage',
      '    at: 10',
      '    for: 5s',
      '  - kind: latency',
      '    at: 1s',
      '    for: 2s',
      '    rate: 10%',
      '  - kind: error-rate',
      '    at: 1s',
      '    for: 2s',
      '    rate: 150',
      '  - kind: meltdown',
      '    at: 1s',
      '    for: 1s',
      '  - kind: outage',
      '    at: 1s',
      '    for: 1s',
      '    mode: sometimes',
      '    status: 200',
      '',
    ].join('\n'),
  );
  assert.deepEqual(errors, [
    "faults.yaml:3:9: faults[0].at: duration '10' has no unit: write 10s or 10ms",
    "faults.yaml:8:5: faults[1].rate: 'rate' does not apply to kind latency; its fields are kind, at, for, add",
    "faults.yaml:5:5: faults[1]: 'add' is required (a duration such as 10s)",
    'faults.yaml:12:11: faults[2].rate: fraction must be between 0 and 1, got 150',
    'faults.yaml:13:11: faults[3].kind: unknown kind "meltdown": expected one of outage, error-rate, latency, rate-limit, slow-stream',
    'faults.yaml:19:11: faults[4].mode: expected status or refuse, got "sometimes"',
    'faults.yaml:20:13: faults[4].status: expected an HTTP error status from 400 to 599, got 200',
  ]);
});

test('file-level mistakes: YAML syntax, empty file, wrong shape, unknown top-level field', () => {
  assert.match(errorsOf('faults: [ { kind: outage\n')[0]!, /^faults\.yaml:\d+:\d+: YAML syntax/);
  assert.match(errorsOf('')[0]!, /^faults\.yaml:1:1: the file is empty/);
  assert.deepEqual(errorsOf('faults: outage\n'), ["faults.yaml:1:9: faults: 'faults' must be a list of fault windows"]);
  assert.deepEqual(errorsOf('faults: []\nfault: []\n'), ["faults.yaml:2:1: fault: unknown field 'fault'; the file holds only 'faults'"]);
  assert.deepEqual(errorsOf('faults:\n  - { kind: rate-limit, at: 1s, for: 1s }\n'), ["faults.yaml:2:5: faults[0]: kind rate-limit needs 'rpm', 'tpm' or both"]);
  assert.deepEqual(errorsOf('faults:\n  - { kind: latency, at: 1s, for: 0s, add: 1s }\n'), ['faults.yaml:2:35: faults[0].for: the window must last longer than 0s']);
});
