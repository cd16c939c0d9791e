// The language reference (docs/scenario.md), generated from the schema and the metric catalog
// so the docs cannot drift from what the validator accepts. scripts/gen-scenario-docs.mjs
// writes it; a unit test checks it is current and covers every field.
import { resolveSchemaRef, scenarioSchema, type SchemaNode } from './scenario-schema';
import { LATENCY_METRICS, LATENCY_STATS, SCALAR_METRICS, statMetricUnit } from '../../vocabulary/metric-catalog';
import { THRESHOLD_OPERATORS } from './threshold-expression';
import { LIMITS, formatLimitBytes, formatLimitDuration } from './limits';

interface FieldDoc {
  path: string;
  node: SchemaNode;
  required: boolean;
}

/** Every field path of the schema, e.g. `load.stages[].rampTo`, in document order. */
export function schemaFieldPaths(): string[] {
  return collectObjects().flatMap((o) => o.fields.map((f) => f.path));
}

function collectObjects(): Array<{ path: string; node: SchemaNode; fields: FieldDoc[] }> {
  const out: Array<{ path: string; node: SchemaNode; fields: FieldDoc[] }> = [];
  const visit = (path: string, raw: SchemaNode) => {
    const node = resolveSchemaRef(raw);
    if (node.items) {
      visit(`${path}[]`, node.items);
      return;
    }
    if (!node.properties) return;
    const fields = Object.entries(node.properties).map(([name, child]) => ({
      path: path ? `${path}.${name}` : name,
      node: resolveSchemaRef(child),
      required: node.required?.includes(name) ?? false,
    }));
    out.push({ path, node, fields });
    for (const field of fields) visit(field.path, field.node);
  };
  visit('', scenarioSchema);
  return out;
}

function typeText(node: SchemaNode): string {
  if (node.enum) return [...new Set(node.enum.map(String))].map((v) => `\`${v}\``).join(' | ');
  if (node['x-expected']) return node['x-expected'] + unitBounds(node);
  if (node.items) {
    const items = resolveSchemaRef(node.items);
    const most = typeof node.maxItems === 'number' ? `, at most ${node.maxItems}` : '';
    return items.properties ? `list of maps${most}` : `list of ${typeText(items)}${most}`;
  }
  const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [];
  const words: Record<string, string> = { string: 'string', number: 'number', integer: 'whole number', boolean: 'true / false', object: 'map', array: 'list' };
  if (types.length === 1 && types[0] === 'object' && typeof node.additionalProperties === 'object') return `map of name → ${typeText(resolveSchemaRef(node.additionalProperties))}`;
  let text = types.map((t) => words[t] ?? t).join(' or ');
  const bounds: string[] = [];
  if (node.minimum !== undefined) bounds.push(`≥ ${node.minimum}`);
  if (node.exclusiveMinimum !== undefined) bounds.push(`> ${node.exclusiveMinimum}`);
  if (node.maximum !== undefined) bounds.push(`≤ ${node.maximum}`);
  if (typeof node.maxItems === 'number') bounds.push(`at most ${node.maxItems} items`);
  if (bounds.length && types.every((t) => t === 'number' || t === 'integer')) text += ` ${bounds.join(', ')}`;
  return text;
}

