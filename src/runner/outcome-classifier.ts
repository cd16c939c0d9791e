// Maps what an attempt ended with — an HTTP status, an error object in a 200 body, a socket
// error — to one outcome class. Issue 4's failover and circuit breaker read the same classes.
import type { Outcome } from '../protocol/run-events';

export function outcomeForStatus(status: number): Outcome {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  return 'client_error';
}

/** An OpenAI-style `{error: {...}}` object that arrived with a 200 (or inside a stream). */
export function outcomeForErrorObject(error: unknown): Outcome {
  if (error === null || typeof error !== 'object') return 'server_error';
  const e = error as Record<string, unknown>;
  const n = Number(e.status ?? e.code);
  if (Number.isFinite(n) && n >= 400) return outcomeForStatus(n);
  const kind = `${String(e.type ?? '')} ${String(e.code ?? '')}`.toLowerCase();
  if (kind.includes('rate_limit') || kind.includes('rate limit') || kind.includes('quota')) return 'rate_limited';
  if (/invalid_request|authentication|permission|not_found|context_length|invalid_api_key/.test(kind)) return 'client_error';
  return 'server_error';
}

/** Socket-level failures from undici or the OS. Timeouts we enforce ourselves never get here. */
export function outcomeForError(error: Error): Outcome {
  const code = (error as { code?: string }).code ?? '';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return 'timeout';
  if (code.startsWith('HPE_') || code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' || code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') return 'server_error';
  return 'network';
}

/** The most specific code of a socket error: undici's own (UND_ERR_SOCKET) unless its cause
 * carries the operating system's (ECONNRESET, EMFILE). */
export function errorCodeOf(error: Error): string {
  const code = (error as { code?: unknown }).code;
  const cause = (error as { cause?: { code?: unknown } }).cause;
  if (typeof cause?.code === 'string' && cause.code !== '' && (typeof code !== 'string' || code.startsWith('UND_ERR'))) return cause.code;
  return typeof code === 'string' ? code : '';
}

export function describeError(error: Error): string {
  const code = (error as { code?: string }).code;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const base = code ? `${code}: ${error.message}` : error.message;
  return cause?.code && cause.code !== code ? `${base} (${cause.code})` : base;
}

/** retry-after-ms (milliseconds) or retry-after (seconds or an HTTP date); -1 when absent. */
export function retryAfterMs(headers: Record<string, string | string[] | undefined>, nowEpochMs: number): number {
  const ms = headers['retry-after-ms'];
  if (typeof ms === 'string') {
    const v = Number(ms);
    if (Number.isFinite(v) && v >= 0) return v;
  }
  const ra = headers['retry-after'];
  if (typeof ra === 'string') {
    const v = Number(ra);
    if (Number.isFinite(v) && v >= 0) return v * 1000;
    const date = Date.parse(ra);
    if (Number.isFinite(date)) return Math.max(0, date - nowEpochMs);
  }
  return -1;
}
