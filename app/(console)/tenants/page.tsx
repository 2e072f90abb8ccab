import { Suspense } from 'react';
import { TenantDirectory } from '@/components/tenants/TenantDirectory';
import { Skeleton } from '@/components/ui/Skeleton';
import { getFleet } from '@/lib/fleet/topology';

export default function TenantsPage() {
  // The shard filter offers the fleet file's shards; the API refuses any other.
  const shards = getFleet().shards.map((shard) => ({ id: shard.id, name: shard.name ?? shard.id }));
  return (
    <>
      <h1>Tenants</h1>
      <p className="subtle">
        Every tenant against its tier&apos;s limits. Search by part of a name or the start of an id; near is ≥ 80 % of any limit, over is ≥ 100 %.
      </p>
      <Suspense fallback={<Skeleton />}>
        <TenantDirectory shards={shards} />
      </Suspense>
    </>
  );
}
