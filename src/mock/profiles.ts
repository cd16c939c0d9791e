// Mock provider profiles: the parameters of the simulated GPU, its admission queue, rate limits
// and caches. docs/mock.md explains where every figure comes from.
import type { MockProfileName } from '../core/plan';
import { MOCK_PARAMETER_RULES } from '../core/mock-parameters';

export interface MockProfile {
  /** Model name reported by /v1/models and in /metrics labels; responses echo the requested model. */
  model: string;
  /** Maximum sequences decoding at once (vLLM's max_num_seqs). */
  batchSlots: number;
  /** KV-cache budget in tokens. A running sequence reserves prompt + output tokens at admission. */
  kvCacheTokens: number;
  /** Longest prompt + max_tokens accepted; longer requests get 400 like vLLM's max_model_len. */
  maxModelLen: number;
  /** Prompt tokens processed per second of prefill; 0 means prefill takes no time. */
  prefillTokensPerSecond: number;
  /** Prompt tokens prefilled per engine step at most (vLLM's max_num_batched_tokens, chunked prefill). */
  maxPrefillTokensPerStep: number;
  /** Fixed part of one decode step in ms (reading the weights once). */
  decodeStepBaseMs: number;
  /** Extra ms per running sequence in a decode step (reading its KV cache). */
  decodeStepPerSeqMs: number;
  /** Requests allowed to wait for admission; one more gets 503 at once. */
  queueCapacity: number;
  /** Requests per minute before 429; 0 disables the limit (and its headers). */
  rpm: number;
  /** Tokens per minute (prompt + max_tokens per request, as OpenAI estimates) before 429; 0 disables. */
  tpm: number;
  /** Whether the prefix (prompt) cache is on. */
  prefixCache: boolean;
  /** Prefix-cache capacity in tokens (least recently used blocks are evicted). */
  prefixCacheTokens: number;
  /** Tokens per prefix-cache block; only whole blocks of a shared prefix are reused. */
  prefixCacheBlockTokens: number;
  /** Keep generating after the client disconnects (a deliberate leak, to be detected). */
  leakOnDisconnect: boolean;
  /** max_tokens used when the request gives none. */
  defaultMaxTokens: number;
  /** Share of requests that run to max_tokens (finish_reason "length"); the rest stop earlier. */
  fullLengthShare: number;
  /** Earliest stop of a shorter answer, as a share of max_tokens. */
  minOutputShare: number;
  /** Model name reported by degraded (level 1) answers; empty means the requested model + "-mini". */
  degradedModel: string;
  /** Model name every answer reports; empty echoes the requested model (a gateway test's "wrong model" upstream). */
  answerModel: string;
  /** Text of every answer, cut to the drawn length; empty gives the filler text (e.g. a JSON answer, or a malformed one). */
  answerText: string;
  /** Tool-call steps before a final answer when a request carries tools and the queue is empty. */
  agentBaseSteps: number;
  /** Extra tool-call steps at a full waiting queue (scaled by waiting / queue capacity). */
  agentUnderLoadSteps: number;
  /** Send token usage with answers (false: none, where the dialect's format allows leaving it
   * out — not Anthropic's — so a client must count the answer itself). */
  reportUsage: boolean;
}

export const MOCK_PROFILES: Record<MockProfileName, MockProfile> = {
  instant: {
    model: 'stampede-mock',
    batchSlots: 1_000_000,
    kvCacheTokens: 1e12,
    maxModelLen: 1e9,
    prefillTokensPerSecond: 0,
    maxPrefillTokensPerStep: 1e9,
    decodeStepBaseMs: 0,
    decodeStepPerSeqMs: 0,
    queueCapacity: 1_000_000,
    rpm: 0,
    tpm: 0,
    prefixCache: true,
    prefixCacheTokens: 1_000_000,
    prefixCacheBlockTokens: 16,
    leakOnDisconnect: false,
    defaultMaxTokens: 16,
    fullLengthShare: 1,
    minOutputShare: 0.25,
    degradedModel: '',
    answerModel: '',
    answerText: '',
    agentBaseSteps: 2,
    agentUnderLoadSteps: 4,
    reportUsage: true,
  },
  'small-gpu': {
    model: 'mock-8b-small-gpu',
    batchSlots: 16,
    kvCacheTokens: 24_576,
    maxModelLen: 8_192,
    prefillTokensPerSecond: 4_000,
    maxPrefillTokensPerStep: 2_048,
    decodeStepBaseMs: 20,
    decodeStepPerSeqMs: 1.5,
    queueCapacity: 64,
    rpm: 0,
    tpm: 0,
    prefixCache: true,
    prefixCacheTokens: 16_384,
    prefixCacheBlockTokens: 16,
    leakOnDisconnect: false,
    defaultMaxTokens: 256,
    fullLengthShare: 0.7,
    minOutputShare: 0.25,
    degradedModel: '',
    answerModel: '',
    answerText: '',
    agentBaseSteps: 2,
    agentUnderLoadSteps: 4,
    reportUsage: true,
  },
  'h100-8b': {
    model: 'mock-llama-3-8b-h100',
    batchSlots: 256,
    kvCacheTokens: 458_752,
    maxModelLen: 8_192,
    prefillTokensPerSecond: 30_000,
    maxPrefillTokensPerStep: 8_192,
    decodeStepBaseMs: 7,
    decodeStepPerSeqMs: 0.06,
    queueCapacity: 1_024,
    rpm: 0,
    tpm: 0,
    prefixCache: true,
    prefixCacheTokens: 131_072,
    prefixCacheBlockTokens: 16,
    leakOnDisconnect: false,
    defaultMaxTokens: 256,
    fullLengthShare: 0.7,
    minOutputShare: 0.25,
    degradedModel: '',
    answerModel: '',
    answerText: '',
    agentBaseSteps: 2,
    agentUnderLoadSteps: 4,
    reportUsage: true,
  },
  'rate-limited-api': {
    model: 'mock-hosted-mini',
    batchSlots: 4_096,
    kvCacheTokens: 1e9,
    maxModelLen: 128_000,
    prefillTokensPerSecond: 50_000,
    maxPrefillTokensPerStep: 1e9,
    decodeStepBaseMs: 12,
    decodeStepPerSeqMs: 0,
    queueCapacity: 4_096,
    rpm: 60,
    tpm: 40_000,
    prefixCache: true,
    prefixCacheTokens: 1_000_000,
    prefixCacheBlockTokens: 128,
    leakOnDisconnect: false,
    defaultMaxTokens: 256,
    fullLengthShare: 0.7,
    minOutputShare: 0.25,
    degradedModel: '',
    answerModel: '',
    answerText: '',
    agentBaseSteps: 2,
    agentUnderLoadSteps: 4,
    reportUsage: true,
  },
};

