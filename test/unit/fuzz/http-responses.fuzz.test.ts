// Fuzz: short in-process runs against a server that answers with generated responses — valid
// streams and bodies, garbage SSE, streams without content, over-long lines, binary bodies, error
// statuses with odd retry-after values, resets and silence. Invariants: a response that is not a
// valid answer is never counted ok (so a run of them never passes), the summary is plain JSON,
// memory stays bounded, and a stop ends the run with little work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ServerResponse } from 'node:http';
import { makePlan } from '../runner/support/plan-fixture';
import { startCollecting } from '../runner/support/collect-run';
import { startScriptedServer } from '../runner/support/scripted-server';
import { cpuTimeOf, fuzzParameters, MAX_RSS_BYTES } from './support/fuzz-config';

type Kind = 'stream-ok' | 'json-ok' | 'bom-stream' | 'garbage-sse' | 'empty-sse' | 'no-data' | 'huge-line' | 'status' | 'json-garbage' | 'binary' | 'never' | 'reset';
const VALID: ReadonlySet<Kind> = new Set(['stream-ok', 'json-ok', 'bom-stream']);

interface Spec {
  kind: Kind;
  status: number;
  retryAfter: string | null;
  tokens: number;
  bytes: number[];
}

const spec: fc.Arbitrary<Spec> = fc.record({
  kind: fc.constantFrom<Kind>('stream-ok', 'json-ok', 'bom-stream', 'garbage-sse', 'empty-sse', 'no-data', 'huge-line', 'status', 'json-garbage', 'binary', 'never', 'reset'),
  status: fc.constantFrom(429, 500, 503, 404, 401),
  retryAfter: fc.option(fc.constantFrom('0', '1', '3600', '99999999999', 'Thu, 01 Jan 2099 00:00:00 GMT', 'soon', '-5'), { nil: null }),
  tokens: fc.integer({ min: 1, max: 5 }),
  bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 64 }),
});

const chunk = (content: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;

function answer(s: Spec, res: ServerResponse): void {
  const sse = () => res.writeHead(200, { 'content-type': 'text/event-stream' });
  switch (s.kind) {
    case 'stream-ok':
    case 'bom-stream':
      sse();
      if (s.kind === 'bom-stream') res.write(Buffer.from([0xef, 0xbb, 0xbf]));
      for (let i = 0; i < s.tokens; i++) res.write(chunk(`t${i} `));
      res.end('data: [DONE]\n\n');
      return;
    case 'json-ok':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'hello '.repeat(s.tokens) }, finish_reason: 'stop' }] }));
      return;
    case 'garbage-sse':
      sse();
      res.end('data: {not json at all\n\ndata: [DONE]\n\n');
      return;
    case 'empty-sse':
      sse();
      res.end(`data: {"choices":[{"delta":{"role":"assistant"}}]}\n\ndata: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n`);
      return;
    case 'no-data':
      sse();
      res.end('hello there\n');
      return;
    case 'huge-line':
      sse();
      res.write('data: ');
      res.end(Buffer.alloc(2 * 1024 * 1024, 'A'));
      return;
    case 'status': {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (s.retryAfter !== null) headers['retry-after'] = s.retryAfter;
      res.writeHead(s.status, headers);
      res.end('{"error":{"message":"scripted"}}');
      return;
    }
    case 'json-garbage':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('<html>not json</html>');
      return;
    case 'binary':
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.from(s.bytes));
      return;
    case 'never':
      return;
    case 'reset':
      sse();
      res.write(chunk('partial'));
      setTimeout(() => res.socket?.destroy(), 5).unref();
      return;
  }
}

test('fuzz: answers that are not valid are never ok, summaries are JSON, memory is bounded and a stop costs little', async () => {
  let cases = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(spec, { minLength: 1, maxLength: 4 }), fc.boolean(), fc.integer({ min: 0, max: 250 }), async (specs, stopEarly, stopAfterMs) => {
      cases++;
      let validSent = 0;
      const server = await startScriptedServer((_req, res, _body, n) => {
        const s = specs[n % specs.length];
        if (VALID.has(s.kind)) validSent++;
        answer(s, res);
      });
      try {
        const plan = makePlan({ baseUrl: `${server.url}/v1`, segments: [{ from: 10, ms: 300 }], ttftMs: 500, totalMs: 1000, retries: { max: 1, respectRetryAfter: true } });
        plan.thresholds = [{ id: 't0', source: 'errors.rate < 100%', metric: 'errors.rate', op: '<', value: 1, abortOnFail: false, range: { line: 1, column: 1, endLine: 1, endColumn: 1 } }];
        const { handle, result } = startCollecting(plan);
        if (stopEarly) await new Promise((r) => setTimeout(r, stopAfterMs));
        const { value: r, cpuMs } = await cpuTimeOf(async () => {
          if (stopEarly) handle.stop('stopped', 'fuzz stop');
          return result;
        });
        if (stopEarly) assert.ok(cpuMs < 1000, `stop took ${cpuMs} ms of CPU`);
        const s = r.summary;
        assert.ok(s.outcomes.ok <= validSent, `ok ${s.outcomes.ok} but only ${validSent} valid answers were sent (${specs.map((x) => x.kind).join(',')})`);
        if (validSent === 0) assert.equal(s.verdict.pass, false, s.verdict.headline);
        assert.deepEqual(JSON.parse(JSON.stringify(s)).outcomes, s.outcomes);
        assert.ok(process.memoryUsage().rss < MAX_RSS_BYTES);
      } finally {
        await server.close();
      }
    }),
    fuzzParameters(15, { timeout: 20_000 }),
  );
  process.stdout.write(`# fuzz: ${cases} runs against generated answers\n`);
  assert.ok(cases > 0);
});