/** ", at most 24h" beside a value written with a unit. */
function unitBounds(node: SchemaNode): string {
  const bounds: string[] = [];
  if (typeof node['x-maxMs'] === 'number') bounds.push(`at most ${formatLimitDuration(node['x-maxMs'])}`);
  if (typeof node['x-maxPerSecond'] === 'number') bounds.push(`at most ${node['x-maxPerSecond'].toLocaleString('en-US')}/s`);
  else if (typeof node.maximum === 'number') bounds.push(`at most ${node.maximum.toLocaleString('en-US')}`);
  return bounds.length ? ` (${bounds.join(', ')})` : '';
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function defaultText(field: FieldDoc): string {
  if (field.required) return '**required**';
  if (field.node.default === undefined) return '';
  return `\`${typeof field.node.default === 'string' ? field.node.default : JSON.stringify(field.node.default)}\``;
}

function referenceSection(): string {
  const lines: string[] = ['## Field reference', ''];
  for (const object of collectObjects()) {
    lines.push(`### \`${object.path || '(top level)'}\``, '');
    if (object.node.description) lines.push(object.node.description, '');
    lines.push('| Field | Type | Default | Description |', '| --- | --- | --- | --- |');
    for (const field of object.fields) {
      const description = field.node.markdownDescription ?? field.node.description ?? '';
      const examples = field.node.examples?.length ? ` Examples: ${field.node.examples.map((e) => `\`${typeof e === 'string' ? e : JSON.stringify(e)}\``).join(', ')}.` : '';
      lines.push(`| \`${field.path}\` | ${cell(typeText(field.node))} | ${cell(defaultText(field))} | ${cell(description + examples)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

function metricSection(): string {
  const lines = [
    '## Thresholds',
    '',
    'A threshold is `<metric> <operator> <value>`, checked over the whole run. A failed threshold makes',
    '`stampede run` exit 1; with `abortOnFail: true` it also stops the run as soon as it fails.',
    'A threshold needs evidence: one whose metric got no value in the whole run (a `ttft.p95` when no',
    'first token was measured, a `failover.time` when no failover happened) fails as **no data**, and a',
    'run in which no request finished fails with or without thresholds. `requests.unfinished` counts',
    'the requests still in flight when the run ended.',
    '',
    '```yaml',
    'thresholds:',
    '  - ttft.p95 < 1.5s',
    '  - errors.rate < 1%',
    '  - cost.total < $5',
    '  - { expr: "e2e.p99 < 30s", abortOnFail: true }',
    '```',
    '',
    `Operators: ${THRESHOLD_OPERATORS.map((o) => `\`${o}\``).join(', ')}.`,
    '',
    'The value is written in the metric\'s unit:',
    '',
    '| Unit | Write | Examples |',
    '| --- | --- | --- |',
    '| time (ms) | a number with `ms`, `s`, `m` or `h`; a bare number is milliseconds | `1.5s`, `800ms`, `800` |',
    '| fraction | a percentage, or a number from 0 to 1 (a bare number above 1 is an error: write `5%`) | `1%`, `0.01` |',
    '| USD | a dollar amount | `$5`, `5`, `$0.002` |',
    '| count, ratio, per second | a plain number | `0`, `1.2`, `50` |',
    '',
    `### Latency and other distributions`,
    '',
    `Each is available as \`<name>.<stat>\` with stat one of ${LATENCY_STATS.map((s) => `\`${s}\``).join(', ')} (e.g. \`ttft.p95\`, \`agent.steps.p95\`).`,
    '',
    '| Name | Unit | Meaning |',
    '| --- | --- | --- |',
    ...LATENCY_METRICS.map((m) => `| \`${m.name}\` | ${statMetricUnit(m)} | ${cell(m.description)} |`),
    '',
    '### Other metrics',
    '',
    '| Metric | Unit | Meaning |',
    '| --- | --- | --- |',
    ...SCALAR_METRICS.map((m) => `| \`${m.key}\` | ${m.unit.replace(/_/g, ' ')} | ${cell(m.description)} |`),
    '',
  ];
  return lines.join('\n');
}

