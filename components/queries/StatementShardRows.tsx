import Link from 'next/link';
import type { StatementRow } from '@/lib/statements/statements-model';
import { OutlierBadge } from './OutlierBadge';
import { ShareMeter } from './ShareMeter';
import { StatementFigureCells } from './StatementFigureCells';
import { formatShare } from './statement-figures-view';

/** A statement's shards under its fleet row: each shard's figures and its share of the statement's time. */
export function StatementShardRows({ row, outlierRule }: { row: StatementRow; outlierRule: string }) {
  return (
    <>
      {row.shards.map((shard) => (
        <tr
          key={shard.shardId}
          className={`shard-subrow${shard.outlier ? ' outlier' : ''}`}
          data-testid="statement-shard-row"
          data-statement-hash={row.statementHash}
          data-shard-id={shard.shardId}
          data-outlier={shard.outlier}
          data-calls={shard.calls}
        >
          <td />
          <td className="statement-cell">
            <Link href={`/shards/${encodeURIComponent(shard.shardId)}`} className="mono">
              {shard.shardId}
            </Link>{' '}
            {shard.outlier ? <OutlierBadge rule={outlierRule} /> : null}
            <div className="cell-note">
              {shard.nodes.length} node{shard.nodes.length === 1 ? '' : 's'}: {shard.nodes.map((node) => node.nodeId).join(', ')}
            </div>
          </td>
          <StatementFigureCells figures={shard} share={<ShareMeter share={shard.shareOfTime} label={`${formatShare(shard.shareOfTime)} of this statement's time`} />} />
        </tr>
      ))}
    </>
  );
}
