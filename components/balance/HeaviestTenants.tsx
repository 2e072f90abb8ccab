import Link from 'next/link';
import { formatBytes, formatSeconds } from '@/lib/format';
import type { BalanceReport } from '@/lib/rebalance/rebalance-model';

type BalanceShard = BalanceReport['shards'][number];

function PinnedMark({ pinned }: { pinned: boolean }) {
  return pinned ? (
    <span className="badge neutral pinned-mark" title="pinned: a rebalance never moves it">
      pinned
    </span>
  ) : null;
}

function HeavyList({ title, empty, rows }: { title: string; empty: string; rows: { tenantId: string; name: string; amount: string; pinned: boolean }[] }) {
  return (
    <div>
      <h4>{title}</h4>
      {rows.length === 0 ? (
        <p className="subtle">{empty}</p>
      ) : (
        <table className="heavy-list">
          <tbody>
            {rows.map((row) => (
              <tr key={row.tenantId} data-testid="heavy-tenant" data-tenant-id={row.tenantId} data-pinned={row.pinned}>
                <td>
                  <Link href={`/tenants/${encodeURIComponent(row.tenantId)}`}>{row.name}</Link> <PinnedMark pinned={row.pinned} />
                </td>
                <td className="num">{row.amount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function ShardHeaviest({ shard }: { shard: BalanceShard }) {
  return (
    <div className="heavy-shard" data-testid="heaviest-tenants" data-shard-id={shard.shardId}>
      <h3>
        {shard.name || shard.shardId} <span className="mono subtle">{shard.shardId}</span>
      </h3>
      <div className="heavy-columns">
        <HeavyList
          title="By bytes"
          empty="no tenant storage measured yet"
          rows={shard.heaviestByBytes.map((tenant) => ({ tenantId: tenant.tenantId, name: tenant.name, amount: formatBytes(tenant.bytes), pinned: tenant.pinned }))}
        />
        <HeavyList
          title="By load"
          empty="no tenant load sampled in this window"
          rows={shard.heaviestByLoad.map((tenant) => ({
            tenantId: tenant.tenantId,
            name: tenant.name,
            amount: tenant.load === 0 ? '0 s' : formatSeconds(tenant.load),
            pinned: tenant.pinned,
          }))}
        />
      </div>
    </div>
  );
}

/** The tenants that make each shard heavy, by bytes and by load; pinned ones are marked (the planner leaves them where they are). */
export function HeaviestTenants({ report }: { report: BalanceReport }) {
  return (
    <section className="card panel" data-testid="heaviest-panel">
      <header>
        <h2>Heaviest tenants</h2>
        <span className="subtle">load over the last {report.window}</span>
      </header>
      <div className="heavy-grid">
        {report.shards.map((shard) => (
          <ShardHeaviest key={shard.shardId} shard={shard} />
        ))}
      </div>
    </section>
  );
}
