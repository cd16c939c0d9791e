// The preflight before a run: a plan that may need more connections than the process can open
// (file descriptors, ephemeral ports) starts with a warning that gives the numbers; one that is
// certain to need more does not start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectionPreflight } from '../../../src/runner/preflight';
import { parseFdLimit, parsePortRange, type ClientCapacity } from '../../../src/runner/client-capacity';
import { makePlan } from './support/plan-fixture';

const capacity = (o: Partial<ClientCapacity>): ClientCapacity => ({ fdLimit: 1024, fdsOpen: 40, fileMax: null, portRange: { low: 32768, high: 60999 }, ...o });
const remote = [{ index: 0, origin: 'http://127.0.0.1:9', embedded: false }];

test('closed users with think time above the file limit: a warning with the users, the limit, the open descriptors and the ulimit to set', () => {
  const plan = makePlan({ model: 'closed', segments: [{ from: 3000, ms: 1000 }], thinkMs: [100, 200], provider: { maxConnections: 3000 } });
  const r = connectionPreflight(plan, remote, capacity({}));
  assert.equal(r.refusal, null);
  assert.equal(r.warnings.length, 1, r.warnings.join('\n'));
  assert.match(r.warnings[0], /^preflight: the plan may open up to 3,000 file descriptors of connections \(3,000 users; providers\[\]\.maxConnections 3,000\), but this process may open 1,024 files \(ulimit -n\), 40 are open and about 64 are kept for other work\. Past that, connections fail with EMFILE .* raise the limit \(ulimit -n 3,104\)/);
});

test('closed users without think time above the file limit or the port range: the run is refused with the numbers', () => {
  const plan = makePlan({ model: 'closed', segments: [{ from: 3000, ms: 1000 }], provider: { maxConnections: 5000 } });
  const fds = connectionPreflight(plan, remote, capacity({}));
  assert.match(fds.refusal ?? '', /^load: the plan needs more connections than this process can open — the plan keeps 3,000 connections open at once \(3,000 users with no think time\), which takes 3,000 file descriptors, but this process may open 1,024 files/);
  const ports = connectionPreflight(plan, remote, capacity({ fdLimit: 100_000, portRange: { low: 60000, high: 60999 } }));
  assert.match(ports.refusal ?? '', /the plan keeps 3,000 connections to http:\/\/127\.0\.0\.1:9 open at once .* net\.ipv4\.ip_local_port_range 60000–60999 gives 1,000 local ports per destination/);
});

test('a plan within the limits, or limits that cannot be read (not Linux), says nothing', () => {
  const plan = makePlan({ model: 'closed', segments: [{ from: 200, ms: 1000 }], provider: { maxConnections: 200 } });
  assert.deepEqual(connectionPreflight(plan, remote, capacity({})), { warnings: [], refusal: null });
  // One of ten Artillery workers runs a tenth of 3,000 users: within the limit.
  const shared = makePlan({ model: 'closed', segments: [{ from: 3000, ms: 1000 }], provider: { maxConnections: 3000 } });
  shared.load.share = { workers: 10, index: 0 };
  assert.deepEqual(connectionPreflight(shared, remote, capacity({})), { warnings: [], refusal: null });
  const big = makePlan({ model: 'closed', segments: [{ from: 50_000, ms: 1000 }], provider: { maxConnections: 50_000 } });
  assert.deepEqual(connectionPreflight(big, remote, { fdLimit: null, fdsOpen: null, fileMax: null, portRange: null }), { warnings: [], refusal: null });
});

test('the limits are read from /proc text', () => {
  assert.equal(parseFdLimit('Limit                     Soft Limit           Hard Limit           Units\nMax open files            20000                20000                files\n'), 20000);
  assert.equal(parseFdLimit('Max open files            unlimited            unlimited            files\n'), Number.MAX_SAFE_INTEGER);
  assert.equal(parseFdLimit(null), null);
  assert.deepEqual(parsePortRange('32768\t60999\n'), { low: 32768, high: 60999 });
  assert.equal(parsePortRange('garbage'), null);
});
