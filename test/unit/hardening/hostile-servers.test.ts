// Regression tests for issue 11's hostile servers, run in-process against scripted servers on
// 127.0.0.1: a body that is not valid for its dialect is a server_error, never ok; SSE lines and
// bodies are capped; retry-after values the run cannot honour do not turn into a burst of
// retries; references in an http body are resolved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseParser, type SseEvent } from '../../../src/runner/sse-parser';
import { httpTargetProvider, makePlan } from '../runner/support/plan-fixture';
import { runPlan } from '../runner/support/collect-run';
import { startScriptedServer } from '../runner/support/scripted-server';

function firstDetail(logs: Array<{ message: string }>): string {
  return logs.map((l) => l.message).find((m) => /^first /.test(m)) ?? '';
}

test('an OpenAI stream of "data: {not json at all" then [DONE] is a server_error, not ok with 0 tokens', async () => {
  const server = await startScriptedServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end('data: {not json at all\n\ndata: [DONE]\n\n');
  });
  try {
    const r = await runPlan(makePlan({ baseUrl: `${server.url}/v1`, segments: [{ from: 4, ms: 500 }] }));
    assert.ok(r.summary.requests.total >= 1);
    assert.equal(r.summary.outcomes.ok, 0, JSON.stringify(r.summary.outcomes));
    assert.equal(r.summary.outcomes.server_error, r.summary.requests.total);
    assert.match(firstDetail(r.logs), /first server_error: .*(not valid JSON|no content)/);
  } finally {
    await server.close();
  }
});

test('an OpenAI stream whose only content chunk is not JSON is a server_error, even when the chunk holds "content":"…"', async () => {
  // Found by the response-mutation fuzz: a stream with its line breaks removed is one event whose
  // data starts with { and holds both "content":" and "finish_reason":"stop"; a chunk cut inside
  // its JSON does the same. The fast path counted each as a token, so the answer was ok.
  const chunk = (content: string, finish: string | null) => JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: finish }] });
  const bodies = [
    `data: ${chunk('hi', null)}\n\ndata: ${chunk('', 'stop')}\n\ndata: [DONE]\n\n`.replace(/\n/g, ''),
    `data: ${chunk('hi', 'stop').replace('"index":0', '"index":0,,')}\n\ndata: [DONE]\n\n`,
  ];
  for (const body of bodies) {
    const server = await startScriptedServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(body);
    });
    try {
      const r = await runPlan(makePlan({ baseUrl: `${server.url}/v1`, segments: [{ from: 4, ms: 500 }] }));
      assert.ok(r.summary.requests.total >= 1);
      assert.equal(r.summary.outcomes.ok, 0, `${body}: ${JSON.stringify(r.summary.outcomes)}`);
      assert.match(firstDetail(r.logs), /first server_error: .*not valid JSON/);
    } finally {
      await server.close();
    }
  }
});

test('a non-streamed answer without content or choices content is a server_error', async () => {
  const server = await startScriptedServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: '' }, finish_reason: 'stop' }] }));
  });
  try {
    const r = await runPlan(makePlan({ baseUrl: `${server.url}/v1`, mix: [{ stream: false }], segments: [{ from: 4, ms: 500 }] }));
    assert.equal(r.summary.outcomes.ok, 0, JSON.stringify(r.summary.outcomes));
    assert.match(firstDetail(r.logs), /no content/);
  } finally {
    await server.close();
  }
});

test('20 MB of "data: AAAA…" to an http SSE target is a server_error at the line limit, not ok', async () => {
  const line = Buffer.alloc(64 * 1024, 'A');
  const server = await startScriptedServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: ');
    let sent = 0;
    const more = (): void => {
      while (sent < 20 * 1024 * 1024 && !res.destroyed) {
        sent += line.length;
        if (!res.write(line)) return void res.once('drain', more);
      }
      if (!res.destroyed) res.end('\n\ndata: [DONE]\n\n');
    };
    more();
  });
  try {
    const plan = makePlan({ providers: [httpTargetProvider(`${server.url}/stream`, { response: 'sse', contentPointer: '/text' })], segments: [{ from: 2, ms: 500 }] });
    const r = await runPlan(plan);
    assert.equal(r.summary.outcomes.ok, 0, JSON.stringify(r.summary.outcomes));
    assert.ok(r.summary.outcomes.server_error >= 1);
    assert.match(firstDetail(r.logs), /longer than 1 MiB/);
  } finally {
    await server.close();
  }
});

test('an http SSE target whose events carry no content is a server_error, not ok', async () => {
  const server = await startScriptedServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end('data: not json\n\ndata: [DONE]\n\n');
  });
  try {
    const plan = makePlan({ providers: [httpTargetProvider(`${server.url}/stream`, { response: 'sse', contentPointer: '/text' })], segments: [{ from: 2, ms: 500 }] });
    const r = await runPlan(plan);
    assert.equal(r.summary.outcomes.ok, 0, JSON.stringify(r.summary.outcomes));
    assert.match(firstDetail(r.logs), /no content/);
  } finally {
    await server.close();
  }
});

