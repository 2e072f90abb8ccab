import { describe, expect, it } from 'vitest';
import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { QUEUES, slotJobId } from '@/lib/jobs/queues';
import { samplingSlot } from '@/lib/jobs/slots';
import { slotJobs } from '@/lib/jobs/ticker';

const shard = (id: string): ShardConfig => ({ id, adminUrl: 'postgres://x@h/db', nodes: [{ id: `${id}-primary`, role: 'primary', url: 'postgres://x@h/db' }] });

describe('sampling slots and job ids', () => {
  it('puts every worker in the same slot, aligned to the interval', () => {
    expect(samplingSlot(new Date('2026-11-22T10:00:14.999Z'), 15).toISOString()).toBe('2026-11-22T10:00:00.000Z');
    expect(samplingSlot(new Date('2026-11-22T10:00:15.000Z'), 15).toISOString()).toBe('2026-11-22T10:00:15.000Z');
  });

  it('derives the same UUID for the same queue, shard and slot, and different ones otherwise', () => {
    const slot = new Date('2026-11-22T10:00:00Z');
    const id = slotJobId(QUEUES.sampleShard, 'shard-1', slot);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(slotJobId(QUEUES.sampleShard, 'shard-1', new Date(slot))).toBe(id);
    expect(slotJobId(QUEUES.sampleShard, 'shard-2', slot)).not.toBe(id);
    expect(slotJobId(QUEUES.snapshotStatements, 'shard-1', slot)).not.toBe(id);
    expect(slotJobId(QUEUES.sampleShard, 'shard-1', new Date(slot.getTime() + 15_000))).not.toBe(id);
  });

  it('spreads a slot\'s jobs over the first half of the interval', () => {
    const slot = new Date('2026-11-22T10:00:00Z');
    const jobs = slotJobs(QUEUES.sampleShard, ['a', 'b', 'c', 'd'].map(shard), slot, 20);
    expect(jobs.map((job) => (job.startAfter as Date).getTime() - slot.getTime())).toEqual([0, 2500, 5000, 7500]);
    expect(jobs.map((job) => job.data)).toEqual(['a', 'b', 'c', 'd'].map((shardId) => ({ shardId, at: slot.toISOString() })));
  });
});
