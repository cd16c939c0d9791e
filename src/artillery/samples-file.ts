// An audit trail of the sketches: with STAMPEDE_SAMPLES_FILE set, a worker also writes every
// histogram sample it emits to that file, one `name value` line each, so the percentiles
// Artillery merged can be checked against the exact values (the scale-out test does).
import { createWriteStream, type WriteStream } from 'node:fs';
import type { MetricEmitter } from './artillery-sink';

export class SamplesFile implements MetricEmitter {
  private readonly out: WriteStream;
  private failure: Error | null = null;

  constructor(path: string, private readonly next: MetricEmitter) {
    this.out = createWriteStream(path, { flags: 'a' });
    this.out.on('error', (error) => (this.failure = error));
  }

  emit(event: 'counter' | 'histogram', name: string, value: number): unknown {
    if (event === 'histogram' && !this.failure) this.out.write(`${name} ${value}\n`);
    return this.next.emit(event, name, value);
  }

  /** Flushes and closes the file; rejects with the first write error. */
  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.out.end(() => (this.failure ? reject(this.failure) : resolve()));
    });
  }
}
