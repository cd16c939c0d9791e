// Network errors the client machine caused (out of ports, descriptors, socket memory) are named as
// limits of the load tester, with the evidence and what to change; other codes are the target's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientErrorLog, clientLimitFindings, clientLimitOfCode } from '../../../src/runner/client-limits';
import { errorCodeOf } from '../../../src/runner/outcome-classifier';
import { makePlan } from './support/plan-fixture';
import type { TickPoint } from '../../../src/protocol/run-events';

const ticks = (n: number) => Array.from({ length: n }, (_, i) => ({ t: i + 1, stage: 'hold', targetLevel: 100, dropped: 0, clientWaiting: 0 }) as unknown as TickPoint);

test('EADDRNOTAVAIL is the client out of ephemeral ports, with the port range and what to change; ECONNRESET is not a client limit', () => {
  const log = new ClientErrorLog();
  for (let i = 0; i < 30; i++) log.network('EADDRNOTAVAIL', 'connect', 4200 + i, 'connect EADDRNOTAVAIL 127.0.0.1:8080');
  log.network('ECONNRESET', 'mid-stream', 5000, 'read ECONNRESET');
  const summary = log.summary();
  assert.deepEqual(summary.map((e) => [e.code, e.phase, e.count, e.clientLimit ?? null, e.firstAt]), [
    ['EADDRNOTAVAIL', 'connect', 30, 'ephemeral-ports', 4.2],
    ['ECONNRESET', 'mid-stream', 1, null, 5],
  ]);
  const findings = clientLimitFindings({ plan: makePlan({}), ticks: ticks(10), log, caps: [64], capacity: { fdLimit: 20000, fdsOpen: 30, fileMax: null, portRange: { low: 32768, high: 60999 } }, sent: 1000, dropped: 0 });
  assert.equal(findings.length, 1);
  const f = findings[0];
  assert.equal(f.kind, 'ephemeral-ports');
  assert.match(f.message, /^client out of ephemeral ports: EADDRNOTAVAIL at 4\.2 s, 30 attempts failed in Stampede before reaching the server \(net\.ipv4\.ip_local_port_range 32768–60999: 28,232 ports per destination/);
  assert.match(f.hint, /keeps connections alive.*ip_local_port_range.*tcp_tw_reuse/);
  assert.equal(f.failed, 30);
  assert.equal(f.material, true);
});

test('an error code comes from the socket error undici wraps, else from undici', () => {
  const wrapped = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET', cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
  assert.equal(errorCodeOf(wrapped), 'ECONNRESET');
  assert.equal(errorCodeOf(Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' })), 'UND_ERR_SOCKET');
  assert.equal(errorCodeOf(new Error('no code')), '');
  assert.equal(clientLimitOfCode('EMFILE'), 'file-descriptors');
  assert.equal(clientLimitOfCode('ENOBUFS'), 'socket-memory');
  assert.equal(clientLimitOfCode('ECONNREFUSED'), null);
});
