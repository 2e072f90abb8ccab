/**
 * Pure day-partition arithmetic for the history tables (UTC days). Which
 * partitions must exist around now, and which have aged out of retention.
 * No I/O: unit-tested.
 */

const DAY_MS = 86_400_000;
const PARTITION_SUFFIX = /_p(\d{4})(\d{2})(\d{2})$/;

/** Midnight UTC of the day holding `at`. */
export function dayStart(at: Date): Date {
  return new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
}

export function addDays(day: Date, days: number): Date {
  return new Date(day.getTime() + days * DAY_MS);
}

function yyyymmdd(day: Date): string {
  return day.toISOString().slice(0, 10).replaceAll('-', '');
}

export interface DayPartition {
  name: string;
  /** Inclusive lower bound (midnight UTC). */
  from: Date;
  /** Exclusive upper bound (next midnight UTC). */
  to: Date;
}

export function partitionFor(table: string, at: Date): DayPartition {
  const from = dayStart(at);
  return { name: `${table}_p${yyyymmdd(from)}`, from, to: addDays(from, 1) };
}

/** The day partitions to have from `daysBack` days before `now` to `daysAhead` days after. */
export function partitionsAround(table: string, now: Date, daysBack: number, daysAhead: number): DayPartition[] {
  const today = dayStart(now);
  const days: DayPartition[] = [];
  for (let offset = -daysBack; offset <= daysAhead; offset++) days.push(partitionFor(table, addDays(today, offset)));
  return days;
}

/** The day a partition name covers, or null for a name that is not one of ours. */
export function partitionDay(table: string, name: string): Date | null {
  if (!name.startsWith(`${table}_p`)) return null;
  const match = PARTITION_SUFFIX.exec(name);
  if (!match) return null;
  const day = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return Number.isNaN(day.getTime()) ? null : day;
}

/**
 * Partitions whose whole day is older than the retention: a partition is
 * dropped only once its newest possible row is `retentionDays` old, so a
 * sample is kept at least that long and at most one day longer.
 */
export function expiredPartitions(table: string, names: readonly string[], now: Date, retentionDays: number): string[] {
  const cutoff = now.getTime() - retentionDays * DAY_MS;
  return names
    .filter((name) => {
      const day = partitionDay(table, name);
      return day !== null && addDays(day, 1).getTime() <= cutoff;
    })
    .sort();
}
