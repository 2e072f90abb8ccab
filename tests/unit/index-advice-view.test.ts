import { describe, expect, it } from 'vitest';
import { adviceCounts, deadTuplesText, reclaimableText, seqReadShare, statsAreYoung, statsResetText } from '@/components/queries/index-advice-view';
import type { IndexAdvice } from '@/lib/statements/statements-model';

const MiB = 1024 ** 2;

const advice: IndexAdvice = {
  shardId: 'shard-1',
  nodeId: 'shard-1-primary',
  statsResetAt: null,
  seqScanHeavy: [{ table: 'public.events', seqScans: 40, seqTupRead: 9_000, idxScans: 2, idxTupFetch: 1_000, tableBytes: 80 * MiB, liveTuples: 40_000 }],
  unused: [
    { index: 'events_kind_idx', table: 'public.events', indexBytes: 2 * MiB, definition: 'CREATE INDEX events_kind_idx ON public.events (kind)' },
    { index: 'orders_status_idx', table: 'public.orders', indexBytes: 1 * MiB, definition: 'CREATE INDEX orders_status_idx ON public.orders (status)' },
  ],
  duplicate: [],
  redundant: [{ table: 'public.orders', index: 'orders_tenant_idx', coveredBy: 'orders_pkey', indexBytes: 3 * MiB, definition: '…' }],
  invalid: [],
  deadTuples: [{ table: 'public.orders', deadTuples: 5000, liveTuples: 20000, deadPct: 20, lastAutovacuum: null }],
  neverAnalyzed: [],
};

describe('index advice in words', () => {
  it('says since when "unused" was counted, and when it never was reset', () => {
    expect(statsResetText(null)).toMatch(/never been reset/);
    expect(statsResetText(new Date().toISOString())).toMatch(/today/);
  });

  it('calls statistics younger than a week too young for a verdict on unused indexes', () => {
    const now = Date.parse('2025-01-10T00:00:00Z');
    expect(statsAreYoung('2025-01-08T00:00:00Z', now)).toBe(true);
    expect(statsAreYoung('2024-12-01T00:00:00Z', now)).toBe(false);
    expect(statsAreYoung(null, now)).toBe(false);
  });

  it('counts each section and what dropping unused and redundant indexes gives back', () => {
    const counts = Object.fromEntries(adviceCounts(advice).map((count) => [count.key, count]));
    expect(counts.unused).toMatchObject({ count: 2, reclaimableBytes: 3 * MiB });
    expect(reclaimableText(counts.unused)).toBe('3.0 MiB to reclaim');
    expect(counts.redundant.reclaimableBytes).toBe(3 * MiB);
    expect(counts.duplicate).toMatchObject({ count: 0, reclaimableBytes: null });
    expect(reclaimableText(counts.seqScanHeavy)).toBeNull();
  });

  it('gives the share of rows read by sequential scans', () => {
    expect(seqReadShare(advice.seqScanHeavy[0])).toBe(90);
    expect(seqReadShare({ ...advice.seqScanHeavy[0], seqTupRead: 0, idxTupFetch: 0 })).toBeNull();
  });

  it('writes dead against live tuples with the percentage', () => {
    expect(deadTuplesText(advice.deadTuples[0])).toBe('5k dead / 20k live (20 %)');
  });
});
