// Reads a file the scenario names (the scenario itself, a prompt, a data file) with a size cap,
// and only if it is a regular file: a device such as /dev/zero or /dev/urandom, a pipe or a
// socket has no end and would be read until memory runs out.
import fs from 'node:fs';
import { formatLimitBytes } from '../core/limits';

export type BoundedRead = { ok: true; bytes: Buffer } | { ok: false; reason: 'missing' | 'folder' | 'not-regular' | 'too-large' | 'unreadable'; message: string };

/** The file's bytes, or why it cannot be used, in a phrase that follows its name
 * ("is not a regular file (a device, pipe or socket)"). */
export function readBoundedFile(path: string, maxBytes: number): BoundedRead {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path);
  } catch (error) {
    return unreadable(error);
  }
  if (stat.isDirectory()) return { ok: false, reason: 'folder', message: 'is a folder, not a file' };
  if (!stat.isFile()) return { ok: false, reason: 'not-regular', message: 'is not a regular file (a device, pipe or socket has no end): give the path of a file' };
  if (stat.size > maxBytes) return tooLarge(stat.size, maxBytes);
  let fd: number;
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    return unreadable(error);
  }
  try {
    // The file may have been swapped or grown since stat: read at most one byte past the cap.
    if (!fs.fstatSync(fd).isFile()) return { ok: false, reason: 'not-regular', message: 'is not a regular file (a device, pipe or socket has no end): give the path of a file' };
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, maxBytes + 1 - length));
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      length += n;
      if (length > maxBytes) return tooLarge(length, maxBytes);
    }
    return { ok: true, bytes: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, length) };
  } catch (error) {
    return unreadable(error);
  } finally {
    fs.closeSync(fd);
  }
}

function tooLarge(size: number, maxBytes: number): BoundedRead {
  return { ok: false, reason: 'too-large', message: `is larger than ${formatLimitBytes(maxBytes)} (${(size / 1024 / 1024).toFixed(1)} MiB): too large to read` };
}

function unreadable(error: unknown): BoundedRead {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return { ok: false, reason: 'missing', message: 'no such file' };
  if (code === 'EACCES') return { ok: false, reason: 'unreadable', message: 'permission denied' };
  return { ok: false, reason: 'unreadable', message: `cannot be read (${code ?? (error as Error).message})` };
}
