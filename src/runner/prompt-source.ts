// Builds each request's prompt: synthetic text of a drawn token count, or a file / template
// with {{column}} placeholders filled from CSV or JSONL rows. Files are read once, before the
// first request, relative to the scenario's folder.
import { isAbsolute, resolve } from 'node:path';
import { LIMITS } from '../core/limits';
import { readBoundedFile } from './bounded-file';
import type { PlanMixEntry, TokenDistribution } from '../core/plan';
import { parseCsv } from '../core/csv';
import { estimateTokens } from '../core/token-estimate';
import { SeededRandom } from './seeded-random';

// Three-letter words joined by single spaces: every word is 4 characters with its space, so
// both common estimators (characters / 4 and one token per word) agree that n words are n
// tokens, and a slice of n words can be cut at a fixed offset without scanning.
const FILLER_WORDS = (
  'the and for are but not you all any can had her was one our out day get has him his how ' +
  'man new now old see two way who boy did its let put say she too use act add age ago air ' +
  'arm art ask bad bag bed big bit box bus buy car cat cup cut dog dry ear eat egg end eye'
).split(' ');
const FILLER_WORD_COUNT = 1 << 15;

export class RunConfigError extends Error {}

export function buildFillerText(rng: SeededRandom): string {
  const parts = new Array<string>(FILLER_WORD_COUNT);
  for (let i = 0; i < FILLER_WORD_COUNT; i++) parts[i] = FILLER_WORDS[Math.floor(rng.next() * FILLER_WORDS.length)];
  return parts.join(' ') + ' ';
}

/** The schema's cap on prompt sizes (about the largest context window offered today): a wide
 * log-normal may draw above it, and a synthetic prompt that long is already 8 MB. */
const MAX_PROMPT_TOKENS = 2_000_000;

export function drawTokens(dist: TokenDistribution, rng: SeededRandom): number {
  let v: number;
  switch (dist.kind) {
    case 'fixed':
      v = dist.tokens;
      break;
    case 'lognormal': {
      const mu = Math.log(Math.max(1, dist.median));
      const sigma = Math.max(0, (Math.log(Math.max(dist.p95, dist.median)) - mu) / 1.6448536);
      v = Math.exp(mu + sigma * rng.normal());
      break;
    }
    case 'normal':
      v = dist.mean + dist.stddev * rng.normal();
      break;
    case 'uniform':
      v = rng.uniform(dist.min, dist.max + 1);
      break;
  }
  return Math.min(MAX_PROMPT_TOKENS, Math.max(1, Math.floor(v)));
}

/** Synthetic prompt of `tokens` filler words starting at a random word, so prompts differ. */
export function syntheticPrompt(filler: string, tokens: number, rng: SeededRandom): string {
  const words = filler.length / 4;
  if (tokens <= words) {
    const start = Math.floor(rng.next() * (words - tokens + 1));
    return filler.slice(start * 4, (start + tokens) * 4 - 1);
  }
  let out = '';
  let left = tokens;
  while (left > words) {
    out += filler;
    left -= words;
  }
  return out + filler.slice(0, left * 4 - 1);
}

export type DataRow = Record<string, string>;

/** A prompt or data file's text: a regular file of at most `maxBytes` (a device such as
 * /dev/zero used to be read until memory ran out). */
function readText(baseDir: string, file: string, field: string, maxBytes: number): string {
  const path = isAbsolute(file) ? file : resolve(baseDir, file);
  const read = readBoundedFile(path, maxBytes);
  if (read.ok) return read.bytes.toString('utf8');
  if (read.reason === 'missing' || read.reason === 'unreadable') {
    throw new RunConfigError(`${field}: cannot read ${file} (${read.reason === 'missing' ? 'file not found' : read.message}) — resolved to ${path}`);
  }
  throw new RunConfigError(`${field}: ${file} ${read.message}`);
}