const INTRO = `# Scenario language reference

<!-- Generated by \`node scripts/gen-scenario-docs.mjs\` from media/stampede.schema.json and
vocabulary/metric-catalog.ts. Edit those (or the generator's hand-written sections), not this file. -->

A Stampede scenario is a YAML file named \`*.stampede.yaml\` (or \`*.stampede.yml\`), one scenario per
file. It says who to call (\`providers\`), what to send (\`workload\`), how hard and for how long
(\`load\`), how the client copes with failure (\`resilience\`), what it may cost (\`budget\`) and what
counts as passing (\`thresholds\`). The JSON Schema in \`media/stampede.schema.json\` is the single
source of the field names, types, defaults and descriptions below; the editor's completion and hover,
and \`stampede validate\`, use the same schema.

\`\`\`yaml
name: Support bot — launch day
providers:                        # first is primary; the rest are failover targets
  - id: primary
    type: openai                  # OpenAI or any compatible endpoint; also anthropic, gemini
    baseUrl: \${env:OPENAI_BASE_URL}
    apiKey: \${secret:OPENAI_API_KEY}
    model: gpt-4o-mini
    pricing: { input: 0.15, cachedInput: 0.075, output: 0.60 }   # USD per 1M tokens
  - id: fallback
    type: mock                    # the embedded mock provider, in any dialect
    profile: small-gpu
    dialect: anthropic
resilience:
  retries: { max: 2, backoff: exponential, base: 250ms, jitter: full, on: [429, 5xx] }
  timeouts: { ttft: 10s, total: 60s }
workload:
  mix:
    - { name: faq, weight: 60, promptTokens: { median: 400, p95: 1500 }, maxTokens: 200 }
    - { name: long-context, weight: 25, prompt: { file: prompts/contract.txt }, maxTokens: 600 }
    - { name: triage, weight: 15, prompt: { template: "Ticket {{id}}: {{body}}", data: { file: tickets.csv } } }
  cancellations: { fraction: 10%, after: 1s..2s }
load:
  model: open
  timeScale: 60                   # run the 105-minute shape in under 2 minutes
  stages:
    - { name: baseline, for: 5m, rate: 2/s }
    - { name: campaign, for: 60m, rate: 10x }
    - { name: news-spike, for: 30m, rate: 30x }
    - { name: cool-down, for: 10m, rampTo: 1x }
budget: { maxCostUsd: $5, onExceed: abort }
thresholds:
  - ttft.p95 < 1.5s
  - errors.rate < 1%
  - cost.total < $5
\`\`\`

Check a file with \`stampede validate FILE…\`: each problem prints as
\`file:line:col: error|warning: message (field.path)\`, and the exit code is 2 when any file has an
error. Every field is checked: a misspelled field is reported at its key with a suggestion
(\`unknown field 'stges' — did you mean 'stages'?\`). A replay's trace is read as the run
reads it: a missing or malformed trace is an error at \`load.trace.file\` naming the trace's line.
`;

const UNITS = `## Units

| Kind | Written as | Examples |
| --- | --- | --- |
| duration | a number with \`ms\`, \`s\`, \`m\` or \`h\`; parts may be combined; a unit is required | \`250ms\`, \`1.5s\`, \`5m\`, \`1h\`, \`1h30m\` |
| time range | two durations joined by \`..\`, or one duration | \`1s..2s\`, \`500ms\` |
| rate (open model) | arrivals per \`s\`, \`m\` or \`h\`, or a bare number per second | \`2/s\`, \`120/m\`, \`0.5/s\`, \`3\` |
| users (closed model) | a whole number of concurrent users | \`10\` |
| multiple | a multiple of the baseline (the first stage's level) | \`10x\`, \`0.5x\` |
| fraction | a percentage, or a number from 0 to 1 | \`10%\`, \`0.1\` |
| dollar amount | USD, with or without \`$\` | \`$5\`, \`20\` |
`;

