// One attempt through the fault proxy, as the run's per-upstream counts see it: how it ended,
// its status, the fault that touched it, bytes, time to first byte, the model its answer named
// and the request id it carried.
import { performance } from 'node:perf_hooks';
import type { FaultKind } from './fault-schedule';

/** How an attempt through the proxy ended, as an upstream's client (a gateway) saw it. */
export type ExchangeResult = 'ok' | 'rate_limited' | 'server_error' | 'client_error' | 'network' | 'abandoned';

/** One attempt through the proxy: a request, or a connection refused by an outage. */
export interface ProxyExchange {
  /** performance.now() when it arrived and when it ended. */
  startAt: number;
  endAt: number;
  result: ExchangeResult;
  /** HTTP status answered (0: none, e.g. a refused connection). */
  status: number;
  /** The fault that answered it (outage, error-rate, rate-limit) or shaped it (latency, slow-stream). */
  fault: FaultKind | null;
  /** Answered by the proxy's fault schedule: the upstream never saw it. */
  injected: boolean;
  /** Request body bytes received, and response body bytes sent to the client. */
  requestBytes: number;
  bytes: number;
  /** Arrival to the first byte of the response body (headers alone for an answer without one); null without a response. */
  ttfbMs: number | null;
  /** The `model` the answer named (JSON body or first SSE event), null when unknown. */
  model: string | null;
  requestId: string | null;
}

/** Bytes of an answer's start kept to read the model it names. */
const SNIFF_BYTES = 2048;
const MODEL_FIELD = /"model"\s*:\s*"((?:[^"\\]|\\.){0,200})"/;

/** One attempt in flight: ends exactly once, with one counter and one record. */
export class Exchange {
  ended = false;
  status = 0;
  fault: FaultKind | null = null;
  bytes = 0;
  requestBytes = 0;
  firstByteAt = 0;
  private sniffed = '';

  constructor(
    readonly startAt: number,
    readonly requestId: string | null,
  ) {}

  noteBody(chunk: Buffer | string): void {
    if (this.firstByteAt === 0) this.firstByteAt = performance.now();
    this.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    if (this.sniffed.length < SNIFF_BYTES) this.sniffed += (typeof chunk === 'string' ? chunk : chunk.toString('latin1')).slice(0, SNIFF_BYTES);
  }

  record(result: ExchangeResult, injected: boolean): ProxyExchange {
    const endAt = performance.now();
    const model = MODEL_FIELD.exec(this.sniffed)?.[1] ?? null;
    return {
      startAt: this.startAt,
      endAt,
      result,
      status: this.status,
      fault: this.fault,
      injected,
      requestBytes: this.requestBytes,
      bytes: this.bytes,
      ttfbMs: this.firstByteAt > 0 ? this.firstByteAt - this.startAt : null,
      model,
      requestId: this.requestId,
    };
  }
}

export function resultOfStatus(status: number): ExchangeResult {
  if (status >= 200 && status < 400) return 'ok';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  return 'client_error';
}

