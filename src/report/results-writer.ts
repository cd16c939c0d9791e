// Writes the results file while a run goes on, so a crash or SIGKILL keeps what was measured.
// Each write goes to a temporary file that is flushed to the disk (fsync) and then renamed over
// the target: a reader, a killed run or a power loss only ever finds a complete JSON document.
import fs from 'node:fs';
import { dirname } from 'node:path';
import type { RunEvent } from '../protocol/run-events';
import { applyRunEvent, serializeResults, type ResultsDocument } from './results-document';
import { scrubJson } from './redact';
import { ensureDirectory } from './ensure-directory';

/** Rewrites happen at most this often... */
const MIN_INTERVAL_MS = 1000;
/** ...and at least this often while something changed. A long run's file grows, so the interval
 * stretches with the time a write takes (10x), within these bounds. */
const MAX_INTERVAL_MS = 5000;

export interface ResultsWriterOptions {
  path: string;
  doc: ResultsDocument;
  /** Applied to the serialized text before it is written (secret scrubbing). */
  scrub?: (text: string) => string;
}

export class ResultsWriter {
  readonly path: string;
  readonly doc: ResultsDocument;
  private readonly scrub: (text: string) => string;
  private readonly seriesLines: string[] = [];
  private dirty = false;
  private lastWriteAt = 0;
  private intervalMs = MIN_INTERVAL_MS;
  private timer: NodeJS.Timeout | null = null;
  private lastError: string | null = null;

  constructor(options: ResultsWriterOptions) {
    this.path = options.path;
    this.doc = options.doc;
    this.scrub = options.scrub ?? ((text) => text);
    try {
      ensureDirectory(dirname(this.path));
    } catch (error) {
      throw new Error(`cannot write results file ${this.path}: ${(error as Error).message}`);
    }
  }

  /** Writes the initial file and starts the periodic rewrite. Throws if the file cannot be written. */
  open(): void {
    this.write();
    if (this.lastError) throw new Error(`cannot write results file ${this.path}: ${this.lastError}`);
    this.timer = setInterval(() => this.maybeWrite(), 250);
    this.timer.unref();
  }

  handle(event: RunEvent): void {
    applyRunEvent(this.doc, event);
    if (event.type === 'tick') this.seriesLines.push(scrubJson(JSON.stringify(event.point), this.scrub));
    this.dirty = true;
    if (event.type === 'start') this.write();
    else this.maybeWrite();
  }

  /** Writes what has changed now (the editor is closing mid-run): the file keeps every second
   * measured so far, not only those up to the last periodic write. */
  flush(): void {
    if (this.dirty) this.write();
  }

  /** Final write; stops the timer. Returns an error message if the write failed. */
  close(): string | null {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.write();
    return this.lastError;
  }

  private maybeWrite(): void {
    if (this.dirty && Date.now() - this.lastWriteAt >= this.intervalMs) this.write();
  }

  private write(): void {
    const started = Date.now();
    this.doc.updatedAt = new Date(started).toISOString();
    const text = scrubJson(serializeResults(this.doc, this.seriesLines), this.scrub);
    const tmp = `${this.path}.${process.pid}.tmp`;
    try {
      writeDurably(tmp, text);
      fs.renameSync(tmp, this.path);
      syncFolder(dirname(this.path));
      this.lastError = null;
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      fs.rmSync(tmp, { force: true });
    }
    this.dirty = false;
    this.lastWriteAt = Date.now();
    const took = this.lastWriteAt - started;
    this.intervalMs = Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, took * 10));
  }
}

/** Writes and fsyncs a file, so the rename that follows never publishes an empty one. */
function writeDurably(path: string, text: string): void {
  const fd = fs.openSync(path, 'w');
  try {
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Flushes a rename to the disk; some file systems cannot sync a folder, which is no error. */
function syncFolder(path: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(path, 'r');
    fs.fsyncSync(fd);
  } catch {
    // EISDIR / EINVAL / EPERM on file systems without directory sync
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
