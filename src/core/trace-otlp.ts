// OTLP JSON exports of spans (what the OpenTelemetry Collector's file exporter writes, one
// ExportTraceServiceRequest a line, or one such document pretty-printed): every span that
// carries GenAI token usage (gen_ai.usage.input_tokens / output_tokens) is one request, at its
// start time, routed by gen_ai.request.model unless the mapping names another attribute.
// Message content (gen_ai.input.messages and the like) is never read.
import { parseJsonObjectLine } from './trace-jsonl';
import { TraceError, readPrefixId, readRoute, readTokenCount, type TraceColumns, type TraceReadOptions, type TraceRecord } from './trace-record';

export const OTLP_DEFAULT_COLUMNS: Required<Pick<TraceColumns, 'promptTokens' | 'outputTokens' | 'route'>> = {
  promptTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  route: 'gen_ai.request.model',
};
/** Older GenAI conventions named the counts prompt/completion tokens. */
const LEGACY_NAMES: Record<string, string> = {
  'gen_ai.usage.input_tokens': 'gen_ai.usage.prompt_tokens',
  'gen_ai.usage.output_tokens': 'gen_ai.usage.completion_tokens',
};

type AnyValue = { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean };

function attributeValue(value: AnyValue | undefined): unknown {
  if (!value || typeof value !== 'object') return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return typeof value.intValue === 'string' ? Number(value.intValue) : value.intValue;
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  return undefined;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Nanoseconds as OTLP JSON writes them (a decimal string, sometimes a number) -> ms. */
function nanosToMs(value: unknown, line: number): number {
  if (typeof value === 'string' && /^\d+$/.test(value)) {
    // Split so that 19-digit nanosecond counts keep their millisecond precision in a double.
    const ms = value.length > 6 ? Number(value.slice(0, -6)) + Number(value.slice(-6)) / 1e6 : Number(value) / 1e6;
    if (ms > 0) return ms;
  }
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value / 1e6;
  throw new TraceError(line, `a GenAI span has startTimeUnixNano ${JSON.stringify(value) ?? 'missing'}: expected nanoseconds since the Unix epoch`);
}

export class OtlpTraceReader {
  private readonly columns: TraceColumns;
  /** Spans read that carry no GenAI usage (HTTP spans, tool spans…), left out. */
  skippedSpans = 0;

  constructor(private readonly options: TraceReadOptions) {
    this.columns = { ...OTLP_DEFAULT_COLUMNS, ...(options.columns ?? {}) };
  }

  get resolvedColumns(): TraceColumns {
    return this.columns;
  }

  readLine(text: string, line: number): TraceRecord[] {
    if (text.trim() === '') return [];
    return this.readDocument(parseJsonObjectLine(text, line), line);
  }

  readDocument(doc: Record<string, unknown>, line: number): TraceRecord[] {
    if (!Array.isArray(doc.resourceSpans)) {
      throw new TraceError(line, `not an OTLP trace export: expected { "resourceSpans": [...] } (an ExportTraceServiceRequest in OTLP JSON)`);
    }
    const out: TraceRecord[] = [];
    for (const resource of doc.resourceSpans as unknown[]) {
      const r = resource as Record<string, unknown>;
      for (const scope of [...asArray(r?.scopeSpans), ...asArray(r?.instrumentationLibrarySpans)]) {
        for (const span of asArray((scope as Record<string, unknown>)?.spans)) {
          const record = this.readSpan(span as Record<string, unknown>, line);
          if (record) out.push(record);
          else this.skippedSpans++;
        }
      }
    }
    return out;
  }

  private readSpan(span: Record<string, unknown>, line: number): TraceRecord | null {
    const attributes = new Map<string, unknown>();
    for (const a of asArray(span?.attributes)) {
      const kv = a as { key?: unknown; value?: AnyValue };
      if (typeof kv?.key === 'string') attributes.set(kv.key, attributeValue(kv.value));
    }
    const get = (key: string): unknown => attributes.get(key) ?? (LEGACY_NAMES[key] ? attributes.get(LEGACY_NAMES[key]) : undefined);
    const c = this.columns;
    const input = get(c.promptTokens!);
    const output = get(c.outputTokens!);
    if (input === undefined && output === undefined) return null;
    const name = typeof span.name === 'string' ? `span '${span.name}' ` : '';
    const record: TraceRecord = {
      line,
      timeMs: c.time !== undefined ? nanosToMs(get(c.time), line) : nanosToMs(span.startTimeUnixNano, line),
      promptTokens: readTokenCount(input ?? 0, line, `${name}${c.promptTokens}`),
      outputTokens: readTokenCount(output ?? 0, line, `${name}${c.outputTokens}`),
      route: readRoute(get(c.route!) ?? get('gen_ai.response.model')),
    };
    if (c.prefix !== undefined) {
      const id = readPrefixId(get(c.prefix));
      const tokens = c.prefixTokens !== undefined ? get(c.prefixTokens) : undefined;
      if (id !== undefined && tokens !== undefined) {
        record.prefixId = id;
        record.prefixTokens = Math.min(readTokenCount(tokens, line, `${name}${c.prefixTokens}`), record.promptTokens);
      }
    }
    if (this.options.keepPrompts && c.prompt !== undefined) {
      const prompt = get(c.prompt);
      if (typeof prompt === 'string') record.prompt = prompt;
    }
    return record;
  }
}
