// TTFT and ITL measured against a scripted SSE server with known delays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { makePlan } from './support/plan-fixture';
import { median, runPlan } from './support/collect-run';
import { chunk, finishChunk, startScriptedServer, streamTokens, usageChunk } from './support/scripted-server';

test('TTFT and ITL follow the times the server wrote each token (first token at 200 ms, then every 50 ms)', async () => {
  // The server records when each request arrived and when it wrote each content token: on a
  // busy machine its timers fire late, and the client's figures are checked against what the
  // server actually did, not against the script's nominal 200 ms / 50 ms.
  const served: Array<{ arrival: number; tokens: number[] }> = [];
  const server = await startScriptedServer((req, res) => {
    const record = { arrival: performance.now(), tokens: [] as number[] };
    served.push(record);
    const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (String(chunk).includes('"content":"tok')) record.tokens.push(performance.now());
      return write(chunk, ...rest);
    }) as typeof res.write;
    streamTokens(res, 6, 200, 50);
  });
  try {
    const plan = makePlan({ baseUrl: server.url, segments: [{ from: 4, ms: 2000 }] });
    const { summary, events } = await runPlan(plan);
    assert.equal(summary.outcomes.ok, 8);
    assert.equal(summary.endReason, 'completed');
    assert.equal(served.length, 8);
    assert.ok(served.every((r) => r.tokens.length === 6), JSON.stringify(served));
    const firstToken = served.map((r) => r.tokens[0]! - r.arrival);
    const lastToken = served.map((r) => r.tokens[5]! - r.arrival);
    const gaps = served.flatMap((r) => r.tokens.slice(1).map((t, i) => t - r.tokens[i]!));
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    // The 4th of 8 values, the one a histogram's p50 reports (median() gives the 5th).
    const lowerMedian = (v: number[]) => [...v].sort((a, b) => a - b)[Math.ceil(v.length / 2) - 1]!;
    // The client sent each request before the server got it and read each token after it was
    // written, so its TTFT is at least the server's delay to the first token, request by request
    // (hence also at each percentile; 0.5% for the histogram's 3 significant digits). A TTFT
    // taken at the response headers or the empty role chunk would be far below it.
    const timings = `client ttft p50 ${summary.ttft.p50} min ${summary.ttft.min}, itl mean ${summary.itl.mean}; server first token p50 ${lowerMedian(firstToken)} min ${Math.min(...firstToken)}, last token p50 ${median(lastToken)}, gap mean ${mean(gaps)}`;
    assert.ok(summary.ttft.min! >= Math.min(...firstToken) * 0.995, timings);
    assert.ok(summary.ttft.p50! >= lowerMedian(firstToken) * 0.995, timings);
    // ...and the first token is read before the stream ends: a TTFT taken at the last token or at
    // the end of the stream would be at or beyond the server's last write (250 ms after the first).
    assert.ok(summary.ttft.p50! < median(lastToken), timings);
    // ITL: the client's gaps between tokens add up to the server's, one late read lengthening one
    // gap and shortening the next; the mean of 40 gaps stays within half a scripted gap of the
    // server's mean, which an ITL taken from the request start (≥ 200 ms) or across the whole
    // batch (≈ 0 ms) would not.
    assert.ok(Math.abs(summary.itl.mean! - mean(gaps)) < 25, timings);
    assert.equal(summary.itl.count, 8 * 5);
    assert.equal(summary.tokens.method, 'usage');
    assert.equal(summary.tokens.output, 8 * 6);
    assert.equal(summary.tokens.cachedInput, 8 * 4);
    assert.ok(Math.abs(summary.cacheHitRate! - 0.2) < 1e-9);
    // cost = (uncached 16 x $1 + cached 4 x $0.5 + output 6 x $2) / 1e6 per request
    assert.ok(Math.abs(summary.cost.total - (8 * (16 + 2 + 12)) / 1e6) < 1e-12);
    assert.equal(events[0].type, 'start');
    assert.equal(events[events.length - 1].type, 'done');
  } finally {
    await server.close();
  }
});