test('an endless SSE line with no newline ends the attempt at 1 MiB instead of growing to gigabytes', async () => {
  const block = Buffer.alloc(64 * 1024, 'B');
  let sentMax = 0;
  const server = await startScriptedServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: ');
    let sent = 0;
    // Bounded: 256 MiB at most, so the test cannot run away either.
    const more = (): void => {
      while (sent < 256 * 1024 * 1024 && !res.destroyed) {
        sent += block.length;
        sentMax = Math.max(sentMax, sent);
        if (!res.write(block)) return void res.once('drain', more);
      }
      if (!res.destroyed) res.end();
    };
    more();
  });
  try {
    const r = await runPlan(makePlan({ baseUrl: `${server.url}/v1`, segments: [{ from: 2, ms: 500 }], totalMs: 120_000, ttftMs: 120_000 }));
    assert.equal(r.summary.outcomes.ok, 0);
    assert.ok(r.summary.outcomes.server_error >= 1, JSON.stringify(r.summary.outcomes));
    assert.match(firstDetail(r.logs), /longer than 1 MiB/);
    assert.ok(sentMax < 128 * 1024 * 1024, `the client read ${sentMax} bytes before giving up`);
  } finally {
    await server.close();
  }
});

test('a non-streamed body over the body limit is a server_error', async () => {
  const server = await startScriptedServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`{"choices":[{"message":{"content":"${'x'.repeat(20 * 1024 * 1024)}"}}]}`);
  });
  try {
    const r = await runPlan(makePlan({ baseUrl: `${server.url}/v1`, mix: [{ stream: false }], segments: [{ from: 2, ms: 500 }] }));
    assert.equal(r.summary.outcomes.ok, 0, JSON.stringify(r.summary.outcomes));
    assert.match(firstDetail(r.logs), /larger than 16 MiB/);
  } finally {
    await server.close();
  }
});

test('the SSE parser reads the first event of a stream that begins with a BOM', () => {
  for (const split of [1, 2, 3, 4, 100]) {
    const events: SseEvent[] = [];
    const parser = new SseParser((e) => events.push(e));
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('data: first\n\ndata: second\n\n')]);
    for (let i = 0; i < bytes.length; i += split) parser.push(bytes.subarray(i, i + split));
    parser.end();
    assert.deepEqual(events.map((e) => e.data), ['first', 'second'], `split every ${split} bytes`);
  }
});

test('${env:…} in an http body is resolved, not sent literally', async () => {
  const bodies: string[] = [];
  const server = await startScriptedServer((_req, res, body) => {
    bodies.push(body);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"answer":"fine"}');
  });
  try {
    const target = { body: JSON.stringify({ q: '{{prompt}}', tenant: '${env:STAMPEDE_TEST_TENANT}' }), bodyEncoding: 'json' as const };
    const plan = makePlan({ providers: [httpTargetProvider(`${server.url}/ask`, target)], mix: [{ stream: false }], segments: [{ from: 2, ms: 500 }] });
    const r = await runPlan(plan, { env: { STAMPEDE_TEST_TENANT: 'acme "quoted"' } });
    assert.ok(r.summary.outcomes.ok >= 1, JSON.stringify(r.summary.outcomes));
    assert.equal((JSON.parse(bodies[0]) as { tenant: string }).tenant, 'acme "quoted"');
  } finally {
    await server.close();
  }
});

for (const [label, header] of [
  ['an HTTP-date in 2099', 'Thu, 01 Jan 2099 00:00:00 GMT'],
  ['a huge number of seconds', '99999999999'],
  ['an hour', '3600'],
] as const) {
  test(`retry-after of ${label} the run cannot wait for gives up the retry (it used to retry 1-30 ms apart)`, async () => {
    const server = await startScriptedServer((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': header });
      res.end('{"error":{"message":"slow down","type":"rate_limit_error"}}');
    });
    try {
      const plan = makePlan({ baseUrl: `${server.url}/v1`, segments: [{ from: 2, ms: 1000 }], retries: { max: 5, respectRetryAfter: true } });
      const r = await runPlan(plan);
      assert.equal(server.requests, r.summary.requests.sent, `${server.requests} attempts for ${r.summary.requests.sent} requests`);
      assert.equal(r.summary.outcomes.rate_limited, r.summary.requests.sent, JSON.stringify(r.summary.outcomes));
      assert.ok(r.logs.some((l) => /retry-after/.test(l.message)), 'a log line says why the retry was given up');
    } finally {
      await server.close();
    }
  });
}
