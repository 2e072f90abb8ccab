/** The sampling slot holding `now`: slots are aligned to the interval (from the epoch), so every worker agrees on them. */
export function samplingSlot(now: Date, intervalSeconds: number): Date {
  const intervalMs = intervalSeconds * 1000;
  return new Date(Math.floor(now.getTime() / intervalMs) * intervalMs);
}