const LOAD = `## Load shapes

The load is a list of stages run one after another. In the **open** model (the default) a stage's
level is an arrival rate: requests are sent on schedule whether or not earlier ones have answered,
as real traffic does, so a slow server shows up as growing latency and queueing rather than as a
slower load generator. In the **closed** model the level is a number of concurrent users, each of
whom sends a request, waits for the answer, thinks for \`thinkTime\`, and repeats.

- **Constant**: \`{ for: 5m, rate: 2/s }\` holds the level for the stage.
- **Ramp**: \`rampTo\` ramps linearly over the stage, from the stage's \`rate\`/\`users\` if given,
  else from where the previous stage ended: \`{ for: 2m, rampTo: 20/s }\`.
- **Hold**: a stage with neither level nor \`rampTo\` continues at the previous stage's end level.
- **Multiples**: \`10x\` is ten times the **baseline**, the level of the first stage. The first stage
  must therefore give an absolute level above 0; it cannot be a multiple, and it cannot be only a
  ramp (\`a ramp with nothing to ramp from\`). Later stages may go down to 0 (a cool-down).
- **Diurnal wave**: \`diurnal: { peak: 3x, period: 24h }\` follows a sine that starts at the
  stage's level, reaches \`peak\` half a period in, and returns at the end of the period:
  \`level(t) = from + (peak − from) · (1 − cos(2πt / period)) / 2\`.
- **Bursts and spikes** are short stages at a high multiple, with the stages around them as they
  were:

\`\`\`yaml
stages:
  - { name: baseline, for: 2m, rate: 5/s }
  - { name: spike, for: 30s, rate: 30x }     # 150/s for 30 s
  - { name: recovery, for: 2m, rate: 1x }    # back to 5/s: does the queue drain?
\`\`\`

- **Time compression**: \`timeScale: 60\` divides every stage duration and diurnal period by 60, so an
  hour-long shape runs in a minute. Rates stay as written: the target sees the real arrival rates,
  only for less time. Timeouts, retries and think time are not scaled.
- \`maxInFlight\` caps requests in flight; in the open model, arrivals beyond it are **dropped and
  counted** (\`dropped.count\`), never silently skipped.

The resolved shape is a list of timed segments (constant, linear or sine) in run time; the live
panel marks the stages on every chart.
`;

const FAILURE_MODES = `## Failure modes

AI features break in their own ways; these sections make each visible. Every one works against
the embedded mock with no account.

\`\`\`yaml
providers:
  - id: primary
    type: mock
    profile: rate-limited-api
    faults:                                   # on the run's clock, divided by timeScale
      - { kind: outage, at: 30s, for: 20s }                 # 503s (mode: refuse drops connections)
      - { kind: error-rate, at: 60s, for: 10s, rate: 20% }  # 500 by default
      - { kind: latency, at: 80s, for: 10s, add: 2s }
      - { kind: rate-limit, at: 90s, for: 10s, rpm: 60 }
      - { kind: slow-stream, at: 100s, for: 10s, tokensPerSecond: 5 }
    responseCache: { coalesce: false, ttl: 5m }           # a thundering herd without coalescing
    agentSteps: { base: 2, underLoad: 0.5 }               # agents take more steps under load
    degradation: { queueMarks: [8, 16, 32] }              # cheaper model, template answers, 503
    leakOnDisconnect: true                                # keep generating after a cancel
  - id: feature
    type: http                                            # your own AI endpoint
    url: \${env:FEATURE_URL}
    body: { question: "{{prompt}}", stream: true }        # a map is sent as JSON
    response: sse
    contentPointer: /delta
    extract: { costUsd: "header:x-cost-usd", cacheHit: "header:x-cache", outputTokens: "json:/usage/output_tokens" }
    serverTiming: provider
resilience:
  failover: { on: [429, 5xx], failureThreshold: 5, cooldown: 30s, halfOpenProbes: 1 }
degradation: { header: x-degradation-level }
workload:
  mix:
    - name: support-agent
      agent: { maxSteps: 8, tools: [search_docs, { name: create_ticket, latency: 100ms..400ms, failureRate: 5% }] }
  cancellations: { fraction: 10%, verify: { series: running, within: 5s } }
monitors:
  - { url: "http://localhost:8000/metrics", series: { running: vllm:num_requests_running, queueDepth: vllm:num_requests_waiting } }
cache:
  warmup: { for: 30s, rate: 5/s }
  ab: { switch: { header: x-cache-mode, on: "on", off: bypass } }
  herd: { at: 45s, requests: 50 }
\`\`\`

- **Faults** (mock providers): each needs \`kind\`, \`at\` and \`for\`, plus the field its kind needs —
  \`rate\` for \`error-rate\`, \`add\` for \`latency\`, \`rpm\` and/or \`tpm\` for \`rate-limit\`,
  \`tokensPerSecond\` for \`slow-stream\`. A field of another kind is an error; a window past the
  end of the run is a warning. \`stampede proxy --faults FILE\` injects the same schedule in front
  of any HTTP provider.
- **Failover**: providers are tried in the order listed; each has a circuit breaker that opens
  after \`failureThreshold\` consecutive failures of the kinds in \`on\`, probes again after
  \`cooldown\` and shifts traffic back after \`halfOpenProbes\` successes. \`failover.time\` and
  \`failback.time\` are metrics.
- **Degradation**: the level of each response comes from \`degradation.header\` or from the
  response's model name (\`degradation.models\`); \`degradation.share\` and \`degradation.maxLevel\` are
  metrics.
- **Agents**: a mix entry with \`agent\` runs an OpenAI tool-call loop per request; \`agent.steps.p95\`
  and \`agent.steps.growth\` are metrics.
- **Cancellations**: \`verify\` checks that the server stopped generating after each cancel —
  from the mock's own counters, or from a monitor series; \`cancellations.leaked\` is a metric.
- **Monitors**: a selector is \`metric_name{label="value",…}\` (matchers \`=\`, \`!=\`, \`=~\`,
  \`!~\`); the series \`queueDepth\`, \`kvCacheUsage\` and \`running\` feed the built-in checks.
- **Breaking point**: \`load: { model: breaking-point, search: { from: 2/s, to: 40/s, step: 2/s, hold: 20s } }\`
  holds each rate (stages \`step 1: 2/s\`, \`step 2: 4/s\`, …; the last step is \`to\`) and stops at the
  first threshold breach; the report gives the highest rate at which every threshold held.
  \`stages\` and \`search\` are exclusive.
`;

