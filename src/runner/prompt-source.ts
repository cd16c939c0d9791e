// Builds each request's prompt: synthetic text of a drawn token count, or a file / template
// with {{column}} placeholders filled from CSV or JSONL rows. Files are read once, before the
// first request, relative to the scenario's folder. Everything a tokenizer has to count is
// counted here, once, before the run: making a prompt during the run is a slice and a lookup.
import { isAbsolute, resolve } from 'node:path';
import { LIMITS } from '../core/limits';
import { readBoundedFile } from './bounded-file';
import type { PlanMixEntry, TokenDistribution } from '../core/plan';
import { parseCsv } from '../core/csv';
import { loadTokenizer, type Tokenizer } from '../tokenizers/tokenizer';
import { SeededRandom } from './seeded-random';

// Three-letter words joined by single spaces: every word is 4 characters with its space, so
// under characters / 4 n words are n tokens, and a slice of n words can be cut at a fixed offset
// without scanning. Under a real tokenizer only words that are one token both with and without
// their leading space are used: BPE tokenizers split text at each space-led word before merging,
// so n such words are exactly n tokens wherever the slice starts.
const FILLER_WORDS = (
  'the and for are but not you all any can had her was one our out day get has him his how ' +
  'man new now old see two way who boy did its let put say she too use act add age ago air ' +
  'arm art ask bad bag bed big bit box bus buy car cat cup cut dog dry ear eat egg end eye'
).split(' ');
const FILLER_WORD_COUNT = 1 << 15;

export class RunConfigError extends Error {}

/** The filler words that are single tokens under `tokenizer` (all of them for approx). */
export function fillerWordsFor(tokenizer: Tokenizer): string[] {
  if (tokenizer.vocabulary === null) return FILLER_WORDS;
  const words = FILLER_WORDS.filter((w) => tokenizer.count(w) === 1 && tokenizer.count(' ' + w) === 1);
  if (words.length === 0) throw new RunConfigError(`the ${tokenizer.name} tokenizer splits every filler word: synthetic prompts cannot be sized under it (use tokenizer: approx)`);
  return words;
}

export function buildFillerText(rng: SeededRandom, tokenizer: Tokenizer = loadTokenizer('approx')): string {
  const words = fillerWordsFor(tokenizer);
  const parts = new Array<string>(FILLER_WORD_COUNT);
  for (let i = 0; i < FILLER_WORD_COUNT; i++) parts[i] = words[Math.floor(rng.next() * words.length)];
  const filler = parts.join(' ') + ' ';
  if (tokenizer.vocabulary !== null) {
    // The property the words were chosen for, checked once on a sample.
    const sample = syntheticPrompt(filler, 500, new SeededRandom(7));
    if (tokenizer.count(sample) !== 500) throw new RunConfigError(`the ${tokenizer.name} tokenizer merges filler words across spaces: synthetic prompts cannot be sized under it (use tokenizer: approx)`);
  }
  return filler;
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

/** A prompt of a file or template, ready to send: JSON-encoded and counted. */
interface PreparedPrompt {
  json: string;
  tokens: number;
  row: DataRow | undefined;
}

/** Per mix entry: everything needed to make a prompt without I/O or counting. */
export class PromptMaker {
  private readonly template: string | undefined;
  private readonly rows: DataRow[] | undefined;
  /** The template filled from each row (or the template alone), encoded and counted. */
  private readonly prepared: PreparedPrompt[] = [];
  private readonly random: boolean;
  private cursor = 0;

  constructor(
    private readonly entry: PlanMixEntry,
    entryIndex: number,
    baseDir: string,
    private readonly filler: string,
    readonly tokenizer: Tokenizer = loadTokenizer('approx'),
    /** Prepare at most this many data rows, spread over the file (an estimate's sample). */
    sampleRows = Infinity,
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
    if (this.template !== undefined) {
      const template = this.template;
      const prepare = (row: DataRow | undefined): PreparedPrompt => {
        const text = fillTemplate(template, row);
        return { json: JSON.stringify(text), tokens: tokenizer.count(text), row };
      };
      if (!this.rows) this.prepared.push(prepare(undefined));
      else if (this.rows.length <= sampleRows) for (const row of this.rows) this.prepared.push(prepare(row));
      else for (let k = 0; k < sampleRows; k++) this.prepared.push(prepare(this.rows[Math.floor((k * this.rows.length) / sampleRows)]));
    }
  }

  /** Tokens of the last prompt made, under the entry's tokenizer. */
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
    const n = this.prepared.length;
    const p = this.prepared[!this.rows ? 0 : this.random ? Math.floor(rng.next() * n) : this.cursor++ % n]!;
    this.lastTokens = p.tokens;
    this.lastRow = p.row;
    return p.json;
  }

  /** The mean size of this entry's file or template prompts, or null for synthetic prompts
   * (whose sizes are drawn). */
  meanPreparedTokens(): number | null {
    if (this.prepared.length === 0) return null;
    return this.prepared.reduce((sum, p) => sum + p.tokens, 0) / this.prepared.length;
  }
}

/** FNV-1a of a name: a stable seed per mix entry. */
function nameSeed(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