test('the request body is an OpenAI chat completion with stream_options and the provider headers', async () => {
  const bodies: string[] = [];
  const auth: Array<string | undefined> = [];
  const team: Array<string | string[] | undefined> = [];
  const server = await startScriptedServer((req, res, body) => {
    bodies.push(body);
    auth.push(req.headers.authorization);
    team.push(req.headers['x-team']);
    streamTokens(res, 2, 1, 1);
  });
  try {
    const plan = makePlan({
      baseUrl: server.url + '/v1/',
      provider: { apiKey: '${secret:KEY}', headers: { 'X-Team': '${env:TEAM}' } } as never,
      mix: [{ system: 'be brief', maxTokens: 33, promptTokens: { kind: 'fixed', tokens: 50 } }],
      segments: [{ from: 2, ms: 1000 }],
    });
    let asked = 0;
    const { summary } = await runPlan(plan, { env: { TEAM: 'blue' }, resolveSecret: async (n) => (asked++, n === 'KEY' ? 'sk-test' : undefined) });
    assert.equal(asked, 1, 'each secret is asked for once');
    assert.equal(summary.outcomes.ok, 2);
    const body = JSON.parse(bodies[0]);
    assert.equal(body.model, 'test-model');
    assert.equal(body.max_tokens, 33);
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });
    assert.equal(body.messages[0].role, 'system');
    assert.equal(body.messages[1].role, 'user');
    assert.equal(Math.ceil(body.messages[1].content.length / 4), 50);
    assert.equal(auth[0], 'Bearer sk-test');
    assert.equal(team[0], 'blue');
  } finally {
    await server.close();
  }
});

test('tokens/s counts streamed tokens in the second they arrive, and the usage beyond them when the stream ends', async () => {
  // One stream: 10 content events 250 ms apart (about 4 a second for 2.5 s), then usage saying
  // 25 tokens, as a server that puts several tokens in some events would.
  const server = await startScriptedServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let sent = 0;
    const timer = setInterval(() => {
      res.write(chunk(`tok${sent} `));
      if (++sent < 10) return;
      clearInterval(timer);
      res.write(finishChunk());
      res.write(usageChunk(20, 25));
      res.end('data: [DONE]\n\n');
    }, 250);
    res.on('close', () => clearInterval(timer));
  });
  try {
    const plan = makePlan({ baseUrl: server.url, segments: [{ from: 1, ms: 1000 }] });
    const { summary, events } = await runPlan(plan);
    assert.equal(summary.outcomes.ok, 1);
    assert.equal(summary.tokens.output, 25);
    const points = events.flatMap((e) => (e.type === 'tick' ? [e.point] : []));
    assert.ok(points.length >= 3, `${points.length} points`);
    // The first second shows the tokens that came in it, not 0 until the stream ends (how busy
    // the machine is decides how many; the stream runs 2.5 s, so it cannot have ended yet).
    const last = points[points.length - 1]!;
    assert.ok(points[0]!.tokensPerSecond >= 1 && points[0]!.outputTokens === 0, `t=1: ${points[0]!.tokensPerSecond} tok/s, ${points[0]!.outputTokens} finished`);
    // Whole seconds before the end hold streamed events only (at most the 10 sent); the 15
    // tokens of usage beyond them come with the last point, where the request ends.
    const earlier = points.slice(0, -1).reduce((n, p) => n + p.tokensPerSecond, 0);
    assert.ok(earlier >= 1 && earlier <= 10, `${earlier} tokens before the last point`);
    assert.ok(last.tokensPerSecond > 0 && last.outputTokens === 25, `last point ${last.tokensPerSecond} tok/s, ${last.outputTokens} output tokens`);
  } finally {
    await server.close();
  }
});
