/** The hourly charts' x axis: local "14:00" ticks for UTC hour buckets, the full time in the tooltip. */
export const HOURLY_CHART_HEIGHT = 200;
export const AXIS_COLOR = '#8a9bb0';
export const GRID_COLOR = '#2a3542';
export const TOOLTIP_STYLE = { background: '#171e26', border: `1px solid ${GRID_COLOR}` } as const;

export function hourTick(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

export function hourLabel(at: unknown): string {
  const start = new Date(Number(at));
  return `${start.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })} (1 h)`;
}
