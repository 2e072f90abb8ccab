import { describe, expect, it } from 'vitest';
import { expiredPartitions, partitionDay, partitionFor, partitionsAround } from '@/lib/history/partition-plan';

describe('day partitions of the history tables', () => {
  it('names and bounds the UTC day holding a time', () => {
    const partition = partitionFor('metric_samples', new Date('2026-11-22T23:59:59.999Z'));
    expect(partition).toEqual({
      name: 'metric_samples_p20261122',
      from: new Date('2026-11-22T00:00:00Z'),
      to: new Date('2026-11-23T00:00:00Z'),
    });
  });

  it('lists yesterday, today and the days ahead', () => {
    const names = partitionsAround('metric_samples', new Date('2026-12-31T12:00:00Z'), 1, 2).map((partition) => partition.name);
    expect(names).toEqual(['metric_samples_p20261230', 'metric_samples_p20261231', 'metric_samples_p20270101', 'metric_samples_p20270102']);
  });

  it('reads the day back from a partition name and ignores names that are not ours', () => {
    expect(partitionDay('metric_samples', 'metric_samples_p20261122')).toEqual(new Date('2026-11-22T00:00:00Z'));
    expect(partitionDay('metric_samples', 'metric_rollups_p20261122')).toBeNull();
    expect(partitionDay('metric_samples', 'metric_samples_default')).toBeNull();
  });

  it('drops a day only once all of it is older than the retention', () => {
    const now = new Date('2026-11-22T06:00:00Z');
    const names = ['metric_samples_p20261106', 'metric_samples_p20261107', 'metric_samples_p20261108', 'metric_samples_p20261122', 'metric_samples_extra'];
    // 14 days before now is 2026-11-08 06:00: the 7th ended before it, the 8th did not.
    expect(expiredPartitions('metric_samples', names, now, 14)).toEqual(['metric_samples_p20261106', 'metric_samples_p20261107']);
  });
});
