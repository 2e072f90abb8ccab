/** Display formatting shared by pages and operator-facing messages: bytes in binary units, durations compact. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export function formatSeconds(seconds: number | null): string {
  if (seconds === null) return '—';
  // Sub-millisecond replica lag is common on a quiet LAN: it must not read "0 ms" next to a non-zero point.
  if (seconds > 0 && seconds < 0.001) return `${Math.max(1, Math.round(seconds * 1e6))} µs`;
  if (seconds < 0.01) return `${trimDecimals(seconds * 1000, 1)} ms`;
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 120) return Number.isInteger(seconds) ? `${seconds} s` : `${seconds.toFixed(1)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** Counts and rates: thousands compact (1.05k, 12.3k, 3.4M), small values with at most two decimals. */
export function formatNumber(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude >= 1e9) return `${trimDecimals(value / 1e9, 1)}G`;
  if (magnitude >= 1e6) return `${trimDecimals(value / 1e6, 1)}M`;
  // Two decimals below 10k: an axis tick at 1050 must not read "1.1k".
  if (magnitude >= 1e3) return `${trimDecimals(value / 1e3, magnitude < 1e4 ? 2 : 1)}k`;
  if (magnitude >= 100) return String(Math.round(value));
  if (magnitude >= 10) return trimDecimals(value, 1);
  return trimDecimals(value, 2);
}

export function formatPercent(percent: number | null): string {
  if (percent === null) return '—';
  return `${trimDecimals(percent, 1)} %`;
}

/**
 * A metric value in its unit (the units of lib/history/metrics.ts): bytes in
 * binary units, durations compact, percentages with one decimal (a cache hit
 * ratio lives between 99 and 100), counts and rates compact with the unit.
 */
export function formatMetricValue(value: number | null, unit: string): string {
  if (value === null) return '—';
  switch (unit) {
    case '%':
      return formatPercent(value);
    case 'bytes':
      return formatBytes(value);
    case 'bytes/s':
      return `${formatBytes(value)}/s`;
    case 's':
      // No lag is "0 s", not "0 ms".
      return value === 0 ? '0 s' : formatSeconds(value);
    case 'bool':
      return value >= 1 ? 'up' : 'down';
    default:
      return unit.startsWith('/') ? `${formatNumber(value)}${unit}` : `${formatNumber(value)} ${unit}`;
  }
}

function trimDecimals(value: number, decimals: number): string {
  return String(Number(value.toFixed(decimals)));
}
