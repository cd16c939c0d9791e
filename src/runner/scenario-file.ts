// Reading a scenario file from disk, by one rule for every front end (`validate`, `run`, the
// Artillery engine): a regular file of at most 5 MiB, no NUL anywhere, UTF-8 text. So a file
// one accepts the other never refuses.
import { formatLimitBytes, LIMITS } from '../core/limits';
import { readBoundedFile } from './bounded-file';

export type ScenarioText = { ok: true; text: string } | { ok: false; code: 'unreadable' | 'not-a-file' | 'too-large' | 'binary-file' | 'empty'; message: string };

/** The scenario's text (UTF-8, a leading BOM removed), or a phrase saying why it cannot be one,
 * to follow the file's name. */
export function readScenarioFile(file: string): ScenarioText {
  const read = readBoundedFile(file, LIMITS.scenarioFileBytes);
  if (!read.ok) {
    const code = read.reason === 'too-large' ? 'too-large' : read.reason === 'folder' || read.reason === 'not-regular' ? 'not-a-file' : 'unreadable';
    const message =
      read.reason === 'too-large' ? `is larger than ${formatLimitBytes(LIMITS.scenarioFileBytes)}: too large for a scenario file` : read.reason === 'folder' ? 'is a folder, not a scenario file' : read.message;
    return { ok: false, code, message };
  }
  const bytes = read.bytes;
  // A NUL anywhere, or bytes that are not UTF-8: a binary file, whatever its first 8 KB say.
  if (bytes.includes(0)) return { ok: false, code: 'binary-file', message: 'is a binary file, not a YAML scenario' };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, code: 'binary-file', message: 'is a binary file, not a YAML scenario (it is not UTF-8 text)' };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') return { ok: false, code: 'empty', message: 'is empty' };
  return { ok: true, text };
}

/** "x.yaml is empty" / "x.yaml: no such file": the file's name and the phrase, as one line. */
export function fileProblemText(file: string, message: string): string {
  return /^(is|has) /.test(message) ? `${file} ${message}` : `${file}: ${message}`;
}

/** Reads the scenario as UTF-8 text, or returns a one-line reason it cannot be used. */
export function readScenarioText(file: string): { text: string } | { error: string } {
  const read = readScenarioFile(file);
  return read.ok ? { text: read.text } : { error: fileProblemText(file, read.message) };
}
