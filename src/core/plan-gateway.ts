// Plan types for verifying the user's gateway (issue 12): the upstreams behind it, each a fault
// proxy the run owns, and the answer checks a mix entry can ask of every answer.
import type { MockProfileName, TemplatedString } from './plan';
import type { PlanFault } from './plan-failure-modes';

export interface PlanUpstream {
  /** Used in `${upstream:NAME}`, in the results and in `gateway.share.NAME`. */
  name: string;
  /** The real upstream the proxy forwards to; absent when `mock` is set. */
  url?: TemplatedString;
  /** An embedded mock behind the proxy instead of a URL. */
  mock?: { profile: MockProfileName; overrides: Record<string, number | boolean | string> };
  /** 0 picks a free port. */
  port: number;
  host: string;
  /** On the run's clock (run-time ms, already divided by timeScale). */
  faults: PlanFault[];
  /** USD per 1M tokens, to price wasted attempts; null when not given. */
  pricing: { input: number; output: number } | null;
}

export interface PlanGateway {
  upstreams: PlanUpstream[];
  /** Header carrying a unique id on every request (lower case); null sends none. */
  requestIdHeader: string | null;
}

/** What every answer of a mix entry must satisfy; a failed check is the outcome `unacceptable`. */
export interface PlanAnswerCheck {
  models?: string[];
  contains?: string[];
  /** A JavaScript regular expression source. */
  matches?: string;
  /** A JSON Schema (draft-07) the answer, parsed as JSON, must satisfy. */
  jsonSchema?: Record<string, unknown>;
  minOutputTokens?: number;
  maxOutputTokens?: number;
  finishReasons?: string[];
}

/** Which upstream served an answer, read from the gateway's response. */
export interface PlanUpstreamRule {
  /** `header:NAME` or `json:/pointer`. */
  from: string;
  /** Value the gateway gives → upstream name; absent: the value is the name. */
  map?: Record<string, string>;
}

export const DEFAULT_REQUEST_ID_HEADER = 'x-stampede-request-id';
