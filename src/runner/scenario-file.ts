// Reading a scenario file from disk: the checks every front end makes before analysing the text.
import { readFileSync, statSync } from 'node:fs';

/** Reads the scenario as UTF-8 text, or returns a one-line reason it cannot be used. */
export function readScenarioText(file: string): { text: string } | { error: string } {
  let data: Buffer;
  try {
    if (statSync(file).isDirectory()) return { error: `${file} is a folder, not a scenario file` };
    data = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { error: `${file}: no such file` };
    if (code === 'EACCES') return { error: `${file}: permission denied` };
    return { error: `cannot read ${file}: ${(error as Error).message}` };
  }
  if (data.includes(0)) return { error: `${file} is a binary file, not a YAML scenario` };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return { error: `${file} is not UTF-8 text` };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') return { error: `${file} is empty` };
  return { text };
}