const REFERENCES = `## Environment values and secrets

\`\${env:NAME}\` reads an environment variable and \`\${secret:NAME}\` a secret (from the editor's
secret storage, or the environment when run from the CLI), at run time. They are never written to a
log, report or results file: every output (terminal, results, HTML, Markdown, JUnit) is scrubbed of
each secret's value in every encoding a server may echo it in (as is, JSON- or HTML-escaped,
URL-encoded) and of any part of it 8 characters or longer that a cut message leaves. A URL with any
part from \`\${secret:…}\` is a secret as a whole, and so are its path, query and host. References are
allowed only where a credential or an endpoint belongs:

| Field | \`\${env:…}\` | \`\${secret:…}\` |
| --- | --- | --- |
| \`providers[].baseUrl\` | yes | yes |
| \`providers[].apiKey\` | yes | yes |
| \`providers[].headers\` values | yes | yes |
| \`providers[].model\` | yes | no |
| \`providers[].url\` (\`http\`) | yes | yes |
| \`providers[].body\` (\`http\`), anywhere inside | yes | yes |
| \`monitors[].url\` | yes | no |

Anywhere else (a name, a rate, a duration, a threshold, …) a reference is an error: \`secrets cannot
be used here\`. Any other \`\${…}\` form is an error too, except in prompt text (\`system\`,
\`prompt.template\`, an \`http\` target's \`body\`), which may contain \`\${…}\` literally. A literal \`apiKey\` (or an
\`Authorization\` header) is a warning: put secrets in \`\${secret:NAME}\` or \`\${env:NAME}\`.

## Defaults worth knowing

- No \`providers\`: one embedded mock, \`{ id: mock, type: mock, profile: small-gpu }\`.
- Mock pricing defaults to 0.15 / 0.075 / 0.60 USD per 1M input / cached input / output tokens,
  so the demos show a cost. An \`openai\`, \`anthropic\` or \`gemini\` provider without \`pricing\`
  costs $0, with a warning.
- A provider's \`tokenizer\` defaults from its dialect and model: \`o200k_base\` for \`gpt-4o…\`,
  \`gpt-4.1…\`, \`gpt-5…\` and o-series, \`cl100k_base\` for other \`gpt-4…\` and \`gpt-3.5…\`, \`llama3\`
  for models named \`…llama-3…\`, \`approx\` (4 characters per token) otherwise — Anthropic, Gemini
  and the mock. The dialects are described in docs/providers.md.
- A mix entry without \`prompt\` or \`promptTokens\` draws prompt sizes from
  \`{ median: 400, p95: 1500 }\` (log-normal). \`prompt\` and \`promptTokens\` are exclusive.
- A CSV data file has a header row; its columns fill \`{{column}}\` placeholders. A JSONL file has
  one object per line; its keys fill the placeholders.

## YAML

Anchors and aliases are allowed (\`&defaults\` / \`*defaults\`, and merge keys \`<<: *defaults\`),
but expansion is bounded: a file whose aliases expand past 100 references is rejected with
\`too many alias expansions\`, so a "billion laughs" file fails fast. Duplicate keys, tabs used for
indentation and several documents in one file (\`---\`) are errors.
`;

