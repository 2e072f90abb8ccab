'use client';

import { AlertError } from '@/components/ui/AlertError';
import { Skeleton } from '@/components/ui/Skeleton';
import { useTenantQuery } from '@/lib/queries/tenants/tenant-query';
import { CachePanel } from './CachePanel';
import { ApiCallsPanel } from './ApiCallsPanel';
import { SessionsPanel } from './SessionsPanel';
import { TenantAdminControls } from './TenantAdminControls';
import { TenantIdentity } from './TenantIdentity';
import { TenantMoveControl } from './TenantMoveControl';
import { UsagePanel } from './UsagePanel';

/**
 * One tenant: who it is (control DB) and what it uses (its own query, polled).
 * The usage panels share one query; each shows its own loading and error so
 * Redis or a shard being away blanks only what depends on it.
 */
export function TenantView({ tenantId, canAdminister }: { tenantId: string; canAdminister: boolean }) {
  const { data: tenant, error, isPending } = useTenantQuery(tenantId);
  if (isPending) return <Skeleton />;
  if (!tenant) return <AlertError subject="tenant" error={error} />;
  return (
    <>
      <h1 data-testid="tenant-name">{tenant.name}</h1>
      {error ? <p className="subtle">last refresh failed ({error.message}), showing the previous answer</p> : null}
      <div className="panels">
        <section className="card panel" data-testid="panel-identity">
          <TenantIdentity tenant={tenant} />
          {canAdminister ? <TenantAdminControls tenant={tenant} /> : null}
          {canAdminister ? <TenantMoveControl tenant={tenant} /> : null}
        </section>
        <UsagePanel tenantId={tenantId} />
        <div className="tenant-charts">
          <CachePanel tenantId={tenantId} />
          <ApiCallsPanel tenantId={tenantId} />
        </div>
        <SessionsPanel tenantId={tenantId} />
      </div>
    </>
  );
}
