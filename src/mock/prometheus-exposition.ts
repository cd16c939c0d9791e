// /metrics in the Prometheus text format, under vLLM's metric names (V1 engine), so a monitor or
// dashboard written against the mock works unchanged against vLLM. The mock's own counters use
// the mock_ prefix. Prefix-cache counters count tokens, as vLLM's do.

export interface MetricsSnapshot {
  running: number;
  waiting: number;
  kvCacheUsage: number;
  promptTokens: number;
  generationTokens: number;
  prefixCacheHits: number;
  prefixCacheQueries: number;
  requests: number;
  completed: number;
  stoppedOnDisconnect: number;
  leakedGenerations: number;
  rateLimited: number;
  queueRejected: number;
  responseCacheHits: number;
  responseCacheMisses: number;
  duplicateComputations: number;
  coalesced: number;
  toolCallResponses: number;
}

/** A counter with one sample per label value, e.g. mock_faults_injected_total{kind="outage"}. */
export interface LabelledCounter {
  name: string;
  help: string;
  label: string;
  values: Record<string, number>;
}

interface MetricLine {
  name: string;
  type: 'gauge' | 'counter';
  help: string;
  value: (s: MetricsSnapshot) => number;
}

const METRICS: MetricLine[] = [
  { name: 'vllm:num_requests_running', type: 'gauge', help: 'Number of requests in model execution batches.', value: (s) => s.running },
  { name: 'vllm:num_requests_waiting', type: 'gauge', help: 'Number of requests waiting to be processed.', value: (s) => s.waiting },
  { name: 'vllm:kv_cache_usage_perc', type: 'gauge', help: 'KV-cache usage. 1 means 100 percent usage.', value: (s) => s.kvCacheUsage },
  { name: 'vllm:prompt_tokens_total', type: 'counter', help: 'Number of prefill tokens processed.', value: (s) => s.promptTokens },
  { name: 'vllm:generation_tokens_total', type: 'counter', help: 'Number of generation tokens processed.', value: (s) => s.generationTokens },
  { name: 'vllm:prefix_cache_queries_total', type: 'counter', help: 'Prefix cache queries, in terms of number of queried tokens.', value: (s) => s.prefixCacheQueries },
  { name: 'vllm:prefix_cache_hits_total', type: 'counter', help: 'Prefix cache hits, in terms of number of cached tokens.', value: (s) => s.prefixCacheHits },
  { name: 'mock_requests_total', type: 'counter', help: 'Chat completion requests received.', value: (s) => s.requests },
  { name: 'mock_requests_completed_total', type: 'counter', help: 'Chat completions delivered in full.', value: (s) => s.completed },
  { name: 'mock_requests_stopped_on_disconnect_total', type: 'counter', help: 'Generations stopped because the client disconnected.', value: (s) => s.stoppedOnDisconnect },
  { name: 'mock_generations_leaked_total', type: 'counter', help: 'Generations that kept running after their client disconnected.', value: (s) => s.leakedGenerations },
  { name: 'mock_rate_limited_total', type: 'counter', help: 'Requests answered 429 by the RPM/TPM limits.', value: (s) => s.rateLimited },
  { name: 'mock_queue_rejected_total', type: 'counter', help: 'Requests answered 503 because the waiting queue was full.', value: (s) => s.queueRejected },
  { name: 'mock_response_cache_hits_total', type: 'counter', help: 'Requests answered from the response cache.', value: (s) => s.responseCacheHits },
  { name: 'mock_response_cache_misses_total', type: 'counter', help: 'Response-cache lookups that found no answer.', value: (s) => s.responseCacheMisses },
  { name: 'mock_duplicate_computations_total', type: 'counter', help: 'Cache misses computed while an identical request was already computing (a thundering herd).', value: (s) => s.duplicateComputations },
  { name: 'mock_coalesced_requests_total', type: 'counter', help: 'Cache misses answered with the result of an identical request in flight.', value: (s) => s.coalesced },
  { name: 'mock_tool_call_responses_total', type: 'counter', help: 'Answers that were assistant tool calls (agent loop steps).', value: (s) => s.toolCallResponses },
];

export function prometheusText(modelName: string, snapshot: MetricsSnapshot, labelled: LabelledCounter[] = []): string {
  const model = `model_name=${JSON.stringify(modelName)}`;
  let text = '';
  for (const metric of METRICS) {
    text += `# HELP ${metric.name} ${metric.help}\n# TYPE ${metric.name} ${metric.type}\n`;
    text += `${metric.name}{${model}} ${formatValue(metric.value(snapshot))}\n`;
  }
  for (const counter of labelled) {
    text += `# HELP ${counter.name} ${counter.help}\n# TYPE ${counter.name} counter\n`;
    for (const [value, count] of Object.entries(counter.values)) {
      text += `${counter.name}{${model},${counter.label}=${JSON.stringify(value)}} ${formatValue(count)}\n`;
    }
  }
  return text;
}

function formatValue(value: number): string {
  return Number.isInteger(value) ? `${value}.0` : String(value);
}
