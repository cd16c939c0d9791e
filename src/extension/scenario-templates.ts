// Starting points for "Stampede: New Scenario", one per failure mode of the playbook. Each runs
// in well under a minute against the embedded mock and validates clean (a unit test checks).
// They grow as the language does (failover policies, agent loops and caches come with the
// failure-modes features); today they use what the language can already say.

export interface ScenarioTemplate {
  id: string;
  label: string;
  description: string;
  text: string;
}

export const SCENARIO_TEMPLATES: readonly ScenarioTemplate[] = [
  {
    id: 'rate-limits',
    label: 'Rate limits',
    description: 'Push a hosted API past its RPM/TPM limits; see 429s, retries and retry amplification.',
    text: `# Rate limits: a hosted API answers 429 with retry-after once traffic passes its RPM/TPM
# limits. Do retries with backoff keep the user-visible error rate down, and at what cost in
# extra attempts?
name: Rate limits — where do 429s start?
providers:
  - id: hosted-api
    type: mock
    profile: rate-limited-api
resilience:
  retries: { max: 2, backoff: exponential, base: 250ms, jitter: full, respectRetryAfter: true, on: [429, 5xx] }
  timeouts: { ttft: 10s, total: 30s }
workload:
  mix:
    - { name: chat, weight: 1, promptTokens: { median: 600, p95: 2000 }, maxTokens: 200 }
load:
  stages:
    - { name: baseline, for: 10s, rate: 2/s }
    - { name: ramp, for: 15s, rampTo: 6x }
    - { name: hold, for: 5s, rate: 6x }
thresholds:
  - errors.rate < 2%
  - rateLimited.rate < 5%
  - retries.amplification < 1.5
`,
  },
  {
    id: 'failover',
    label: 'Failover',
    description: 'A primary and a fallback provider; retries on 5xx and timeouts.',
    text: `# Failover: the first provider is the primary, the others are failover targets. Here both are
# mocks; point the primary at your endpoint (type: openai) to test the real thing.
name: Failover — primary saturates, fallback takes over
providers:
  - id: primary
    type: mock
    profile: small-gpu
  - id: fallback
    type: mock
    profile: h100-8b
resilience:
  retries: { max: 2, backoff: exponential, base: 200ms, on: [5xx, timeout] }
  timeouts: { ttft: 5s, total: 30s }
workload:
  mix:
    - { name: chat, weight: 9, promptTokens: { median: 500, p95: 1500 }, maxTokens: 200, provider: primary }
    - { name: batch, weight: 1, promptTokens: 3000, maxTokens: 300, provider: fallback }
load:
  stages:
    - { name: baseline, for: 10s, rate: 3/s }
    - { name: overload, for: 15s, rate: 5x }
    - { name: recovery, for: 5s, rate: 1x }
thresholds:
  - errors.rate < 1%
  - ttft.p95 < 3s
`,
  },
  {
    id: 'burst',
    label: 'Burst',
    description: 'A campaign and a news spike, time-compressed: does the queue drain afterwards?',
    text: `# Burst: an hour of launch-day traffic compressed into 30 seconds (timeScale 120). Rates stay as
# written, durations shrink.
name: Burst — campaign and news spike
providers:
  - { id: gpu, type: mock, profile: small-gpu }
workload:
  mix:
    - { name: faq, weight: 4, promptTokens: { median: 400, p95: 1500 }, maxTokens: 150 }
    - { name: long-answer, weight: 1, promptTokens: { median: 1200, p95: 4000 }, maxTokens: 500 }
load:
  timeScale: 120
  stages:
    - { name: baseline, for: 10m, rate: 2/s }
    - { name: campaign, for: 30m, rate: 4x }
    - { name: news-spike, for: 10m, rate: 10x }
    - { name: cool-down, for: 10m, rampTo: 1x }
thresholds:
  - ttft.p95 < 2s
  - errors.rate < 1%
  - dropped.count == 0
`,
  },
  {
    id: 'cache',
    label: 'Cache',
    description: 'Repeated prompts behind one system prompt: is the prompt cache doing its job?',
    text: `# Cache: every request shares a long system prompt, so a prefix cache should serve most prompt
# tokens. cache.hitRate comes from usage.prompt_tokens_details.cached_tokens.
name: Cache — shared system prompt
providers:
  - { id: gpu, type: mock, profile: h100-8b }
workload:
  mix:
    - name: support
      weight: 1
      system: You are the support assistant of Example Corp. Answer briefly, cite the knowledge base, never invent order numbers, and escalate refunds above 100 dollars to a human agent.
      prompt: { template: "Customer question: how do I reset my password?" }
      maxTokens: 120
load:
  stages:
    - { name: warm-up, for: 5s, rate: 2/s }
    - { name: steady, for: 20s, rate: 5x }
thresholds:
  - cache.hitRate > 50%
  - ttft.p95 < 1s
`,
  },
  {
    id: 'cancellation',
    label: 'Cancellation',
    description: 'Users who close the tab mid-answer: does generation stop when the stream is cancelled?',
    text: `# Cancellation: a share of streams is abandoned part way, as users do. Cancelled requests are
# not errors; a server that keeps generating for them wastes GPU time that others wait for.
name: Cancellation — abandoned streams
providers:
  - { id: gpu, type: mock, profile: small-gpu }
workload:
  stream: true
  mix:
    - { name: chat, weight: 1, promptTokens: { median: 800, p95: 2500 }, maxTokens: 400 }
  cancellations: { fraction: 30%, after: 500ms..2s }
load:
  stages:
    - { name: steady, for: 25s, rate: 4/s }
thresholds:
  - errors.rate < 1%
  - ttft.p95 < 2s
`,
  },
  {
    id: 'agent',
    label: 'Agent',
    description: 'Agent-shaped traffic: users firing back-to-back model calls with growing context.',
    text: `# Agent: an agent makes several model calls per task, back to back, each with more context
# than the last. Closed model: each user is an agent that sends its next call as soon as the
# previous one answers.
name: Agent — back-to-back steps
providers:
  - { id: gpu, type: mock, profile: h100-8b }
workload:
  mix:
    - { name: plan, weight: 1, promptTokens: { median: 800, p95: 1500 }, maxTokens: 150 }
    - { name: tool-result, weight: 3, promptTokens: { median: 2500, p95: 6000 }, maxTokens: 120 }
    - { name: final-answer, weight: 1, promptTokens: { median: 5000, p95: 9000 }, maxTokens: 400 }
load:
  model: closed
  thinkTime: 0s..200ms
  stages:
    - { name: few-agents, for: 10s, users: 4 }
    - { name: many-agents, for: 20s, users: 4x }
thresholds:
  - e2e.p95 < 15s
  - errors.rate < 1%
`,
  },
  {
    id: 'cost',
    label: 'Cost',
    description: 'Does cost grow faster than traffic? A budget that aborts the run, and cost thresholds.',
    text: `# Cost: prices are USD per 1M tokens. The budget stops the run if it gets expensive; the
# thresholds say what a request may cost.
name: Cost — spend per request under load
providers:
  - id: gpu
    type: mock
    profile: small-gpu
    pricing: { input: 0.15, cachedInput: 0.075, output: 0.60 }
workload:
  mix:
    - { name: short, weight: 3, promptTokens: { median: 300, p95: 900 }, maxTokens: 100 }
    - { name: long, weight: 1, promptTokens: { median: 4000, p95: 8000 }, maxTokens: 800 }
load:
  stages:
    - { name: baseline, for: 10s, rate: 2/s }
    - { name: peak, for: 15s, rate: 3x }
budget: { maxCostUsd: $0.50, onExceed: abort }
thresholds:
  - cost.perRequest < $0.001
  - cost.total < $0.25
`,
  },
];
