// The estimate lives in core so `stampede run --dry-run` and the editor share one.
export { LATENCY_BASE_MS, MS_PER_OUTPUT_TOKEN, estimateRun, formatEstimate, meanTokens, segmentArea, type RunEstimate } from '../core/run-estimate';