export const MOCK_PROFILE_NAMES = Object.keys(MOCK_PROFILES) as MockProfileName[];

export function isMockProfileName(name: string): name is MockProfileName {
  return Object.prototype.hasOwnProperty.call(MOCK_PROFILES, name);
}

/** Bounds each numeric parameter must respect, so a typo cannot hang or crash the scheduler. */
function numberRule(key: string): { min: number; max?: number; integer?: boolean } | undefined {
  const rule = MOCK_PARAMETER_RULES[key];
  if (!rule || rule.minimum === undefined) return undefined;
  return { min: rule.minimum, max: rule.maximum, integer: rule.type === 'integer' };
}

/**
 * The named profile with `overrides` applied. Values may be given as strings (from `--set
 * key=value`) and are coerced to the parameter's type. Throws an Error with a one-line message
 * on an unknown name or key, or a value of the wrong type or out of range.
 */
export function resolveMockProfile(
  name: string,
  overrides: Record<string, number | boolean | string> = {},
): MockProfile {
  if (!isMockProfileName(name)) {
    throw new Error(`unknown mock profile '${name}'; valid profiles: ${MOCK_PROFILE_NAMES.join(', ')}`);
  }
  const base = MOCK_PROFILES[name];
  const profile: MockProfile = { ...base };
  const validKeys = Object.keys(base);
  for (const [key, raw] of Object.entries(overrides)) {
    if (!Object.prototype.hasOwnProperty.call(base, key)) {
      throw new Error(`unknown mock profile parameter '${key}'; valid parameters: ${validKeys.join(', ')}`);
    }
    const field = key as keyof MockProfile;
    const expected = typeof base[field];
    const value = coerce(raw, expected);
    if (value === undefined) {
      throw new Error(`mock profile parameter '${key}' must be a ${expected}, got ${JSON.stringify(raw)}`);
    }
    if (typeof value === 'number') {
      const rule = numberRule(field);
      if (!Number.isFinite(value) || (rule && (value < rule.min || (rule.max !== undefined && value > rule.max)))) {
        const range = rule ? (rule.max !== undefined ? `between ${rule.min} and ${rule.max}` : `>= ${rule.min}`) : 'finite';
        throw new Error(`mock profile parameter '${key}' must be ${range}, got ${value}`);
      }
      if (rule?.integer && !Number.isInteger(value)) {
        throw new Error(`mock profile parameter '${key}' must be a whole number, got ${value}`);
      }
    }
    (profile as unknown as Record<string, unknown>)[field] = value;
  }
  return profile;
}

function coerce(raw: number | boolean | string, expected: string): number | boolean | string | undefined {
  if (typeof raw === expected) return raw;
  if (typeof raw !== 'string') return undefined;
  if (expected === 'number') {
    const trimmed = raw.trim().replace(/_/g, '');
    if (trimmed === '') return undefined;
    const value = Number(trimmed);
    return Number.isNaN(value) ? undefined : value;
  }
  if (expected === 'boolean') {
    if (raw === 'true') return true;
    if (raw === 'false') return false;
  }
  return undefined;
}

/** One line per notable figure, for `stampede mock` to print at start. */
export function describeMockProfile(name: string, profile: MockProfile): string[] {
  const perStreamLow = profile.decodeStepBaseMs + profile.decodeStepPerSeqMs > 0
    ? (1000 / (profile.decodeStepBaseMs + profile.decodeStepPerSeqMs)).toFixed(0)
    : 'unlimited';
  const full = profile.decodeStepBaseMs + profile.decodeStepPerSeqMs * profile.batchSlots;
  const perStreamFull = full > 0 ? (1000 / full).toFixed(0) : 'unlimited';
  return [
    `profile ${name}: model ${profile.model}`,
    `  batch slots ${profile.batchSlots}, KV cache ${profile.kvCacheTokens} tokens, queue ${profile.queueCapacity}, max model len ${profile.maxModelLen}`,
    `  prefill ${profile.prefillTokensPerSecond > 0 ? profile.prefillTokensPerSecond + ' tokens/s' : 'instant'}, decode ${perStreamLow} tokens/s per stream alone, ${perStreamFull} at a full batch`,
    `  rate limits: ${profile.rpm > 0 ? profile.rpm + ' RPM' : 'no RPM limit'}, ${profile.tpm > 0 ? profile.tpm + ' TPM' : 'no TPM limit'}`,
    `  prefix cache ${profile.prefixCache ? `on (${profile.prefixCacheTokens} tokens, blocks of ${profile.prefixCacheBlockTokens})` : 'off'}, on disconnect: ${profile.leakOnDisconnect ? 'keeps generating (leak)' : 'stops generating'}`,
  ];
}