const PROBLEMS = `## Problems and their codes

Each problem has a stable code (shown by \`stampede validate --json\` and in the editor), a
position and the field path. The most common ones:

| Code | Meaning |
| --- | --- |
| \`yaml-syntax\`, \`duplicate-key\`, \`tab-indent\`, \`multi-document\`, \`alias-limit\`, \`alias-cycle\`, \`undefined-alias\`, \`too-deep\` | The file is not valid YAML, or not one bounded document: an alias inside its own anchor, an alias without an anchor, collections nested more than 64 levels. |
| \`empty-file\` | Nothing to check. |
| \`unknown-field\` | A field the language does not have (often a typo; a suggestion follows). Reported at the key. |
| \`missing-field\` | A required field is absent. Reported at the parent's key. |
| \`wrong-type\`, \`bad-enum\`, \`bad-value\`, \`out-of-range\`, \`empty-value\`, \`too-few-items\`, \`too-many-items\` | A value of the wrong kind, or past a limit (see Limits). Reported at the value. |
| \`bad-duration\`, \`bad-range\`, \`bad-rate\`, \`bad-users\`, \`bad-fraction\`, \`bad-amount\` | A value in a unit that does not parse. |
| \`threshold-metric\`, \`threshold-stat\`, \`threshold-operator\`, \`threshold-value\`, \`threshold-unit\` | A threshold expression that does not parse, at the exact part of the string. |
| \`unknown-provider\`, \`duplicate-id\`, \`duplicate-name\` | References between sections that do not match. |
| \`zero-weights\`, \`bad-distribution\`, \`conflict\`, \`data-format\` | A workload that cannot be drawn from. |
| \`ramp-from-nothing\`, \`missing-level\`, \`multiple-in-baseline\`, \`zero-baseline\`, \`wrong-model\` | A load shape that cannot be built. |
| \`secret-not-allowed\`, \`env-not-allowed\`, \`bad-interpolation\` | A \`\${…}\` reference in the wrong place or of an unknown form. |
| \`wrong-provider-type\`, \`bad-url\` | A provider field that does not fit its type. |
| \`missing-field\` (\`url\`, \`search\`, \`stages\`), \`bad-extract\`, \`bad-pointer\`, \`wrong-response-type\` | An \`http\` target without a URL, an extraction rule that is neither \`header:NAME\` nor \`json:/pointer\` (or a pointer with a bad \`~\` escape, underlined at the character), SSE-only fields on a JSON target. |
| \`fault-field\`, \`not-ascending\`, \`too-many-items\` | A fault field that does not fit the fault's kind (e.g. \`rate\` on an \`outage\`); degradation queue marks that do not rise. |
| \`needs-two-providers\` | \`resilience.failover\` with a single provider. |
| \`unknown-level\` | A \`degradation.models\` level past the last of \`degradation.levels\`. |
| \`bad-selector\`, \`unknown-series\`, \`needs-monitor\` | A monitor selector that does not parse (underlined at the character); \`cancellations.verify\` naming a series no monitor defines, or verifying a non-mock provider without a monitor. |
| \`too-many-steps\` | A breaking-point search with more than 200 steps. |
| \`literal-secret\`, \`no-pricing\` (warnings) | A credential written in the file; a provider whose cost will read $0. |
| \`after-run\`, \`no-effect\` (warnings) | A fault window or herd probe past the end of the run; a setting that cannot act (e.g. verifying cancellations when none happen). |
`;

