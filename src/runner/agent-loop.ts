// Agent loops: the runner plays the application around an OpenAI tool-calling model. Each model
// call offers the scenario's tools; when the answer asks for tool calls, each tool is simulated
// (a seeded latency in its range, an error result at its failure rate), the assistant message and
// the tool results are appended, and the model is called again, until a final answer or
// `maxSteps` model calls. Steps = model calls per task, the final answer included.
import type { PlanAgent } from '../core/plan-failure-modes';
import type { Attempt } from './attempt';
import type { SeededRandom } from './seeded-random';

export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** One agent task's state, carried by its request across model calls. */
export class AgentTask {
  /** JSON of each message so far, in order. */
  readonly messages: string[];
  steps = 0;
  inputTokens = 0;
  cachedTokens = 0;
  outputTokens = 0;
  cost = 0;
  usage = true;
  toolCalls = 0;
  toolFailures = 0;
  /** The task hit maxSteps while the model still asked for tools. */
  capped = false;

  constructor(
    readonly agent: PlanAgent,
    firstMessages: string[],
  ) {
    this.messages = firstMessages;
  }

  /** The `tools` array of the request, as OpenAI function tools. */
  toolsJson(): string {
    return JSON.stringify(
      this.agent.tools.map((t) => ({
        type: 'function',
        function: { name: t.name, description: `Simulated tool ${t.name}`, parameters: { type: 'object', properties: {}, additionalProperties: true } },
      })),
    );
  }

  /** The whole request body of the next model call. */
  body(model: string, maxTokens: number, stream: boolean): string {
    const streamPart = stream ? ',"stream":true,"stream_options":{"include_usage":true}' : ',"stream":false';
    return `{"model":${JSON.stringify(model)},"messages":[${this.messages.join(',')}],"tools":${this.toolsJson()},"max_tokens":${Math.max(1, Math.floor(maxTokens))}${streamPart}}`;
  }

  /**
   * Simulates the calls of one answer and appends the assistant message and the tool results.
   * Tools of one answer run in parallel: the returned delay is the slowest one's latency.
   */
  runTools(calls: readonly ToolCall[], rng: SeededRandom): number {
    this.messages.push(
      JSON.stringify({ role: 'assistant', content: null, tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) }),
    );
    let delay = 0;
    for (const call of calls) {
      const tool = this.agent.tools.find((t) => t.name === call.name);
      this.toolCalls++;
      let content: string;
      if (!tool) {
        this.toolFailures++;
        content = JSON.stringify({ error: `unknown tool ${call.name}` });
      } else {
        const latency = tool.latencyMaxMs > tool.latencyMinMs ? rng.uniform(tool.latencyMinMs, tool.latencyMaxMs) : tool.latencyMinMs;
        delay = Math.max(delay, latency);
        if (tool.failureRate > 0 && rng.next() < tool.failureRate) {
          this.toolFailures++;
          content = JSON.stringify({ error: `${tool.name} failed (simulated, failureRate ${tool.failureRate})` });
        } else {
          content = JSON.stringify({ result: `simulated result of ${tool.name}`, step: this.steps });
        }
      }
      this.messages.push(JSON.stringify({ role: 'tool', tool_call_id: call.id, content }));
    }
    return delay;
  }
}

/** The tool calls an answer asks for (a JSON completion or the events of a stream); empty for
 * a final answer or a body that cannot be read. */
export function toolCallsOf(a: Attempt): ToolCall[] {
  if (a.events && a.events.length > 0) return toolCallsOfStream(a.events);
  if (a.bodyText === '' || a.bodyText.indexOf('"tool_calls"') < 0) return [];
  try {
    const obj = JSON.parse(a.bodyText) as { choices?: Array<{ message?: { tool_calls?: unknown } }> };
    const calls = obj.choices?.[0]?.message?.tool_calls;
    if (!Array.isArray(calls)) return [];
    return calls.flatMap((c: { id?: unknown; function?: { name?: unknown; arguments?: unknown } }, i) =>
      typeof c?.function?.name === 'string' ? [{ id: typeof c.id === 'string' ? c.id : `call_${i}`, name: c.function.name, arguments: typeof c.function.arguments === 'string' ? c.function.arguments : '{}' }] : [],
    );
  } catch {
    return [];
  }
}

function toolCallsOfStream(events: readonly string[]): ToolCall[] {
  const byIndex = new Map<number, ToolCall>();
  for (const data of events) {
    if (data.indexOf('"tool_calls"') < 0) continue;
    let obj: { choices?: Array<{ delta?: { tool_calls?: unknown } }> };
    try {
      obj = JSON.parse(data) as typeof obj;
    } catch {
      continue;
    }
    const deltas = obj.choices?.[0]?.delta?.tool_calls;
    if (!Array.isArray(deltas)) continue;
    for (const d of deltas as Array<{ index?: unknown; id?: unknown; function?: { name?: unknown; arguments?: unknown } }>) {
      const index = typeof d.index === 'number' ? d.index : 0;
      let call = byIndex.get(index);
      if (!call) byIndex.set(index, (call = { id: `call_${index}`, name: '', arguments: '' }));
      if (typeof d.id === 'string') call.id = d.id;
      if (typeof d.function?.name === 'string') call.name += d.function.name;
      if (typeof d.function?.arguments === 'string') call.arguments += d.function.arguments;
    }
  }
  return [...byIndex.entries()].sort((x, y) => x[0] - y[0]).map(([, c]) => c).filter((c) => c.name !== '');
}
