// Reads one answer the way Stampede's runner does: the dialect builds the request, one Attempt
// (the runner's request lifecycle, undici underneath) sends it and the dialect reads the answer.
import { Pool } from 'undici';
import type { DialectId } from '../../../src/core/plan';
import { Attempt, type AttemptHooks } from '../../../src/runner/attempt';
import type { ToolCall } from '../../../src/runner/dialects/dialect';
import { dialectFor } from '../../../src/runner/dialects/dialects';

export interface AskSpec {
  model: string;
  system?: string;
  prompt: string;
  maxTokens: number;
  stream: boolean;
  /** Offer these tools (an agent loop's first call). */
  tools?: string[];
}

export interface RunnerAnswer {
  outcome: string;
  detail: string;
  status: number;
  text: string;
  /** Every input token (cached ones included), output tokens, cached input tokens. */
  usage: { input: number; output: number; cached: number };
  toolCalls: ToolCall[];
  /** Content token events seen (stream) */
  tokenEvents: number;
  retryAfterMs: number;
  header(name: string): string | undefined;
}

const quietHooks: AttemptHooks = { itl: () => undefined, started: () => undefined, firstToken: () => undefined, finished: () => undefined };

export async function askWithRunner(baseUrl: string, dialectId: DialectId, spec: AskSpec, apiKey = 'test-key'): Promise<RunnerAnswer> {
  const dialect = dialectFor(dialectId);
  const url = dialect.url(baseUrl, spec.model, spec.stream);
  const body = spec.tools
    ? dialect.agentBody({ model: spec.model, system: spec.system, maxTokens: spec.maxTokens, stream: spec.stream }, { system: spec.system, promptJson: JSON.stringify(spec.prompt), turns: [], tools: spec.tools.map((name) => ({ name, description: `Simulated tool ${name}` })) })
    : (() => {
        const parts = dialect.bodyParts({ model: spec.model, system: spec.system, maxTokens: spec.maxTokens, stream: spec.stream });
        return parts.head + JSON.stringify(spec.prompt) + parts.tail;
      })();
  const pool = new Pool(url.origin, { connections: 1 });
  try {
    const attempt = await new Promise<Attempt>((resolve) => {
      const hooks: AttemptHooks = { ...quietHooks, finished: (a) => resolve(a) };
      const a = new Attempt(
        { dispatcher: pool, origin: url.origin, path: url.pathname + url.search, headers: { 'content-type': 'application/json', ...dialect.authHeaders(apiKey, undefined) }, dialect },
        body,
        spec.stream,
        hooks,
        10_000,
        20_000,
        -1,
      );
      a.collect = true;
      a.start();
    });
    const events = attempt.events && attempt.events.length > 0 ? attempt.events : null;
    return {
      outcome: attempt.outcome,
      detail: attempt.detail,
      status: attempt.status,
      text: dialect.answerText(events, attempt.bodyText),
      usage: { input: attempt.usagePrompt, output: attempt.usageCompletion, cached: attempt.usageCached },
      toolCalls: dialect.toolCalls(events, attempt.bodyText),
      tokenEvents: attempt.tokens,
      retryAfterMs: attempt.retryAfter,
      header: (name) => attempt.header(name),
    };
  } finally {
    await pool.destroy();
  }
}
