import { describe, expect, it } from 'vitest';
import { historyAxisFormat, historyTimeTicks, toHistoryChart } from '@/components/charts/history-series';
import type { HistoryResponse, HistorySeries } from '@/lib/history/history-types';

function history(series: HistorySeries[], unit = 'tx/s'): HistoryResponse {
  return {
    metric: 'tps',
    unit,
    label: 'Transactions per second (commits + rollbacks)',
    stepSeconds: 60,
    from: '2025-03-01T10:00:00Z',
    to: '2025-03-01T11:00:00Z',
    source: 'raw',
    series,
  };
}

const at = (minute: number) => `2025-03-01T10:${String(minute).padStart(2, '0')}:00Z`;
const ms = (minute: number) => Date.parse(at(minute));

describe('history chart rows', () => {
  it('keeps a bucket where the node was down as null, so the line breaks instead of bridging the outage', () => {
    const chart = toHistoryChart(
      history([
        {
          key: 'shard-1-primary',
          label: 'shard-1-primary',
          points: [
            { at: at(0), value: 10 },
            { at: at(1), value: null },
            { at: at(2), value: 12 },
          ],
        },
      ]),
    );
    expect(chart.rows).toEqual([
      { at: ms(0), values: { 'shard-1-primary': 10 } },
      { at: ms(1), values: { 'shard-1-primary': null } },
      { at: ms(2), values: { 'shard-1-primary': 12 } },
    ]);
    expect(chart.pointCount).toBe(2);
  });

  it('aligns series with different buckets on time, a missing bucket being a gap of that series only', () => {
    const chart = toHistoryChart(
      history([
        {
          key: 'shard-1',
          label: 'Shard 1',
          points: [
            { at: at(2), value: 5 },
            { at: at(0), value: 3 },
          ],
        },
        {
          key: 'shard-2',
          label: 'Shard 2',
          // Same instant as shard-1's first bucket, written with an offset.
          points: [
            { at: '2025-03-01T11:00:00+01:00', value: 7 },
            { at: at(1), value: 8 },
          ],
        },
      ]),
    );
    expect(chart.rows).toEqual([
      { at: ms(0), values: { 'shard-1': 3, 'shard-2': 7 } },
      { at: ms(1), values: { 'shard-1': null, 'shard-2': 8 } },
      { at: ms(2), values: { 'shard-1': 5, 'shard-2': null } },
    ]);
    expect(chart.lines.map((line) => [line.key, line.label])).toEqual([
      ['shard-1', 'Shard 1'],
      ['shard-2', 'Shard 2'],
    ]);
    expect(chart.pointCount).toBe(4);
    expect(chart.fromMs).toBe(ms(0));
    expect(chart.toMs).toBe(Date.parse('2025-03-01T11:00:00Z'));
  });

  it('keeps pool keys with slashes and node ids with dots as plain keys', () => {
    const chart = toHistoryChart(history([{ key: 'app.db/app_user', label: 'app.db/app_user', points: [{ at: at(0), value: 2 }] }], 'clients'));
    expect(chart.rows[0].values['app.db/app_user']).toBe(2);
  });

  it('draws nothing for a response without series, or with series that have no points yet', () => {
    expect(toHistoryChart(history([]))).toMatchObject({ rows: [], lines: [], pointCount: 0 });
    const fresh = toHistoryChart(history([{ key: 'shard-1', label: 'Shard 1', points: [] }]));
    expect(fresh.rows).toEqual([]);
    expect(fresh.pointCount).toBe(0);
  });

  it('counts a series of nothing but gaps as no points at all', () => {
    const chart = toHistoryChart(
      history([
        {
          key: 'shard-1-primary',
          label: 'shard-1-primary',
          points: [
            { at: at(0), value: null },
            { at: at(1), value: null },
          ],
        },
      ]),
    );
    expect(chart.rows).toHaveLength(2);
    expect(chart.pointCount).toBe(0);
  });

  it('marks a value with gaps on both sides as isolated, since a line alone would not show it', () => {
    const chart = toHistoryChart(
      history([
        {
          key: 'n1',
          label: 'n1',
          points: [
            { at: at(0), value: 1 },
            { at: at(1), value: null },
            { at: at(2), value: 2 },
            { at: at(3), value: 3 },
            { at: at(4), value: null },
            { at: at(5), value: 4 },
          ],
        },
      ]),
    );
    expect(chart.lines[0].isolatedRows).toEqual([0, 5]);
  });

  it('gives every series its own colour', () => {
    const series = ['a', 'b', 'c'].map((key) => ({ key, label: key, points: [{ at: at(0), value: 1 }] }));
    const colors = toHistoryChart(history(series)).lines.map((line) => line.color);
    expect(new Set(colors).size).toBe(3);
  });
});

describe('history value formatting by unit', () => {
  it('shows bytes in binary units, lag in ms / s / min, percentages with one decimal', () => {
    expect(historyAxisFormat('bytes').tick(16 * 1024 * 1024)).toBe('16.0 MiB');
    expect(historyAxisFormat('bytes').tooltip(1536)).toBe('1.5 KiB');
    expect(historyAxisFormat('s').tooltip(0.25)).toBe('250 ms');
    expect(historyAxisFormat('s').tooltip(0)).toBe('0 s');
    expect(historyAxisFormat('s').tooltip(600)).toBe('10 min');
    expect(historyAxisFormat('%').tooltip(99.53)).toBe('99.5 %');
    expect(historyAxisFormat('%').tick(40)).toBe('40%');
  });

  it('shows counts and rates compactly with their unit', () => {
    expect(historyAxisFormat('tx/s').tick(1050)).toBe('1.05k');
    expect(historyAxisFormat('tx/s').tick(12_345)).toBe('12.3k');
    expect(historyAxisFormat('tx/s').tooltip(1500)).toBe('1.5k tx/s');
    expect(historyAxisFormat('clients').tooltip(3)).toBe('3 clients');
    expect(historyAxisFormat('/min').tooltip(0.5)).toBe('0.5/min');
    expect(historyAxisFormat('tx/s').tooltip(12.345)).toBe('12.3 tx/s');
  });
});

describe('history time ticks', () => {
  it('puts ticks on round local times: every 15 min over an hour, every local midnight over a week', () => {
    const from = Date.parse('2025-03-01T10:03:20Z');
    expect(historyTimeTicks(from, from + 3600_000, 3600, 0).map((tick) => new Date(tick).toISOString().slice(11, 16))).toEqual([
      '10:15',
      '10:30',
      '10:45',
      '11:00',
    ]);
    // UTC+2: local midnight is 22:00 UTC.
    const weekTicks = historyTimeTicks(from, from + 7 * 86_400_000, 7 * 86_400, 120);
    expect(weekTicks).toHaveLength(7);
    expect(new Date(weekTicks[0]).toISOString()).toBe('2025-03-01T22:00:00.000Z');
  });
});
