/** Percentiles and number formats of the tenant move benchmark (bench/move.ts). No I/O. */

/** Nearest-rank percentile of ascending values (NaN when empty). */
export const quantile = (sorted: readonly number[], q: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];

export const ascending = (items: readonly number[]) => [...items].sort((a, b) => a - b);

export const MIB = 1024 * 1024;
export const mb = (bytes: number) => (bytes / MIB).toFixed(1);
export const seconds = (ms: number) => (ms / 1000).toFixed(2);
export const mbPerSecond = (bytes: number, ms: number) => (bytes / MIB / (ms / 1000)).toFixed(1);
export const pad = (value: string | number, width: number) => String(value).padStart(width);

/** "p50 12  p95 30  p99 41  max 41 ms" over the values given. */
export function spread(values: readonly number[], percentiles: readonly number[] = [0.5, 0.95, 0.99]): string {
  const sorted = ascending(values);
  const parts = percentiles.map((q) => `p${Math.round(q * 100)} ${pad(Math.round(quantile(sorted, q)), 5)}`);
  return `${parts.join('  ')}  max ${pad(Math.round(sorted.at(-1) ?? NaN), 5)} ms`;
}