export function loadDataRows(baseDir: string, file: string, format: 'csv' | 'jsonl', field: string): DataRow[] {
  const text = readText(baseDir, file, field, LIMITS.dataFileBytes);
  if (format === 'csv') {
    const [header, ...rest] = parseCsv(text);
    if (!header) throw new RunConfigError(`${field}: ${file} has no header row`);
    return rest.map((cells) => {
      const row: DataRow = {};
      header.forEach((name, i) => (row[name.trim()] = cells[i] ?? ''));
      return row;
    });
  }
  const rows: DataRow[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new RunConfigError(`${file}:${i + 1}:1: ${field}: line is not valid JSON`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new RunConfigError(`${file}:${i + 1}:1: ${field}: each line must be a JSON object`);
    }
    const row: DataRow = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) row[k] = typeof v === 'string' ? v : JSON.stringify(v);
    rows.push(row);
  });
  return rows;
}

const PLACEHOLDER = /\{\{\s*([^}\s]+)\s*\}\}/g;

export function fillTemplate(template: string, row: DataRow | undefined): string {
  if (!row) return template;
  return template.replace(PLACEHOLDER, (whole, name: string) => (name in row ? row[name] : whole));
}

/** Per mix entry: everything needed to make a prompt without I/O. */
export class PromptMaker {
  private readonly template: string | undefined;
  private readonly rows: DataRow[] | undefined;
  private readonly random: boolean;
  private cursor = 0;

  constructor(
    private readonly entry: PlanMixEntry,
    entryIndex: number,
    baseDir: string,
    private readonly filler: string,
  ) {
    const src = entry.prompt;
    const field = `workload.mix[${entryIndex}] (${entry.name}).prompt`;
    if (src?.file !== undefined) this.template = readText(baseDir, src.file, `${field}.file`, LIMITS.promptFileBytes);
    else if (src?.template !== undefined) this.template = src.template;
    if (src?.data) {
      this.rows = loadDataRows(baseDir, src.data.file, src.data.format, `${field}.data.file`);
      if (this.rows.length === 0) throw new RunConfigError(`${field}.data.file: ${src.data.file} has no data rows`);
    }
    this.random = src?.data?.order === 'random';
  }

  /** Tokens of the last prompt made, under the shared estimate. */
  lastTokens = 0;
  /** The data row the last prompt was filled from (an http target's body uses its columns too). */
  lastRow: DataRow | undefined;
  private identical: { json: string; tokens: number; row: DataRow | undefined } | undefined;

  /** The next prompt, already JSON-encoded (a quoted string) for the request body. With
   * `identicalPrompt` the first prompt is drawn once from a generator seeded by the entry's
   * name (the filler text already follows the run's seed) and sent every time. */
  makeJson(rng: SeededRandom): string {
    if (this.entry.identicalPrompt) {
      if (!this.identical) {
        const json = this.makeJsonFresh(new SeededRandom(nameSeed(this.entry.name)));
        this.identical = { json, tokens: this.lastTokens, row: this.lastRow };
      }
      this.lastTokens = this.identical.tokens;
      this.lastRow = this.identical.row;
      return this.identical.json;
    }
    return this.makeJsonFresh(rng);
  }

  private makeJsonFresh(rng: SeededRandom): string {
    if (this.template === undefined) {
      const tokens = drawTokens(this.entry.promptTokens, rng);
      this.lastTokens = tokens;
      // Filler words are plain lowercase letters and spaces: nothing to escape.
      return '"' + syntheticPrompt(this.filler, tokens, rng) + '"';
    }
    const text = this.make(rng);
    this.lastTokens = estimateTokens(text);
    return JSON.stringify(text);
  }

  make(rng: SeededRandom): string {
    if (this.template === undefined) return syntheticPrompt(this.filler, drawTokens(this.entry.promptTokens, rng), rng);
    if (!this.rows) return this.template;
    const i = this.random ? Math.floor(rng.next() * this.rows.length) : this.cursor++ % this.rows.length;
    this.lastRow = this.rows[i];
    return fillTemplate(this.template, this.rows[i]);
  }
}

/** FNV-1a of a name: a stable seed per mix entry. */
function nameSeed(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
