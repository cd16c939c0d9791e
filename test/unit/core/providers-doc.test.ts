// docs/providers.md: every provider example validates, and runs against the mock in its own
// dialect ("Run against mock"), so what the page shows is what Stampede does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyzeScenario } from '../../../src/core/analyze-scenario';
import { dialectOf } from '../../../src/core/dialects';
import { planAgainstMock } from '../../../src/extension/mock-plan';
import { runPlan } from '../runner/support/collect-run';

const page = readFileSync(resolve(__dirname, '../../../docs/providers.md'), 'utf8');
const examples = [...page.matchAll(/```yaml\n(providers:\n[\s\S]*?)```/g)].map((m) => m[1]!);

test('docs/providers.md has an example per dialect and for the mock', () => {
  assert.equal(examples.length, 5);
});

for (const example of examples) {
  const id = /id: ([\w-]+)/.exec(example)![1];
  test(`docs/providers.md example '${id}' validates and runs against the mock in its dialect`, async () => {
    const text = `name: providers doc ${id}\n${example}workload:\n  mix:\n    - { name: chat, promptTokens: 40, maxTokens: 8 }\nload:\n  arrival: uniform\n  stages:\n    - { for: 1s, rate: 3/s }\n`;
    const { plan, problems } = analyzeScenario(text, { fileName: 'providers.md' });
    assert.deepEqual(problems.filter((p) => p.severity === 'error').map((p) => p.message), []);
    const dialect = dialectOf(plan!.providers[0]!);
    const mocked = planAgainstMock(plan!, 'instant');
    const { summary } = await runPlan(mocked);
    assert.equal(summary.outcomes.ok, 3, JSON.stringify(summary.outcomes));
    assert.equal(summary.providers?.[0]?.dialect, dialect);
    assert.equal(summary.tokens.method, 'usage');
  });
}
