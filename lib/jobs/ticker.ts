import type PgBoss from 'pg-boss';
import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { samplingSlot } from './slots';
import { slotJobId, type QueueName, type SlotJob } from './queues';

/**
 * Sub-minute scheduling that N workers can share: every worker ticks, and
 * each tick sends the current slot's jobs with ids fixed by (queue, shard,
 * slot). pg-boss inserts them with ON CONFLICT DO NOTHING, so however many
 * workers tick, each slot's job per shard exists once.
 *
 * A slot's jobs are spread over the first half of the interval (startAfter)
 * so the fleet and the control DB see a steady trickle rather than a burst.
 * Each start also gets up to `jitterMs` of random delay: with a fixed start,
 * the worker whose polling happens to come first after it would win that
 * shard's job every slot; with a random one, polling workers take turns.
 */
export function slotJobs(
  queue: QueueName,
  shards: readonly ShardConfig[],
  slot: Date,
  intervalSeconds: number,
  jitterMs: number = 0,
  random: () => number = Math.random,
): PgBoss.JobInsert<SlotJob>[] {
  const spreadMs = (intervalSeconds * 1000) / 2;
  return shards.map((shard, index) => ({
    id: slotJobId(queue, shard.id, slot),
    name: queue,
    data: { shardId: shard.id, at: slot.toISOString() },
    startAfter: new Date(slot.getTime() + Math.floor((index * spreadMs) / Math.max(1, shards.length) + random() * jitterMs)),
  }));
}

export interface SlotTicker {
  queue: QueueName;
  intervalSeconds: number;
  /** Random delay added to each job's start: about one polling interval, so workers take turns. */
  jitterMs: number;
  lastSent: number;
}

/** Sends the current slot's jobs when the slot is new to this worker; returns the number sent (0 when already sent). */
export async function tick(boss: PgBoss, ticker: SlotTicker, shards: readonly ShardConfig[], now: Date = new Date()): Promise<number> {
  const slot = samplingSlot(now, ticker.intervalSeconds);
  if (slot.getTime() <= ticker.lastSent) return 0;
  await boss.insert(slotJobs(ticker.queue, shards, slot, ticker.intervalSeconds, ticker.jitterMs));
  ticker.lastSent = slot.getTime();
  return shards.length;
}
