import type { SamplingState } from './worker-status-types';

/** A worker that has not beaten for this long is presumed gone (it beats every 5 s). */
export const HEARTBEAT_ALIVE_SECONDS = 30;

/** Sampling counts as stopped after three missed intervals (one late round is not an outage). */
export const STALE_AFTER_INTERVALS = 3;

export function samplingState(lastSampleAgeSeconds: number | null, intervalSeconds: number): SamplingState {
  if (lastSampleAgeSeconds === null) return 'never';
  // A round takes a moment after its slot starts: allow one node timeout's worth of slack on top.
  return lastSampleAgeSeconds > STALE_AFTER_INTERVALS * intervalSeconds + 5 ? 'stale' : 'ok';
}

/** "4 s", "3 min", "2 h": how long ago, in the unit an operator reads at a glance. */
export function formatAge(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}
