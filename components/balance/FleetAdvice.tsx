import Link from 'next/link';
import { formatBytes, formatSeconds } from '@/lib/format';
import type { BalanceReport } from '@/lib/rebalance/rebalance-model';

/**
 * Fleet-level advice from the shard ladder (≈1k tenants on one database, 4
 * shards to 10k, 16 to 100k, 64+ beyond), and the tenants big enough to
 * deserve a schema or a shard of their own.
 */
export function FleetAdvice({ advice, bigTenants }: { advice: BalanceReport['fleetAdvice']; bigTenants: BalanceReport['bigTenants'] }) {
  return (
    <section className="card panel" data-testid="fleet-advice">
      <header>
        <h2>Fleet advice</h2>
      </header>
      {advice.length === 0 ? (
        <p className="subtle">nothing to advise: the fleet&apos;s shard count fits its tenant count</p>
      ) : (
        <ul className="advice-list">
          {advice.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
      <h3>Big tenants</h3>
      {bigTenants.length === 0 ? (
        <p className="subtle" data-testid="no-big-tenants">
          no tenant is big enough to deserve its own schema or shard
        </p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Tenant</th>
              <th>Shard</th>
              <th>Layout</th>
              <th className="num">Bytes</th>
              <th className="num">Load</th>
              <th>Advice</th>
            </tr>
          </thead>
          <tbody>
            {bigTenants.map((tenant) => (
              <tr key={tenant.tenantId} data-testid="big-tenant" data-tenant-id={tenant.tenantId}>
                <td>
                  <Link href={`/tenants/${encodeURIComponent(tenant.tenantId)}`}>{tenant.name}</Link>
                </td>
                <td className="mono">{tenant.shardId}</td>
                <td>{tenant.layout}</td>
                <td className="num">{formatBytes(tenant.bytes)}</td>
                <td className="num">{tenant.load === 0 ? '0 s' : formatSeconds(tenant.load)}</td>
                <td className="wide">{tenant.advice}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
