import Link from 'next/link';
import { StatusBadge, type BadgeTone } from '@/components/ui/StatusBadge';
import { formatBytes, formatNumber, formatPercent, formatSeconds } from '@/lib/format';
import type { BalanceReport, ShardStatus } from '@/lib/rebalance/rebalance-model';
import { DIMENSION_LABELS, formatDimensionValue, formatRatioToMean, shardSkewState } from './skew-chart-view';
import { ShardStatusToggle } from './ShardStatusToggle';

const STATUS_TONE: Record<ShardStatus, BadgeTone> = { active: 'ok', draining: 'warn', retired: 'neutral' };

/**
 * Per shard: tenants, measured bytes, load over the window (tenant active
 * time and its share, commits/s, statement time), connections, and the
 * chosen dimension against the mean. A stale shard (down or unsampled) says
 * so: its live columns are old or empty and plans move nothing to it.
 */
export function ShardBalanceTable({ report, canAdminister }: { report: BalanceReport; canAdminister: boolean }) {
  const stale = report.shards.filter((shard) => shard.stale);
  return (
    <section className="card" data-testid="shard-balance">
      <header>
        <h2>Shards</h2>
        <span className="subtle">load over the last {report.window}</span>
      </header>
      {stale.length > 0 ? (
        <p className="banner warn" role="status" data-testid="stale-shards">
          {stale.map((shard) => shard.shardId).join(', ')}: numbers are stale (down or not sampled); plans move no tenant to {stale.length === 1 ? 'it' : 'them'}.
        </p>
      ) : null}
      <table>
        <thead>
          <tr>
            <th>Shard</th>
            <th>Status</th>
            <th className="num">Tenants</th>
            <th className="num">Bytes</th>
            <th className="num" title="tenant sessions' active time over the window, and its share of the fleet's">
              Load
            </th>
            <th className="num">Commits/s</th>
            <th className="num" title="seconds of statement time per second">
              Statement time
            </th>
            <th className="num">Connections</th>
            <th className="num">{DIMENSION_LABELS[report.dimension]} vs mean</th>
            {canAdminister ? <th>Admin</th> : null}
          </tr>
        </thead>
        <tbody>
          {report.shards.map((shard) => {
            const state = shardSkewState(shard.status, shard.ratioToMean, report.thresholdPct);
            return (
              <tr key={shard.shardId} data-testid="shard-balance-row" data-shard-id={shard.shardId} data-status={shard.status} data-state={state}>
                <td>
                  <Link href={`/shards/${encodeURIComponent(shard.shardId)}`}>{shard.name || shard.shardId}</Link>{' '}
                  <span className="mono subtle">{shard.shardId}</span>
                </td>
                <td>
                  <StatusBadge tone={STATUS_TONE[shard.status]} testId="shard-status">
                    {shard.status}
                  </StatusBadge>
                  {shard.stale ? (
                    <>
                      {' '}
                      <StatusBadge tone="bad">stale</StatusBadge>
                    </>
                  ) : null}
                </td>
                <td className="num" data-testid="shard-tenants">
                  {formatNumber(shard.tenants)}
                </td>
                <td className="num" data-testid="shard-bytes" data-bytes={shard.bytes}>
                  {formatBytes(shard.bytes)}
                </td>
                <td className="num">
                  {shard.load === 0 ? '0 s' : formatSeconds(shard.load)}
                  {shard.loadShare !== null ? <span className="subtle"> · {formatPercent(shard.loadShare * 100)}</span> : null}
                </td>
                <td className="num">{shard.commitsPerSecond === null ? '—' : formatNumber(shard.commitsPerSecond)}</td>
                <td className="num">{shard.statementSecondsPerSecond === null ? '—' : `${formatNumber(shard.statementSecondsPerSecond)} s/s`}</td>
                <td className="num">
                  {shard.connectionsUsed === null ? '—' : formatNumber(shard.connectionsUsed)}
                  {shard.connectionsMax !== null ? <span className="subtle"> / {formatNumber(shard.connectionsMax)}</span> : null}
                </td>
                <td className="num" title={formatDimensionValue(report.dimension, shard.weight)}>
                  <span className={`skew-${state}`}>{formatRatioToMean(shard.ratioToMean)}</span>
                </td>
                {canAdminister ? (
                  <td className="wide">
                    <ShardStatusToggle shard={shard} />
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
