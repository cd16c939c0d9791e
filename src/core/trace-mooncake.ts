// The Mooncake trace format (as published with the Mooncake paper and replayed by LLM serving
// benchmarks): JSON Lines of { timestamp, input_length, output_length, hash_ids }, where
// timestamp is milliseconds since the first request and hash_ids names each block of
// `blockTokens` prompt tokens (512 in the published traces; a last partial block has an id
// too). Requests whose hash_ids start alike share that many blocks of prompt prefix.
import { parseJsonObjectLine } from './trace-jsonl';
import { TraceError, readTokenCount, type TraceReadOptions, type TraceRecord } from './trace-record';

export const MOONCAKE_BLOCK_TOKENS = 512;

export class MooncakeTraceReader {
  private readonly blockTokens: number;

  constructor(options: TraceReadOptions) {
    this.blockTokens = options.blockTokens ?? MOONCAKE_BLOCK_TOKENS;
  }

  readLine(text: string, line: number): TraceRecord[] {
    if (text.trim() === '') return [];
    const record = parseJsonObjectLine(text, line);
    const stamp = record.timestamp;
    if (typeof stamp !== 'number' || !Number.isFinite(stamp)) {
      throw new TraceError(line, `timestamp is ${stamp === undefined ? 'missing' : JSON.stringify(stamp)}: expected milliseconds since the first request (a number)`);
    }
    if (stamp < 0) throw new TraceError(line, `timestamp is ${stamp}: milliseconds since the first request cannot be negative`);
    const promptTokens = readTokenCount(record.input_length, line, 'input_length');
    const outputTokens = readTokenCount(record.output_length, line, 'output_length');
    const out: TraceRecord = { line, timeMs: stamp, promptTokens, outputTokens, route: '' };
    if (record.hash_ids !== undefined) {
      const ids = record.hash_ids;
      if (!Array.isArray(ids)) throw new TraceError(line, `hash_ids must be a list of block ids, got ${JSON.stringify(ids).slice(0, 40)}`);
      const most = Math.ceil(promptTokens / this.blockTokens);
      if (ids.length > most) {
        throw new TraceError(line, `hash_ids has ${ids.length} blocks, but input_length ${promptTokens} fills at most ${most} blocks of ${this.blockTokens} tokens (set trace.blockTokens if the trace used another block size)`);
      }
      for (const id of ids) {
        if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) throw new TraceError(line, `hash_ids holds ${JSON.stringify(id)}: block ids are whole numbers ≥ 0`);
      }
      out.blocks = ids as number[];
    }
    // Some tools add a model or route; keep it when present.
    if (typeof record.model === 'string') out.route = record.model;
    return [out];
  }
}
