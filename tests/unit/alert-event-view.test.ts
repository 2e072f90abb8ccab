import { describe, expect, it } from 'vitest';
import { eventChartRange, eventDurationSeconds, firingTone, formatAlertValue, formatThreshold, metricLabel } from '@/components/alerts/events/alert-event-view';

const now = new Date('2026-03-10T12:00:00Z');
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();

describe('how an alert event reads', () => {
  it('labels the metric and formats values and thresholds in its unit', () => {
    expect(metricLabel('replica_lag_seconds')).toBe('Replica lag');
    expect(metricLabel('made_up_metric')).toBe('made_up_metric');
    expect(formatAlertValue('replica_lag_seconds', 12.5)).toBe('12.5 s');
    expect(formatAlertValue('connections_pct', 91.26)).toBe('91.3 %');
    expect(formatAlertValue('db_size_bytes', 11 * 1024 ** 3)).toBe('11.0 GiB');
    expect(formatAlertValue('mean_statement_ms', 2400)).toBe('2.4 s');
    expect(formatAlertValue('mean_statement_ms', 150)).toBe('150 ms');
    expect(formatAlertValue('node_up', 0)).toBe('down');
    expect(formatAlertValue('replica_lag_seconds', null)).toBe('—');
    expect(formatThreshold('cache_hit_pct', 80)).toBe('< 80 %');
    expect(formatThreshold('replica_lag_seconds', 10)).toBe('> 10 s');
    expect(formatThreshold('mean_statement_ms', 2000)).toBe('> 2 s');
    expect(formatThreshold('node_up', 1)).toBeNull();
  });

  it('counts a firing event up to now and a resolved one to its end', () => {
    expect(eventDurationSeconds({ startedAt: minutesAgo(10), resolvedAt: null }, now)).toBe(600);
    expect(eventDurationSeconds({ startedAt: minutesAgo(10), resolvedAt: minutesAgo(4) }, now)).toBe(360);
  });

  it('colours the header badge red for any critical, amber for warnings only, grey at zero', () => {
    expect(firingTone({ firing: 3, critical: 1, warning: 2, unacknowledged: 3 })).toBe('bad');
    expect(firingTone({ firing: 2, critical: 0, warning: 2, unacknowledged: 0 })).toBe('warn');
    expect(firingTone({ firing: 0, critical: 0, warning: 0, unacknowledged: 0 })).toBe('neutral');
  });
});

describe('the chart range around an event', () => {
  it('shows a firing event up to now in the smallest range that holds it with a margin', () => {
    const chart = eventChartRange({ shardId: 'shard-1', startedAt: minutesAgo(20), resolvedAt: null }, now);
    expect(chart).toMatchObject({ range: '1h', to: null });
    expect(chart.href).toBe('/shards/shard-1?range=1h#shard-history-heading');
    // 50 min of firing + 12.5 min margin before: past 1 h.
    expect(eventChartRange({ shardId: 'shard-1', startedAt: minutesAgo(50), resolvedAt: null }, now).range).toBe('6h');
  });

  it('ends a resolved event a margin after it resolved, when that is in the past', () => {
    const chart = eventChartRange({ shardId: 'shard-2', startedAt: '2026-03-09T08:00:00Z', resolvedAt: '2026-03-09T10:00:00Z' }, now);
    // 2 h event, 30 min on each side: 3 h → the 6 h preset ending 10:30.
    expect(chart).toMatchObject({ range: '6h', to: '2026-03-09T10:30:00.000Z' });
    expect(new URL(chart.href, 'http://console').searchParams.get('to')).toBe('2026-03-09T10:30:00.000Z');
  });

  it('keeps the live range for an event resolved less than a margin ago', () => {
    const chart = eventChartRange({ shardId: 'shard-1', startedAt: minutesAgo(12), resolvedAt: minutesAgo(2) }, now);
    expect(chart).toMatchObject({ range: '1h', to: null });
  });

  it('falls back to the widest range for an event longer than all presets', () => {
    const chart = eventChartRange({ shardId: 'shard-1', startedAt: '2026-02-20T00:00:00Z', resolvedAt: '2026-03-01T00:00:00Z' }, now);
    expect(chart.range).toBe('7d');
    expect(chart.to).toBe('2026-03-03T06:00:00.000Z');
  });
});
