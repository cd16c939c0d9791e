// Agent loops: the runner plays the application around a tool-calling model. Each model call
// offers the scenario's tools; when the answer asks for tool calls, each tool is simulated (a
// seeded latency in its range, an error result at its failure rate), the calls and the results
// are appended, and the model is called again, until a final answer or `maxSteps` model calls.
// Steps = model calls per task, the final answer included. The conversation is kept neutral and
// spelled by the dialect of each call, so a task that fails over to a provider of another
// dialect goes on there.
import type { PlanAgent } from '../core/plan-failure-modes';
import type { Attempt } from './attempt';
import type { AgentConversation, BodySpec, Dialect, ToolCall, ToolResult } from './dialects/dialect';
import type { SeededRandom } from './seeded-random';

export type { ToolCall } from './dialects/dialect';

/** One agent task's state, carried by its request across model calls. */
export class AgentTask {
  readonly conversation: AgentConversation & { turns: Array<{ calls: readonly ToolCall[]; results: ToolResult[] }> };
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
    system: string | undefined,
    promptJson: string,
  ) {
    this.conversation = { system, promptJson, turns: [], tools: agent.tools.map((t) => ({ name: t.name, description: `Simulated tool ${t.name}` })) };
  }

  /** The whole request body of the next model call, in `dialect`. */
  body(dialect: Dialect, spec: BodySpec): string {
    return dialect.agentBody(spec, this.conversation);
  }

  /**
   * Simulates the calls of one answer and appends them with their results.
   * Tools of one answer run in parallel: the returned delay is the slowest one's latency.
   */
  runTools(calls: readonly ToolCall[], rng: SeededRandom): number {
    const results: ToolResult[] = [];
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
      results.push({ callId: call.id, name: call.name, content });
    }
    this.conversation.turns.push({ calls, results });
    return delay;
  }
}

/** The tool calls an answer asks for (a JSON answer or the events of a stream); empty for a
 * final answer or a body that cannot be read. */
export function toolCallsOf(a: Attempt, dialect: Dialect | null): ToolCall[] {
  if (!dialect) return [];
  return dialect.toolCalls(a.events && a.events.length > 0 ? a.events : null, a.bodyText);
}
