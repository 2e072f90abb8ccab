import type { ReactNode } from 'react';
import { formatPercent } from '@/lib/format';
import type { StatementFigures, StatementSort } from '@/lib/statements/statements-model';
import { SORT_LABELS, blocksText, formatCount, formatMs, formatWalBytes, lowHitRatio, rowsText } from './statement-figures-view';

/** The figure columns after the statement, with the sort key each header asks for (null: not in the API's allowlist). */
export const FIGURE_COLUMNS: { header: string; sort: StatementSort | null; title?: string }[] = [
  { header: SORT_LABELS.total_time.header, sort: 'total_time', title: SORT_LABELS.total_time.title },
  { header: SORT_LABELS.calls.header, sort: 'calls', title: SORT_LABELS.calls.title },
  { header: SORT_LABELS.mean_time.header, sort: 'mean_time', title: SORT_LABELS.mean_time.title },
  { header: 'Stddev', sort: null, title: 'standard deviation of the execution time' },
  { header: SORT_LABELS.rows.header, sort: 'rows', title: SORT_LABELS.rows.title },
  { header: SORT_LABELS.shared_read.header, sort: 'shared_read', title: SORT_LABELS.shared_read.title },
  { header: SORT_LABELS.io_time.header, sort: 'io_time', title: SORT_LABELS.io_time.title },
  { header: SORT_LABELS.temp_blocks.header, sort: 'temp_blocks', title: SORT_LABELS.temp_blocks.title },
  { header: SORT_LABELS.wal_bytes.header, sort: 'wal_bytes', title: SORT_LABELS.wal_bytes.title },
];

/**
 * The figure columns of one statement (fleet, shard or node row), in the
 * order of FIGURE_COLUMNS. `share` is what the total time is a share of
 * (all statement time for a fleet row, the statement's time for a shard).
 */
export function StatementFigureCells({ figures, share }: { figures: StatementFigures; share: ReactNode }) {
  return (
    <>
      <td className="num" data-testid="figure-total-time">
        {formatMs(figures.totalTimeMs)}
        <div className="cell-note">{share}</div>
      </td>
      <td className="num" data-testid="figure-calls">
        {formatCount(figures.calls)}
      </td>
      <td className="num" data-testid="figure-mean">
        {formatMs(figures.meanTimeMs)}
      </td>
      <td className="num">{formatMs(figures.stddevTimeMs)}</td>
      <td className="num">{rowsText(figures)}</td>
      <td className="num">
        {blocksText(figures)}
        <div className={`cell-note${lowHitRatio(figures) ? ' warn-text' : ''}`}>{figures.hitPct === null ? 'no block access' : `${formatPercent(figures.hitPct)} hit`}</div>
      </td>
      <td className="num">{formatMs(figures.ioTimeMs)}</td>
      <td className="num">{formatCount(figures.tempBlks)}</td>
      <td className="num">{formatWalBytes(figures.walBytes)}</td>
    </>
  );
}