function limitsSection(): string {
  const d = formatLimitDuration;
  const b = formatLimitBytes;
  const n = (v: number) => v.toLocaleString('en-US');
  return [
    '## Limits',
    '',
    'Every number has a range the runner can honour, and `validate` refuses what `run` could not do,',
    'with a problem that names the field and the limit (`out-of-range`, `too-many-items`,',
    '`too-many-steps`). The field reference below gives each field\'s bounds.',
    '',
    '| What | Limit | Why |',
    '| --- | --- | --- |',
    `| A duration the runner waits for (timeouts, retry waits, think time, tool latency, intervals, TTLs) | ${d(LIMITS.durationMs)} | Node's timers cannot hold more than 2³¹−1 ms (24.8 days); longer waits are not a load test. |`,
    `| A duration of the load shape before \`timeScale\` (\`for\`, \`period\`, \`hold\`, fault and probe times) | ${d(LIMITS.shapeDurationMs)} | A year of stages, compressed by \`timeScale\`. |`,
    `| The whole run, after \`timeScale\` | ${d(LIMITS.runMs)} | Each second keeps one point in memory and in the results file. |`,
    `| \`load.timeScale\` | ${LIMITS.timeScaleMin} to ${n(LIMITS.timeScaleMax)} | A run must end in a time someone can wait for, and keep a measurable length per stage. |`,
    `| Arrival rate of any stage, multiples resolved | ${n(LIMITS.ratePerSecond)}/s | More than one machine can send; spread such load over several runners. |`,
    `| Users of any stage, multiples resolved | ${n(LIMITS.users)} | Each user holds a request and its state. |`,
    `| \`load.maxInFlight\` / \`providers[].maxConnections\` | ${n(LIMITS.maxInFlight)} / ${n(LIMITS.maxConnections)} | Memory and sockets. |`,
    `| Stages / breaking-point steps | ${LIMITS.stages} / ${LIMITS.searchSteps} | Each keeps its own statistics. |`,
    `| Mix entries / providers / thresholds / monitors / faults per provider | ${n(LIMITS.mixEntries)} / ${LIMITS.providers} / ${n(LIMITS.thresholds)} / ${LIMITS.monitors} / ${n(LIMITS.faults)} | Bounded plan size. |`,
    `| \`maxTokens\`, \`promptTokens\` | ${n(LIMITS.maxTokens)} | About the largest context window offered. |`,
    `| Retries per request | 20 | Retry amplification is a measured outcome, not a way to loop. |`,
    `| Scenario file | ${b(LIMITS.scenarioFileBytes)}, UTF-8 text without NUL bytes, a regular file | The same rule for \`validate\` and \`run\`. |`,
    `| Nesting of collections in the file | ${LIMITS.nesting} levels | The YAML parser recurses once per level. |`,
    `| A prompt file (\`prompt.file\`) / a data file (\`prompt.data.file\`) | ${b(LIMITS.promptFileBytes)} / ${b(LIMITS.dataFileBytes)}, regular files only | Read whole before the run; a device or a pipe (\`/dev/zero\`) is refused. |`,
    `| One line (and one event) of a streamed answer | ${b(LIMITS.sseLineBytes)} | A longer one ends the attempt as \`server_error\`. |`,
    `| An answer that is not streamed | ${b(LIMITS.responseBodyBytes)} | A larger one ends the attempt as \`server_error\`. |`,
    `| Monitor selectors (\`=~\`, \`!~\`) | RE2 syntax, matched in linear time | As in Prometheus; a pattern such as \`(a+)+$\` cannot stall a run. |`,
    `| \`retry-after\` from a server | honoured while the run lasts | A retry that would come after the end of the run (and its drain) is not sent: the request ends with the failure it got. |`,
    '',
  ].join('\n');
}

export function renderScenarioDocs(): string {
  return [INTRO, UNITS, LOAD, metricSection(), FAILURE_MODES, REFERENCES, limitsSection(), PROBLEMS, referenceSection()].join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}
