// A real OTLP JSON span export: an application instrumented with the official OpenTelemetry
// packages (OpenAI instrumentation, OTLP/HTTP exporter) calls the mock; a loopback collector
// writes what it receives as the Collector's file exporter does (one export request a line);
// stampede fit turns that file into a scenario that validates and runs against the mock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { analyzeScenario } from '../../../src/core/analyze-scenario';
import { startMockServer } from '../../../src/mock/mock-server';
import { fitTraceFile } from '../../../src/runner/trace-fit-file';
import { runPlan } from '../runner/support/collect-run';

const run = promisify(execFile);

test('an OTLP JSON export of GenAI spans from the official OpenTelemetry packages fits to a scenario that validates and runs', { timeout: 300_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-otel-'));
  const file = join(dir, 'spans.otlp.jsonl');
  const bodies: string[] = [];
  const collector = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      bodies.push(req.headers['content-type'] ?? '');
      appendFileSync(file, JSON.stringify(JSON.parse(body)) + '\n');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
  const mock = await startMockServer({ profile: 'instant', port: 0, host: '127.0.0.1' });
  try {
    const port = (collector.address() as { port: number }).port;
    await run(process.execPath, [resolve(__dirname, '../../fixtures/otel/genai-client.cjs'), `${mock.url}/v1`, `http://127.0.0.1:${port}/v1/traces`, '24'], { timeout: 120_000 });
  } finally {
    collector.close();
    await mock.close();
  }
  assert.ok(bodies.length > 0 && bodies.every((t) => t.startsWith('application/json')), `OTLP JSON received: ${bodies.join(', ')}`);
  const raw = readFileSync(file, 'utf8');
  assert.match(raw, /"gen_ai\.usage\.input_tokens"/);

  const { text, fit, info } = await fitTraceFile({ name: file });
  assert.equal(info.format, 'otlp');
  assert.equal(fit.requests, 24);
  assert.deepEqual(fit.routes.map((r) => [r.route, r.count]), [['gpt-4o-mini', 18], ['gpt-4o', 6]]);
  assert.doesNotMatch(text, /summarize this|hello there/, 'no prompt text copied');
  const { plan, problems } = analyzeScenario(text);
  assert.deepEqual(problems.filter((p) => p.severity === 'error'), []);
  assert.ok(plan);
  // The fitted scenario runs (short: the whole export took about a second).
  const { summary } = await runPlan({ ...plan, providers: plan.providers.map((p) => (p.type === 'mock' ? { ...p, profile: 'instant' as const } : p)) });
  assert.equal(summary.endReason, 'completed');
  assert.ok(summary.requests.sent > 0 && summary.outcomes.ok === summary.requests.total, JSON.stringify(summary.outcomes));
});
