// The load shape as a function of run time: which segment is active and what level it asks for.
// `level` is arrivals per second (open model) or concurrent users (closed model).
import type { PlanLoad, PlanSegment } from './plan';
import { usersForWorker } from './worker-share';

export function segmentAt(load: PlanLoad, tMs: number): PlanSegment | undefined {
  const segments = load.segments;
  if (!(tMs >= 0) || tMs >= load.durationMs) return undefined;
  let low = 0;
  let high = segments.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const segment = segments[mid];
    if (tMs < segment.startMs) high = mid - 1;
    else if (tMs >= segment.endMs) low = mid + 1;
    else return segment;
  }
  return undefined;
}

/** Level of one segment at run time tMs (clamped to the segment). */
export function segmentLevel(segment: PlanSegment, tMs: number): number {
  const elapsed = Math.min(Math.max(tMs - segment.startMs, 0), segment.endMs - segment.startMs);
  switch (segment.shape) {
    case 'constant':
      return segment.from;
    case 'linear': {
      const span = segment.endMs - segment.startMs;
      return span <= 0 ? segment.to : segment.from + ((segment.to - segment.from) * elapsed) / span;
    }
    case 'sine': {
      const period = segment.periodMs && segment.periodMs > 0 ? segment.periodMs : segment.endMs - segment.startMs;
      return segment.from + ((segment.to - segment.from) * (1 - Math.cos((2 * Math.PI * elapsed) / period))) / 2;
    }
  }
}

/** Target level at run time tMs; 0 before the start and after the end. */
export function levelAt(load: PlanLoad, tMs: number): number {
  const segment = segmentAt(load, tMs);
  return segment ? segmentLevel(segment, tMs) : 0;
}

/** Level at the very end of a segment, where the next stage picks up. */
export function segmentEndLevel(segment: PlanSegment): number {
  return segmentLevel(segment, segment.endMs);
}

/** The highest level the shape asks for (a sine wave peaks at `to`). */
export function peakLevel(load: PlanLoad): number {
  return load.segments.reduce((m, s) => Math.max(m, s.from, s.to), 0);
}

/** The most requests the plan can have in flight at once: its peak users in the closed model
 * (this worker's share of them when it is one of several), load.maxInFlight in the open one; a
 * herd probe's burst comes on top. Each needs a connection. */
export function plannedConcurrency(load: PlanLoad, herdRequests = 0): number {
  const users = Math.ceil(peakLevel(load));
  const base = load.model === 'closed' ? (load.share ? usersForWorker(users, load.share) : users) : load.maxInFlight;
  return Math.max(1, base + herdRequests);
}
