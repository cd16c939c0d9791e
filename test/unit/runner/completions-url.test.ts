// Where an openai provider's requests go, from the baseUrl a user writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completionsUrl } from '../../../src/runner/provider-runtime';
import { makePlan } from './support/plan-fixture';
import { runPlan } from './support/collect-run';
import { jsonCompletion, startScriptedServer } from './support/scripted-server';

test('the base as OpenAI SDKs take it, plus /chat/completions; a bare origin gets /v1', () => {
  const cases: Array<[string, string]> = [
    ['https://api.openai.com/v1', 'https://api.openai.com/v1/chat/completions'],
    ['https://api.openai.com/v1/', 'https://api.openai.com/v1/chat/completions'],
    ['https://generativelanguage.googleapis.com/v1beta/openai/', 'https://generativelanguage.googleapis.com/v1beta/openai/chat/completions'],
    ['http://localhost:8000', 'http://localhost:8000/v1/chat/completions'],
    ['http://localhost:8000/', 'http://localhost:8000/v1/chat/completions'],
    ['http://127.0.0.1:9/v1/chat/completions', 'http://127.0.0.1:9/v1/chat/completions'],
    ['https://x.openai.azure.com/openai/deployments/gpt?api-version=2024-10-21', 'https://x.openai.azure.com/openai/deployments/gpt/chat/completions?api-version=2024-10-21'],
    ['http://[::1]:8080/v1', 'http://[::1]:8080/v1/chat/completions'],
  ];
  for (const [base, expected] of cases) assert.equal(completionsUrl(base).href, expected, base);
});

test('a query in the base URL reaches the server as a query, after the endpoint path', async () => {
  const seen: string[] = [];
  const server = await startScriptedServer((req, res) => {
    seen.push(req.url ?? '');
    jsonCompletion(res);
  });
  try {
    const plan = makePlan({ baseUrl: `${server.url}/openai/deployments/gpt?api-version=2024-10-21`, mix: [{ stream: false }], segments: [{ from: 2, ms: 1000 }] });
    const { summary } = await runPlan(plan);
    assert.equal(summary.outcomes.ok, 2);
    assert.deepEqual([...new Set(seen)], ['/openai/deployments/gpt/chat/completions?api-version=2024-10-21']);
  } finally {
    await server.close();
  }
});
