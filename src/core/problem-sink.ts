// Collects problems found while reading a scenario, placing each at a key, a value, or a
// part of a string value. Without a locator (a scenario built in code) every range is 1:1.
import type { SourceRange } from './plan';
import { formatPath, WHOLE_FILE_START, type Problem } from './problem';
import type { PathSegment, SourceLocator } from './yaml-source';

export type Anchor = 'key' | 'value';

export class ProblemSink {
  readonly problems: Problem[] = [];

  constructor(private readonly locator?: SourceLocator) {}

  error(code: string, message: string, path: readonly PathSegment[], anchor: Anchor = 'value'): void {
    this.add('error', code, message, path, this.rangeOf(path, anchor));
  }

  warning(code: string, message: string, path: readonly PathSegment[], anchor: Anchor = 'value'): void {
    this.add('warning', code, message, path, this.rangeOf(path, anchor));
  }

  /** An error at characters [start, end) of the string value at `path`. */
  errorInString(code: string, message: string, path: readonly PathSegment[], value: string, start: number, end: number): void {
    this.add('error', code, message, path, this.stringRange(path, value, start, end));
  }

  get hasErrors(): boolean {
    return this.problems.some((p) => p.severity === 'error');
  }

  rangeOf(path: readonly PathSegment[], anchor: Anchor = 'value'): SourceRange {
    if (!this.locator) return WHOLE_FILE_START;
    return anchor === 'key' ? this.locator.keyRange(path) : this.locator.valueRange(path);
  }

  /** Maps offsets inside a string value to the file, when the scalar is written on one line as is. */
  stringRange(path: readonly PathSegment[], value: string, start: number, end: number): SourceRange {
    const source = this.locator?.scalarSource(path);
    if (!this.locator || !source) return this.rangeOf(path);
    let base: number | undefined;
    if (source.raw === value) base = source.start;
    else if (/^["']/.test(source.raw) && source.raw.slice(1, -1) === value) base = source.start + 1;
    if (base === undefined) return this.rangeOf(path);
    return this.locator.offsetRange(base + start, base + Math.max(end, start + 1));
  }

  private add(severity: Problem['severity'], code: string, message: string, path: readonly PathSegment[], range: SourceRange): void {
    this.problems.push({ severity, code, message, path: formatPath(path), range });
  }
}
