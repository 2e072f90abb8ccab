import Link from 'next/link';
import { StatusBadge, type BadgeTone } from '@/components/ui/StatusBadge';
import type { TenantDetail, TenantStatus } from '@/lib/tenants/tenant-model';
import { CopyButton } from './CopyButton';

const STATUS_TONE: Record<TenantStatus, BadgeTone> = { active: 'ok', moving: 'warn', fenced: 'warn', suspended: 'bad' };

const STATUS_MEANING: Record<TenantStatus, string> = {
  active: 'serving reads and writes',
  moving: 'being copied to another shard; writes still go to this one',
  fenced: 'writes refused for the last moments of a move',
  suspended: 'suspended by the platform',
};

export function TenantIdentity({ tenant }: { tenant: TenantDetail }) {
  return (
    <>
      <header>
        <h2>Identity</h2>
      </header>
      <dl className="identity" data-testid="tenant-identity">
        <dt>Id</dt>
        <dd>
          <span className="mono" data-testid="tenant-id">
            {tenant.id}
          </span>{' '}
          <CopyButton value={tenant.id} label="Copy tenant id" />
        </dd>
        <dt>Tier</dt>
        <dd data-testid="tenant-tier">{tenant.tier}</dd>
        <dt>Shard</dt>
        <dd>
          <Link href={`/shards/${encodeURIComponent(tenant.shardId)}`}>{tenant.shardName ?? tenant.shardId}</Link>
          {tenant.shardName && tenant.shardName !== tenant.shardId ? <span className="subtle mono"> {tenant.shardId}</span> : null}
        </dd>
        <dt>Layout</dt>
        <dd>
          {tenant.layout === 'schema' ? (
            <>
              own schema <span className="mono">{tenant.schemaName ?? '(unnamed)'}</span>
            </>
          ) : (
            'shared tables (rows keyed by tenant_id)'
          )}
        </dd>
        <dt>Status</dt>
        <dd>
          <StatusBadge tone={STATUS_TONE[tenant.status]}>{tenant.status}</StatusBadge> <span className="subtle">{STATUS_MEANING[tenant.status]}</span>
        </dd>
        <dt>Pinned</dt>
        <dd data-testid="tenant-pinned">{tenant.pinned ? 'yes: a rebalance never moves it' : 'no'}</dd>
        <dt>Created</dt>
        <dd title={tenant.createdAt}>{new Date(tenant.createdAt).toLocaleString()}</dd>
      </dl>
    </>
  );
}
