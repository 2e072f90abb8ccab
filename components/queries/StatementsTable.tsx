'use client';

import Link from 'next/link';
import { Fragment, useState } from 'react';
import type { StatementRow, StatementSort, StatementWindow, StatementsReport } from '@/lib/statements/statements-model';
import { OutlierBadge } from './OutlierBadge';
import { ShareMeter } from './ShareMeter';
import { FIGURE_COLUMNS, StatementFigureCells } from './StatementFigureCells';
import { StatementShardRows } from './StatementShardRows';
import { formatShare, statementPreview } from './statement-figures-view';
import { statementHref } from './statements-url-view';

/**
 * One row per statement for the whole fleet (merged by normalized text), each
 * expandable into its shards with their share and the outlier flag. Sorting
 * is the server's: a header click changes the URL (all keys sort biggest first).
 */
export function StatementsTable({ report, window, onSort }: { report: StatementsReport; window: StatementWindow; onSort: (sort: StatementSort) => void }) {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const toggle = (hash: string) =>
    setExpanded((previous) => {
      const next = new Set(previous);
      if (next.has(hash)) next.delete(hash);
      else next.add(hash);
      return next;
    });

  return (
    <table className="statements-table" data-testid="statements-table">
      <thead>
        <tr>
          <th aria-label="Per shard" />
          <th>Statement</th>
          {FIGURE_COLUMNS.map((column) => (
            <th key={column.header} className="num" title={column.title} aria-sort={column.sort === report.sort ? 'descending' : undefined}>
              {column.sort ? (
                <button type="button" className="sort-header" onClick={() => onSort(column.sort!)} data-column={column.sort}>
                  {column.header}
                  <span className="sort-mark" aria-hidden="true">
                    {column.sort === report.sort ? ' ▼' : ''}
                  </span>
                </button>
              ) : (
                column.header
              )}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {report.rows.map((row) => (
          <Fragment key={row.statementHash}>
            <StatementFleetRow row={row} window={window} outlierRule={report.outlierRule} expanded={expanded.has(row.statementHash)} onToggle={() => toggle(row.statementHash)} />
            {expanded.has(row.statementHash) ? <StatementShardRows row={row} outlierRule={report.outlierRule} /> : null}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}

function StatementFleetRow({
  row,
  window,
  outlierRule,
  expanded,
  onToggle,
}: {
  row: StatementRow;
  window: StatementWindow;
  outlierRule: string;
  expanded: boolean;
  onToggle: () => void;
}) {
  const preview = statementPreview(row.query);
  return (
    <tr data-testid="statement-row" data-statement-hash={row.statementHash} data-outlier={row.outlierShardIds.length > 0} data-calls={row.calls}>
      <td>
        <button
          type="button"
          className="small expand"
          aria-expanded={expanded}
          aria-label={`${expanded ? 'Hide' : 'Show'} shards of ${preview}`}
          onClick={onToggle}
          data-testid="statement-expand"
        >
          {expanded ? '▾' : '▸'} {row.shards.length}
        </button>
      </td>
      <td className="statement-cell">
        <Link href={statementHref(row.statementHash, window)} className="statement-link mono" title={row.query} data-testid="statement-link">
          {preview}
        </Link>
        <div className="cell-note">
          {row.users.length ? `${row.users.join(', ')} · ` : ''}
          {row.shards.length} shard{row.shards.length === 1 ? '' : 's'}
          {row.outlierShardIds.length > 0 ? (
            <>
              {' '}
              · <OutlierBadge rule={outlierRule} /> <span className="mono">{row.outlierShardIds.join(', ')}</span>
            </>
          ) : null}
        </div>
      </td>
      <StatementFigureCells figures={row} share={<ShareMeter share={row.shareOfAllTime} label={`${formatShare(row.shareOfAllTime)} of all statement time`} />} />
    </tr>
  );
}
