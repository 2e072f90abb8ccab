import Link from 'next/link';
import { Fragment } from 'react';
import type { StatementShardFigures } from '@/lib/statements/statements-model';
import { OutlierBadge } from './OutlierBadge';
import { ShareMeter } from './ShareMeter';
import { FIGURE_COLUMNS, StatementFigureCells } from './StatementFigureCells';
import { DETAIL_OUTLIER_RULE, formatShare } from './statement-figures-view';

/** The statement per shard (with its share of the statement's time and the outlier flag) and per node under it. */
export function StatementShardTable({ shards }: { shards: StatementShardFigures[] }) {
  const outlierRule = DETAIL_OUTLIER_RULE;
  return (
    <section className="card" data-testid="statement-shards">
      <header>
        <h2>Per shard and node</h2>
      </header>
      {shards.length === 0 ? (
        <p className="subtle">No shard ran this statement in this range.</p>
      ) : (
        <table className="statements-table">
          <thead>
            <tr>
              <th>Shard / node</th>
              {FIGURE_COLUMNS.map((column) => (
                <th key={column.header} className="num" title={column.title}>
                  {column.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shards.map((shard) => (
              <Fragment key={shard.shardId}>
                <tr className={shard.outlier ? 'outlier' : undefined} data-testid="detail-shard-row" data-shard-id={shard.shardId} data-outlier={shard.outlier} data-calls={shard.calls}>
                  <td>
                    <Link href={`/shards/${encodeURIComponent(shard.shardId)}`} className="mono">
                      {shard.shardId}
                    </Link>{' '}
                    {shard.outlier ? <OutlierBadge rule={outlierRule} /> : null}
                  </td>
                  <StatementFigureCells figures={shard} share={<ShareMeter share={shard.shareOfTime} label={`${formatShare(shard.shareOfTime)} of this statement's time`} />} />
                </tr>
                {shard.nodes.map((node) => (
                  <tr key={node.nodeId} className="shard-subrow" data-testid="detail-node-row" data-node-id={node.nodeId} data-calls={node.calls}>
                    <td className="mono node-cell">
                      {node.nodeId} <span className="subtle">({node.role})</span>
                    </td>
                    <StatementFigureCells figures={node} share={null} />
                  </tr>
                ))}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
