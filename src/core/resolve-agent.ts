// A workload entry's agent loop: the tools offered to the model and how each behaves.
import type { PlanAgent } from './plan-failure-modes';
import type { ProblemSink } from './problem-sink';
import type { PathSegment } from './yaml-source';
import { asFields, asList, asNumber, asString, asStringOrNumber, has } from './read-value';
import { parseFraction, parseRange } from './units';

const DEFAULT_TOOL_LATENCY = { minMs: 50, maxMs: 200 };

export function resolveAgent(raw: unknown, path: PathSegment[], sink: ProblemSink): PlanAgent | undefined {
  const agent = asFields(raw);
  if (!agent) return undefined;
  const tools: PlanAgent['tools'] = [];
  const names = new Set<string>();
  asList(agent.tools).forEach((item, index) => {
    const toolPath = [...path, 'tools', index];
    const fields = asFields(item);
    const name = typeof item === 'string' ? item : asString(fields?.name);
    if (name === undefined) return;
    if (names.has(name)) sink.error('duplicate-name', `tool '${name}' is listed twice: tool names must be unique`, typeof item === 'string' ? toolPath : [...toolPath, 'name']);
    names.add(name);
    let latency = DEFAULT_TOOL_LATENCY;
    if (typeof fields?.latency === 'string') {
      const range = parseRange(fields.latency);
      if (range.ok) latency = range.value;
      else if (fields.latency.includes('..')) sink.error('bad-range', range.message, [...toolPath, 'latency']);
    }
    let failureRate = 0;
    const rate = asStringOrNumber(fields?.failureRate);
    if (rate !== undefined) {
      const parsed = parseFraction(rate);
      if (parsed.ok) failureRate = parsed.value;
    }
    tools.push({ name, latencyMinMs: latency.minMs, latencyMaxMs: latency.maxMs, failureRate });
  });
  if (has(agent, 'tools') && tools.length === 0 && asList(agent.tools).length > 0) return undefined;
  return { maxSteps: asNumber(agent.maxSteps) ?? 8, tools };
}
